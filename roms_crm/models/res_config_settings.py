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

    roms_portal_show_stock_qty = fields.Boolean(
        string="Show Exact Stock in the Reseller Catalogue",
        config_parameter="roms_crm.portal_show_stock_qty",
        help="Resellers see the quantity in stock, not only available, low or out "
        "of stock.",
    )
    roms_portal_order_state = fields.Selection(
        [("quotation", "Quotation"), ("confirmed", "Confirmed Order")],
        string="Reseller Orders Arrive As",
        config_parameter="roms_crm.portal_order_state",
        default="confirmed",
        help="A quotation waits for the shop to confirm it; a confirmed order is "
        "processed at once and fires the new-order automation.",
    )
    roms_portal_over_stock = fields.Selection(
        [("refuse", "Refuse"), ("flag", "Accept and Flag")],
        string="Orders Above Available Stock",
        config_parameter="roms_crm.portal_over_stock",
        default="refuse",
        help="Refuse quantities above the available stock, or accept them and flag "
        "the order for the shop.",
    )
