from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    roms_lifetime_months = fields.Integer(
        string="Expected Customer Lifetime (months)",
        config_parameter="roms_crm.lifetime_months",
        default=24,
        help="Used for the customer lifetime value: average order value × orders per "
        "month × this number of months.",
    )

    roms_abandoned_cart_hours = fields.Integer(
        string="Abandoned Cart After (hours)",
        config_parameter="roms_crm.abandoned_cart_hours",
        default=24,
        help="Quotations not confirmed this many hours after their date are listed "
        "as abandoned carts for follow-up.",
    )

    def action_roms_update_all_stats(self):
        self.env["res.partner"]._roms_update_all_stats()
