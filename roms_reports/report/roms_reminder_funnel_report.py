from odoo import fields, models
from odoo.tools import SQL


class RomsReminderFunnelReport(models.Model):
    """What reminders earn: per reminder rule, the reminders still waiting in the
    queue, those that failed, those sent, and the orders they brought — ordered
    through a reminder's link or button (attributed) or placed by its customer
    within the attribution days after it (influenced), as
    ``sale.order._roms_attribution_sql`` defines them for every ROMS figure. A
    rule appears with its first reminder, sent or not: queued reminders show that
    the funnel has started."""

    _name = "roms.reminder.funnel.report"
    _description = "Reminder Funnel"
    _auto = False
    _rec_name = "rule_id"
    _order = "sent_count desc, queued_count desc, rule_id"

    rule_id = fields.Many2one(
        "roms.reminder.rule", string="Reminder Rule", readonly=True
    )
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id")
    queued_count = fields.Integer(
        string="Waiting to Send",
        readonly=True,
        help="Reminders created by the reminder rules, not sent yet.",
    )
    failed_count = fields.Integer(string="Failed", readonly=True)
    sent_count = fields.Integer(string="Reminders Sent", readonly=True)
    clicked_count = fields.Integer(
        string="Links Opened",
        readonly=True,
        help="Sent reminders whose personal reorder link the customer opened.",
    )
    reorder_count = fields.Integer(
        string="Re-orders",
        readonly=True,
        help="Orders the reminders brought: attributed plus influenced.",
    )
    attributed_count = fields.Integer(
        string="Ordered from the Reminder",
        readonly=True,
        help="Orders placed through a reminder's reorder link or reply button.",
    )
    influenced_count = fields.Integer(
        string="Influenced Orders",
        readonly=True,
        help="Other orders of the reminded customer within the attribution days "
        "after the reminder (Settings).",
    )
    conversion = fields.Float(
        string="Conversion (%)",
        readonly=True,
        digits=(16, 1),
        aggregator="avg",
        help="Sent reminders that brought at least one order.",
    )
    reorder_amount = fields.Monetary(
        string="Re-order Sales", readonly=True, currency_field="currency_id"
    )

    def _compute_currency_id(self):
        # a rule shared by the companies has none: the sales are in the current
        # company's currency
        for row in self:
            row.currency_id = (row.company_id or self.env.company).currency_id

    @property
    def _table_query(self):
        return SQL(
            """
            WITH reminders AS (
                SELECT m.id, m.reminder_rule_id, m.state, m.clicked_at,
                       m.state IN ('sent', 'delivered', 'read') AS is_sent
                  FROM roms_message m
                 WHERE m.kind = 'reminder' AND m.reminder_rule_id IS NOT NULL
                   AND m.state != 'cancelled'
            ), results AS (
                SELECT a.message_id, count(*) AS orders,
                       count(*) FILTER (WHERE a.attributed) AS attributed,
                       sum(a.amount) AS amount
                  FROM (%(attribution)s) a
                 GROUP BY a.message_id
            )
            SELECT r.reminder_rule_id AS id,
                   r.reminder_rule_id AS rule_id,
                   rule.company_id AS company_id,
                   count(*) FILTER (WHERE r.state = 'queued') AS queued_count,
                   count(*) FILTER (WHERE r.state = 'failed') AS failed_count,
                   count(*) FILTER (WHERE r.is_sent) AS sent_count,
                   count(*) FILTER (WHERE r.is_sent AND r.clicked_at IS NOT NULL)
                       AS clicked_count,
                   COALESCE(sum(res.orders), 0) AS reorder_count,
                   COALESCE(sum(res.attributed), 0) AS attributed_count,
                   COALESCE(sum(res.orders - res.attributed), 0) AS influenced_count,
                   COALESCE(round(count(res.message_id) * 100.0
                                  / NULLIF(count(*) FILTER (WHERE r.is_sent), 0), 1),
                            0) AS conversion,
                   COALESCE(sum(res.amount), 0) AS reorder_amount
              FROM reminders r
              JOIN roms_reminder_rule rule ON rule.id = r.reminder_rule_id
              LEFT JOIN results res ON res.message_id = r.id
             GROUP BY r.reminder_rule_id, rule.company_id
            """,
            attribution=self.env["sale.order"]._roms_attribution_sql(),
        )
