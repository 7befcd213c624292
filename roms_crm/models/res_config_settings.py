from odoo import api, fields, models
from odoo.exceptions import ValidationError

from . import roms_bounds
from .customer import res_partner as customer
from .fulfilment import sale_order as fulfilment
from .messaging import res_partner as opt_out
from .messaging import (
    roms_broadcast,
    roms_message,
    roms_message_reply,
    roms_reminder_rule,
)
from .messaging import sale_order as order_messages
from .messaging import sale_order_followup as followups
from .order_api import roms_api
from .payment import sale_order as payments
from .portal import roms_reorder_link
from .portal import sale_order as reseller_portal

# Each setting's key and default are declared where the setting is read; the form
# shows the same default.
ORDER_CONFIRMATION_PARAM = "roms_crm.send_order_confirmation"


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    roms_lifetime_months = fields.Integer(
        string="Expected Customer Lifetime (months)",
        config_parameter=customer.LIFETIME_PARAM,
        default=customer.DEFAULT_LIFETIME_MONTHS,
        help="Used for the customer lifetime value: average order value × orders per "
        "month × this number of months.",
    )

    roms_abandoned_cart_hours = fields.Integer(
        string="Abandoned Cart After (hours)",
        config_parameter=fulfilment.ABANDONED_CART_HOURS_PARAM,
        default=fulfilment.DEFAULT_ABANDONED_CART_HOURS,
        help="Quotations not confirmed this many hours after their date are listed "
        "as abandoned carts for follow-up.",
    )

    roms_send_order_confirmation = fields.Boolean(
        string="Send Order Confirmations",
        help="Queue the Order Confirmation template for the customer when an order "
        "is confirmed for the first time.",
    )
    roms_send_payment_received = fields.Boolean(
        string="Send Payment Received",
        help="Queue the Payment Received template for the customer when an online "
        "payment of an order is done.",
    )
    # a default-on Boolean is kept as "1"/"0" by get_values/set_values below:
    # with config_parameter=, Odoo deletes the parameter for False and reads the
    # default back, so the box could never be cleared
    roms_portal_payment_confirmation = fields.Boolean(
        string="Customers Confirm Bank Transfers on the Portal",
        help="An order waiting for a payment shows a form on its portal page where "
        "the customer confirms a bank transfer with a photo or PDF of it. Turn it "
        "off when customers pay online or cash on delivery only.",
    )
    roms_rate_limit_email = fields.Integer(
        string="E-mails per Minute",
        config_parameter=roms_message.RATE_LIMIT_PARAM % "email",
        default=roms_message.DEFAULT_RATE_LIMIT,
        help="At most this many e-mails are sent per minute; 0 means no limit.",
    )
    roms_message_max_attempts = fields.Integer(
        string="Send Attempts",
        config_parameter=roms_message.MAX_ATTEMPTS_PARAM,
        default=roms_message.DEFAULT_MAX_ATTEMPTS,
        help="A message that fails temporarily is retried, waiting twice as long "
        "each time, up to this many attempts; then it is marked failed.",
    )
    roms_message_retry_minutes = fields.Integer(
        string="First Retry After (minutes)",
        config_parameter=roms_message.RETRY_DELAY_PARAM,
        default=roms_message.DEFAULT_RETRY_MINUTES,
    )
    roms_opt_out_keywords = fields.Char(
        string="Opt-out Keywords",
        config_parameter=opt_out.OPT_OUT_KEYWORDS_PARAM,
        default=opt_out.DEFAULT_OPT_OUT_KEYWORDS,
        help="Comma-separated words: a customer who replies with one of them is "
        "opted out of reminders and broadcasts.",
    )

    roms_broadcast_jitter_seconds = fields.Integer(
        string="Broadcast Jitter (seconds)",
        config_parameter=roms_broadcast.JITTER_PARAM,
        default=roms_broadcast.DEFAULT_JITTER_SECONDS,
        help="Each broadcast message waits a random 0 to this many seconds before "
        "it may be sent, so that sends do not come in a machine-regular rhythm. The "
        "queue's per-channel rate limit applies on top.",
    )
    roms_broadcast_failure_threshold = fields.Integer(
        string="Pause Broadcasts Above (% failed)",
        config_parameter=roms_broadcast.THRESHOLD_PARAM,
        default=roms_broadcast.DEFAULT_THRESHOLD,
        help="A running broadcast pauses by itself when more than this share of its "
        "tried messages failed (0 turns the safety off).",
    )
    roms_broadcast_failure_min_sample = fields.Integer(
        string="Failure Check After (messages)",
        config_parameter=roms_broadcast.MIN_SAMPLE_PARAM,
        default=roms_broadcast.DEFAULT_MIN_SAMPLE,
        help="The failure share is checked once this many messages were tried.",
    )
    roms_broadcast_batch_size = fields.Integer(
        string="Broadcast Batch Size",
        config_parameter=roms_broadcast.BATCH_PARAM,
        default=roms_broadcast.DEFAULT_BATCH_SIZE,
        help="Recipients queued per committed batch.",
    )
    roms_reminder_lookback_days = fields.Integer(
        string="Reminder Catch-up (days)",
        config_parameter=roms_reminder_rule.LOOKBACK_PARAM,
        default=roms_reminder_rule.DEFAULT_LOOKBACK_DAYS,
        help="Reminders that fell due up to this many days ago are still sent (the "
        "server was down, a rule was just created); older ones are not.",
    )
    roms_marketing_cap_per_week = fields.Integer(
        string="Frequency Cap (per 7 days)",
        config_parameter=roms_message.CAP_PARAM,
        default=roms_message.DEFAULT_CAP,
        help="At most this many marketing messages (reminders, broadcasts) per "
        "customer in 7 days; the others are skipped with the reason. 0: no cap. "
        "Order confirmations, shipping and payment messages are never capped.",
    )
    roms_attribution_days = fields.Integer(
        string="Orders Influenced Within (days)",
        config_parameter=roms_message.ATTRIBUTION_DAYS_PARAM,
        default=roms_message.DEFAULT_ATTRIBUTION_DAYS,
        help="An order placed this many days (1 to 90) after a reminder or "
        "broadcast to its customer counts as influenced by it in the message "
        "results, the reminder funnel and the dashboard.",
    )
    roms_reply_later_days = fields.Integer(
        string="'Later' Reminds Again After (days)",
        config_parameter=roms_message_reply.LATER_DAYS_PARAM,
        default=roms_message_reply.DEFAULT_LATER_DAYS,
        help="A customer who answers a reminder with 'Later' gets it once more "
        "after this many days (1 to 90).",
    )
    roms_reply_order_state = fields.Selection(
        [("quotation", "Quotation"), ("confirmed", "Confirmed Order")],
        string="'Order Again' Creates",
        config_parameter=roms_message_reply.REPLY_ORDER_STATE_PARAM,
        default=roms_message_reply.DEFAULT_REPLY_ORDER_STATE,
        help="A quotation: the customer gets its link and how to pay, and the "
        "shop confirms it. A confirmed order: processed at once, with the order "
        "confirmation message.",
    )
    roms_cart_recovery_hours = fields.Integer(
        string="Cart Recovery After (hours)",
        config_parameter=followups.CART_RECOVERY_HOURS_PARAM,
        default=0,
        help="A quotation or portal cart left this many hours gets the Cart Recovery "
        "template with its link. 0: off.",
    )
    roms_cart_recovery_second_hours = fields.Integer(
        string="Second Cart Message After (hours)",
        config_parameter=followups.CART_RECOVERY_SECOND_HOURS_PARAM,
        default=0,
        help="Optionally a second message this many hours after the first. 0: none. "
        "Neither goes once the order is confirmed, paid or cancelled, or the "
        "customer wrote to you or opted out.",
    )
    roms_review_request_days = fields.Integer(
        string="Review Request After (days)",
        config_parameter=followups.REVIEW_REQUEST_DAYS_PARAM,
        default=0,
        help="This many days after an order was delivered, one message asks the "
        "customer to rate its products. 0: off.",
    )
    roms_reorder_link_days = fields.Integer(
        string="Reorder Links Valid (days)",
        config_parameter=roms_reorder_link.DAYS_PARAM,
        default=roms_reorder_link.DEFAULT_DAYS,
        help="A reminder's personal reorder link ({reorder_link}) works this many "
        "days (1 to 365), once.",
    )
    roms_portal_show_stock_qty = fields.Boolean(
        string="Show Exact Stock in the Reseller Catalogue",
        config_parameter=reseller_portal.SHOW_QTY_PARAM,
        help="Resellers see the quantity in stock, not only available, low or out "
        "of stock.",
    )
    roms_portal_order_state = fields.Selection(
        [("quotation", "Quotation"), ("confirmed", "Confirmed Order")],
        string="Reseller Orders Arrive As",
        config_parameter=reseller_portal.ORDER_STATE_PARAM,
        default=reseller_portal.DEFAULT_ORDER_STATE,
        help="A quotation waits for the shop to confirm it; a confirmed order is "
        "processed at once and fires the new-order automation.",
    )
    roms_portal_over_stock = fields.Selection(
        [("refuse", "Refuse"), ("flag", "Accept and Flag")],
        string="Orders Above Available Stock",
        config_parameter=reseller_portal.OVER_STOCK_PARAM,
        default=reseller_portal.DEFAULT_OVER_STOCK,
        help="Refuse quantities above the available stock, or accept them and flag "
        "the order for the shop.",
    )

    # Bounds on what enters from outside (see roms.bounds and tools/bounds.py)
    roms_limit_date_min = fields.Char(
        string="Earliest Accepted Date",
        config_parameter="roms_crm.limit_date_min",
        default=roms_bounds.DEFAULTS["roms_crm.limit_date_min"],
        help="Dates before this day (YYYY-MM-DD) are refused from the API, imports "
        "and forms.",
    )
    roms_limit_date_future_days = fields.Integer(
        string="Accepted Days Ahead",
        config_parameter="roms_crm.limit_date_future_days",
        default=roms_bounds.DEFAULTS["roms_crm.limit_date_future_days"],
        help="Dates more than this many days in the future are refused.",
    )
    roms_limit_max_quantity = fields.Float(
        string="Maximum Quantity per Line",
        config_parameter="roms_crm.limit_max_quantity",
        default=roms_bounds.DEFAULTS["roms_crm.limit_max_quantity"],
        help="A larger quantity on one order line is refused.",
    )
    roms_limit_max_price = fields.Float(
        string="Maximum Unit Price",
        config_parameter="roms_crm.limit_max_price",
        default=roms_bounds.DEFAULTS["roms_crm.limit_max_price"],
        help="A larger unit price or amount is refused.",
    )

    roms_api_max_body_bytes = fields.Integer(
        string="Largest API Request (bytes)",
        config_parameter=roms_api.MAX_BODY_PARAM,
        default=roms_api.DEFAULT_MAX_BODY,
        help="A larger order API request is refused (413) before it is read.",
    )
    roms_api_rate_per_minute = fields.Integer(
        string="API Requests per Minute per Key",
        config_parameter=roms_api.RATE_PARAM,
        default=roms_api.DEFAULT_RATE_PER_MINUTE,
        help="More requests of one API key in a minute get 429 Too Many Requests. "
        "0 means no limit.",
    )
    roms_api_invalid_key_per_minute = fields.Integer(
        string="Invalid API Keys per Minute",
        config_parameter=roms_api.INVALID_KEYS_PARAM,
        default=roms_api.INVALID_KEYS_PER_MINUTE,
        help="A client address that sends more invalid API keys in a minute gets "
        "429 Too Many Requests until the minute is over. 0 means no limit.",
    )
    roms_import_max_unpacked_mb = fields.Integer(
        string="Largest Unpacked Workbook (MB)",
        config_parameter="roms_crm.import_max_unpacked_mb",
        default=roms_bounds.DEFAULTS["roms_crm.import_max_unpacked_mb"],
        help="An uploaded workbook whose parts unpack to more than this is refused "
        "before it is read.",
    )
    roms_import_max_ratio = fields.Integer(
        string="Largest Compression Ratio",
        config_parameter="roms_crm.import_max_ratio",
        default=roms_bounds.DEFAULTS["roms_crm.import_max_ratio"],
        help="A workbook part (above 1 MB unpacked) packed more tightly than this is "
        "refused as a zip bomb.",
    )
    roms_import_max_rows = fields.Integer(
        string="Most Customer Rows per Import",
        config_parameter="roms_crm.customer_import_max_rows",
        default=roms_bounds.DEFAULTS["roms_crm.customer_import_max_rows"],
        help="Non-empty rows; larger files must be split.",
    )
    roms_import_max_raw_rows = fields.Integer(
        string="Most Rows per Sheet (Blank Included)",
        config_parameter="roms_crm.import_max_raw_rows",
        default=roms_bounds.DEFAULTS["roms_crm.import_max_raw_rows"],
        help="Blank rows count too: a sheet with more rows is refused.",
    )
    roms_import_max_columns = fields.Integer(
        string="Most Columns per Sheet",
        config_parameter="roms_crm.import_max_columns",
        default=roms_bounds.DEFAULTS["roms_crm.import_max_columns"],
    )
    roms_import_max_cell_length = fields.Integer(
        string="Longest Cell (Characters)",
        config_parameter="roms_crm.import_max_cell_length",
        default=roms_bounds.DEFAULTS["roms_crm.import_max_cell_length"],
        help="A longer cell is a row error.",
    )

    @api.model
    def _roms_order_confirmation_enabled(self):
        return self.env["ir.config_parameter"]._roms_param(
            ORDER_CONFIRMATION_PARAM, True
        )

    @api.model
    def get_values(self):
        res = super().get_values()
        res["roms_send_order_confirmation"] = self._roms_order_confirmation_enabled()
        res["roms_send_payment_received"] = self.env["ir.config_parameter"]._roms_param(
            order_messages.PAYMENT_RECEIVED_PARAM, True
        )
        res["roms_portal_payment_confirmation"] = self.env[
            "sale.order"
        ]._roms_portal_confirmation_enabled()
        return res

    def set_values(self):
        result = super().set_values()
        self.env["ir.config_parameter"].sudo().set_param(
            payments.PORTAL_CONFIRMATION_PARAM,
            "1" if self.roms_portal_payment_confirmation else "0",
        )
        self.env["ir.config_parameter"].sudo().set_param(
            ORDER_CONFIRMATION_PARAM, "1" if self.roms_send_order_confirmation else "0"
        )
        self.env["ir.config_parameter"].sudo().set_param(
            order_messages.PAYMENT_RECEIVED_PARAM,
            "1" if self.roms_send_payment_received else "0",
        )
        return result

    def action_roms_update_all_stats(self):
        self.env["res.partner"]._roms_update_all_stats()

    @api.constrains("roms_limit_date_min")
    def _check_roms_limit_date_min(self):
        for settings in self:
            value = settings.roms_limit_date_min
            try:
                if value:
                    fields.Date.from_string(value)
            except ValueError as error:
                raise ValidationError(
                    self.env._("The earliest accepted date must read YYYY-MM-DD.")
                ) from error
