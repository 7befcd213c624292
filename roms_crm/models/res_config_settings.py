from odoo import api, fields, models

ORDER_CONFIRMATION_PARAM = "roms_crm.send_order_confirmation"


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

    roms_send_order_confirmation = fields.Boolean(
        string="Send Order Confirmations",
        help="Queue the Order Confirmation template for the customer when an order "
        "is confirmed for the first time.",
    )
    roms_rate_limit_email = fields.Integer(
        string="E-mails per Minute",
        config_parameter="roms_crm.rate_limit_email",
        default=0,
        help="At most this many e-mails are sent per minute; 0 means no limit.",
    )
    roms_message_max_attempts = fields.Integer(
        string="Send Attempts",
        config_parameter="roms_crm.message_max_attempts",
        default=5,
        help="A message that fails temporarily is retried, waiting twice as long "
        "each time, up to this many attempts; then it is marked failed.",
    )
    roms_message_retry_minutes = fields.Integer(
        string="First Retry After (minutes)",
        config_parameter="roms_crm.message_retry_minutes",
        default=5,
    )
    roms_opt_out_keywords = fields.Char(
        string="Opt-out Keywords",
        config_parameter="roms_crm.opt_out_keywords",
        default="STOP,BERHENTI",
        help="Comma-separated words: a customer who replies with one of them is "
        "opted out of reminders and broadcasts.",
    )

    @api.model
    def _roms_order_confirmation_enabled(self):
        value = (
            self.env["ir.config_parameter"].sudo().get_param(ORDER_CONFIRMATION_PARAM)
        )
        return value not in ("0", "False", "false")

    @api.model
    def get_values(self):
        res = super().get_values()
        res["roms_send_order_confirmation"] = self._roms_order_confirmation_enabled()
        return res

    def set_values(self):
        result = super().set_values()
        self.env["ir.config_parameter"].sudo().set_param(
            ORDER_CONFIRMATION_PARAM, "1" if self.roms_send_order_confirmation else "0"
        )
        return result

    def action_roms_update_all_stats(self):
        self.env["res.partner"]._roms_update_all_stats()
