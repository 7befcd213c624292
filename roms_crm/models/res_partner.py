from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

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

    # Phone identity: ROMS customers' numbers are stored in E.164 (+62…); the
    # normalised number is their WhatsApp identity and the key for de-duplication.
    roms_whatsapp_number = fields.Char(
        string="WhatsApp Number",
        compute="_compute_roms_whatsapp_number",
        store=True,
        index="btree_not_null",
        help="The normalised (E.164) mobile number, or the phone number when there is "
        "no mobile: the customer's WhatsApp identity.",
    )
    roms_duplicate_count = fields.Integer(
        string="Duplicates",
        compute="_compute_roms_duplicate_count",
        search="_search_roms_duplicate_count",
        help="Other contacts with the same WhatsApp number.",
    )

    # ------------------------------------------------------------------
    # Phone identity
    # ------------------------------------------------------------------

    @api.depends("mobile", "phone", "country_id")
    def _compute_roms_whatsapp_number(self):
        for partner in self:
            partner.roms_whatsapp_number = partner._roms_normalize_phone(
                partner.mobile or partner.phone, partner.country_id
            )

    def _compute_roms_duplicate_count(self):
        numbers = [n for n in self.mapped("roms_whatsapp_number") if n]
        counts = dict(
            self.with_context(active_test=False)._read_group(
                [("roms_whatsapp_number", "in", numbers)],
                ["roms_whatsapp_number"],
                ["__count"],
            )
        )
        for partner in self:
            partner.roms_duplicate_count = max(
                counts.get(partner.roms_whatsapp_number, 1) - 1, 0
            )

    def _search_roms_duplicate_count(self, operator, value):
        if operator not in ("=", "!=", ">", ">=", "<", "<=") or not isinstance(
            value, int
        ):
            raise UserError(self.env._("Unsupported search on duplicates."))
        if (operator, value) not in ((">", 0), (">=", 1), ("!=", 0)):
            raise UserError(
                self.env._("Only searching for contacts with duplicates is supported.")
            )
        query = SQL(
            """(SELECT roms_whatsapp_number FROM res_partner
                WHERE roms_whatsapp_number IS NOT NULL
             GROUP BY roms_whatsapp_number HAVING count(*) > 1)"""
        )
        return [("roms_whatsapp_number", "in", query)]

    @api.model
    def _roms_default_phone_country(self):
        return (
            self.env.ref("base.id", raise_if_not_found=False)
            or self.env.company.country_id
        )

    def _roms_normalize_phone(self, number, country=False, strict=False):
        """Return ``number`` in E.164, read as a number of ``country`` (Indonesia by
        default): ``0812-3456-7890``, ``62812 3456 7890`` and ``+62 812-3456-7890``
        all give ``+6281234567890``. An invalid number raises a ValidationError
        when ``strict``, else gives False."""
        if not number or not number.strip():
            return False
        country = country or self._roms_default_phone_country()
        try:
            return self._phone_format_number(
                number.strip(), country, force_format="E164", raise_exception=True
            )
        except UserError as error:
            if not strict:
                return False
            raise ValidationError(
                self.env._(
                    "The phone number %(number)s is not valid: %(reason)s",
                    number=number,
                    reason=error.args[0],
                )
            ) from error

    def _roms_normalize_phone_vals(self, vals, country=False, strict=False):
        """Normalise the numbers in ``vals`` in place. Numbers that cannot be
        normalised are refused when ``strict``, else left as typed."""
        for fname in ("mobile", "phone"):
            number = vals.get(fname)
            if number:
                normalized = self._roms_normalize_phone(number, country, strict=strict)
                vals[fname] = normalized or number

    @api.model_create_multi
    def create(self, vals_list):
        # ROMS screens, the import and the API create customers with an explicit
        # category: their numbers must be valid. Contacts made elsewhere in Odoo are
        # normalised when possible and never refused.
        default_strict = bool(self.env.context.get("default_roms_category"))
        for vals in vals_list:
            country = self.env["res.country"].browse(vals.get("country_id"))
            strict = default_strict or bool(vals.get("roms_category"))
            self._roms_normalize_phone_vals(vals, country, strict=strict)
        return super().create(vals_list)

    def write(self, vals):
        if not ({"mobile", "phone"} & vals.keys()):
            return super().write(vals)
        # Numbers are read in the partner's country; customers' must be valid.
        country = self.env["res.country"].browse(vals.get("country_id"))
        becomes_customer = bool(vals.get("roms_category"))
        groups = self.grouped(
            lambda p: (
                country or p.country_id,
                becomes_customer or bool(p.roms_category),
            )
        )
        for (group_country, strict), partners in groups.items():
            group_vals = dict(vals)
            self._roms_normalize_phone_vals(group_vals, group_country, strict=strict)
            super(ResPartner, partners).write(group_vals)
        return True

    def action_roms_merge_duplicates(self):
        """Open Odoo's merge wizard on this customer and its duplicates."""
        self.ensure_one()
        partners = (
            self.with_context(active_test=False).search(
                [("roms_whatsapp_number", "=", self.roms_whatsapp_number)]
            )
            if self.roms_whatsapp_number
            else self
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "base.action_partner_merge"
        )
        action["context"] = {
            "active_model": "res.partner",
            "active_ids": partners.ids,
            "active_id": self.id,
        }
        return action

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
