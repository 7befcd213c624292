from odoo import api, fields, models

ROMS_CATEGORIES = [
    ("lead", "Lead"),
    ("customer", "Customer"),
    ("reseller", "Reseller"),
    ("dropshipper", "Dropshipper"),
    ("agent", "Agent"),
    ("distributor", "Distributor"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    roms_category = fields.Selection(
        ROMS_CATEGORIES,
        string="Customer Category",
        default="customer",
        index=True,
        tracking=True,
        help="How the shop sells to this contact: end customers, or resellers, "
        "dropshippers, agents and distributors who buy to sell on.",
    )
    roms_join_date = fields.Date(
        string="Join Date",
        default=fields.Date.context_today,
        help="When the customer joined the shop. Imported with the customer, so an "
        "import does not make everyone a new member.",
    )
    roms_gender = fields.Selection(
        [("male", "Male"), ("female", "Female")],
        string="Gender",
    )
    roms_instagram = fields.Char(string="Instagram")
    roms_tiktok = fields.Char(string="TikTok")
    roms_facebook = fields.Char(string="Facebook")

    # Indonesian address: province (state_id), city/regency (city_id of
    # base_address_extended) and district (kecamatan), each list filtering the next.
    roms_district_id = fields.Many2one(
        "roms.district",
        string="District",
        domain="[('city_id', '=?', city_id), ('state_id', '=?', state_id)]",
        index="btree_not_null",
        help="Kecamatan of the address. Choosing it fills in the city/regency and "
        "the province.",
    )

    @api.model
    def _address_fields(self):
        return super()._address_fields() + ["roms_district_id"]

    @api.onchange("roms_district_id")
    def _onchange_roms_district_id(self):
        if self.roms_district_id and self.city_id != self.roms_district_id.city_id:
            self.city_id = self.roms_district_id.city_id

    @api.onchange("city_id")
    def _onchange_city_id(self):
        # base_address_extended empties the postal code when the city has none (no
        # Indonesian city has one: postal codes belong to villages) and the province
        # when the city is emptied, e.g. because another province was chosen: keep both.
        zip_code, state = self.zip, self.state_id
        result = super()._onchange_city_id()
        if not self.city_id.zipcode:
            self.zip = zip_code
        if not self.city_id:
            self.state_id = state
        if self.roms_district_id.city_id != self.city_id:
            self.roms_district_id = False
        return result

    @api.onchange("state_id")
    def _onchange_state_id_roms(self):
        if self.city_id.state_id and self.city_id.state_id != self.state_id:
            if self.city == self.city_id.name:
                self.city = False
            self.city_id = False
