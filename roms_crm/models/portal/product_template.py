from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    roms_reseller_ok = fields.Boolean(
        string="Sold to Resellers",
        index=True,
        help="Shown in the reseller catalogue of the customer portal, where "
        "resellers, dropshippers, agents and distributors order it at their own "
        "prices.",
    )
