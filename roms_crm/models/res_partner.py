from odoo import fields, models

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
