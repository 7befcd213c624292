from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.roms_crm.models.messaging.roms_message import MESSAGE_KINDS

# the messages whose results are measured: marketing, one row per message sent
RESULT_KINDS = ("reminder", "followup", "broadcast", "cart_recovery")


class RomsMessageResultReport(models.Model):
    """The results of the messages ROMS sends to win orders — reminders (per
    rule), broadcasts and cart recovery: one row per message sent, with whether it
    was delivered, read and its link opened, and the orders it brought. An order
    is *attributed* to the message the customer ordered through (a reorder link,
    a reply button, a recovery link) or *influenced* by the latest reminder or
    broadcast its customer got in the attribution days before it; every order
    counts once, as ``sale.order._roms_attribution_sql`` says. Grouped by rule,
    broadcast or kind, the sums are the campaign's figures and the conversion is
    the share of its messages that brought an order."""

    _name = "roms.message.result.report"
    _description = "Message Results"
    _auto = False
    _rec_name = "message_id"
    _order = "sent_at desc, id desc"

    message_id = fields.Many2one("roms.message", readonly=True)
    kind = fields.Selection(
        [(k, label) for k, label in MESSAGE_KINDS if k in RESULT_KINDS],
        readonly=True,
    )
    reminder_rule_id = fields.Many2one("roms.reminder.rule", readonly=True)
    broadcast_id = fields.Many2one("roms.broadcast", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id")
    sent_at = fields.Datetime(string="Sent On", readonly=True)
    sent_count = fields.Integer(string="Sent", readonly=True)
    delivered_count = fields.Integer(string="Delivered", readonly=True)
    read_count = fields.Integer(string="Read", readonly=True)
    clicked_count = fields.Integer(
        string="Clicked",
        readonly=True,
        help="Messages whose personal link the customer opened.",
    )
    attributed_count = fields.Integer(
        string="Orders from the Message",
        readonly=True,
        help="Orders placed through the message's reorder link, reply button or "
        "recovery link.",
    )
    influenced_count = fields.Integer(
        string="Influenced Orders",
        readonly=True,
        help="Other orders of the customer within the attribution days after the "
        "message (Settings), counted for the latest reminder or broadcast.",
    )
    order_count = fields.Integer(string="Orders", readonly=True)
    attributed_amount = fields.Monetary(
        string="Revenue from the Message", readonly=True, currency_field="currency_id"
    )
    influenced_amount = fields.Monetary(
        string="Influenced Revenue", readonly=True, currency_field="currency_id"
    )
    amount = fields.Monetary(
        string="Revenue", readonly=True, currency_field="currency_id"
    )
    conversion = fields.Float(
        string="Conversion (%)",
        readonly=True,
        digits=(16, 1),
        aggregator="avg",
        help="Messages sent that brought at least one order.",
    )

    def _compute_currency_id(self):
        for row in self:
            row.currency_id = (row.company_id or self.env.company).currency_id

    @property
    def _table_query(self):
        self.env["roms.message"].flush_model(
            [
                "clicked_at",
                "delivered_at",
                "read_at",
                "broadcast_id",
                "reminder_rule_id",
            ]
        )
        return SQL(
            """
            WITH results AS (
                SELECT a.message_id, count(*) AS orders,
                       count(*) FILTER (WHERE a.attributed) AS attributed,
                       sum(a.amount) AS amount,
                       COALESCE(sum(a.amount) FILTER (WHERE a.attributed), 0)
                           AS attributed_amount
                  FROM (%(attribution)s) a
                 GROUP BY a.message_id
            )
            SELECT m.id AS id, m.id AS message_id, m.kind, m.reminder_rule_id,
                   m.broadcast_id, m.partner_id,
                   COALESCE(rule.company_id, b.company_id) AS company_id,
                   m.sent_at,
                   1 AS sent_count,
                   (m.delivered_at IS NOT NULL OR m.state IN ('delivered', 'read'))::int
                       AS delivered_count,
                   (m.read_at IS NOT NULL OR m.state = 'read')::int AS read_count,
                   (m.clicked_at IS NOT NULL)::int AS clicked_count,
                   COALESCE(res.attributed, 0) AS attributed_count,
                   COALESCE(res.orders - res.attributed, 0) AS influenced_count,
                   COALESCE(res.orders, 0) AS order_count,
                   COALESCE(res.attributed_amount, 0) AS attributed_amount,
                   COALESCE(res.amount - res.attributed_amount, 0) AS influenced_amount,
                   COALESCE(res.amount, 0) AS amount,
                   CASE WHEN res.orders > 0 THEN 100.0 ELSE 0.0 END AS conversion
              FROM roms_message m
              LEFT JOIN roms_reminder_rule rule ON rule.id = m.reminder_rule_id
              LEFT JOIN roms_broadcast b ON b.id = m.broadcast_id
              LEFT JOIN results res ON res.message_id = m.id
             WHERE m.kind = ANY(%(kinds)s) AND m.state = ANY(%(states)s)
            """,
            attribution=self.env["sale.order"]._roms_attribution_sql(),
            kinds=list(RESULT_KINDS),
            states=["sent", "delivered", "read"],
        )
