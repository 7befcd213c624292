from odoo import fields, models
from odoo.tools import SQL

REORDER_DAYS = 14


class RomsReminderFunnelReport(models.Model):
    """What reminders earn: per reminder rule, the reminders still waiting in the
    queue, those that failed, those sent, and how many sent ones were followed by
    an order of the same customer within 14 days (the first such order is
    counted, once per reminder). A rule appears with its first reminder, sent or
    not: queued reminders show that the funnel has started."""

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
    reorder_count = fields.Integer(string="Re-orders in 14 Days", readonly=True)
    conversion = fields.Float(
        string="Conversion (%)", readonly=True, digits=(16, 1), aggregator="avg"
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
        Order = self.env["sale.order"]
        return SQL(
            """
            WITH reminders AS (
                SELECT m.id, m.reminder_rule_id, m.partner_id, m.state,
                       m.state IN ('sent', 'delivered', 'read') AS is_sent,
                       COALESCE(m.sent_at, m.create_date) AS sent_at
                  FROM roms_message m
                 WHERE m.kind = 'reminder' AND m.reminder_rule_id IS NOT NULL
                   AND m.state != 'cancelled'
            )
            SELECT r.reminder_rule_id AS id,
                   r.reminder_rule_id AS rule_id,
                   rule.company_id AS company_id,
                   count(*) FILTER (WHERE r.state = 'queued') AS queued_count,
                   count(*) FILTER (WHERE r.state = 'failed') AS failed_count,
                   count(*) FILTER (WHERE r.is_sent) AS sent_count,
                   count(o.id) AS reorder_count,
                   COALESCE(round(count(o.id) * 100.0
                                  / NULLIF(count(*) FILTER (WHERE r.is_sent), 0), 1),
                            0) AS conversion,
                   COALESCE(sum(o.amount), 0) AS reorder_amount
              FROM reminders r
              JOIN roms_reminder_rule rule ON rule.id = r.reminder_rule_id
              LEFT JOIN LATERAL (
                  SELECT so.id, %(amount)s AS amount
                    FROM sale_order so
                   WHERE r.is_sent AND so.partner_id = r.partner_id AND %(counts)s
                     AND so.date_order > r.sent_at
                     AND so.date_order <= r.sent_at + make_interval(days => %(days)s)
                   ORDER BY so.date_order, so.id
                   LIMIT 1
              ) o ON TRUE
             GROUP BY r.reminder_rule_id, rule.company_id
            """,
            amount=Order._roms_amount_company_sql("so"),
            counts=Order._roms_counting_order_sql("so"),
            days=REORDER_DAYS,
        )
