from odoo import fields, models
from odoo.tools import SQL

REORDER_DAYS = 14


class RomsReminderFunnelReport(models.Model):
    """What reminders earn: per reminder rule, the reminders sent and how many of
    them were followed by an order of the same customer within 14 days (the first
    such order is counted, once per reminder)."""

    _name = "roms.reminder.funnel.report"
    _description = "Reminder Funnel"
    _auto = False
    _rec_name = "rule_id"
    _order = "sent_count desc, rule_id"

    rule_id = fields.Many2one(
        "roms.reminder.rule", string="Reminder Rule", readonly=True
    )
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    sent_count = fields.Integer(string="Reminders Sent", readonly=True)
    reorder_count = fields.Integer(string="Re-orders in 14 Days", readonly=True)
    conversion = fields.Float(
        string="Conversion (%)", readonly=True, digits=(16, 1), aggregator="avg"
    )
    reorder_amount = fields.Monetary(
        string="Re-order Sales", readonly=True, currency_field="currency_id"
    )

    @property
    def _table_query(self):
        Order = self.env["sale.order"]
        return SQL(
            """
            WITH reminders AS (
                SELECT m.id, m.reminder_rule_id, m.partner_id,
                       COALESCE(m.sent_at, m.create_date) AS sent_at
                  FROM roms_message m
                 WHERE m.kind = 'reminder' AND m.reminder_rule_id IS NOT NULL
                   AND m.state IN ('sent', 'delivered', 'read')
            )
            SELECT r.reminder_rule_id AS id,
                   r.reminder_rule_id AS rule_id,
                   rule.company_id AS company_id,
                   count(*) AS sent_count,
                   count(o.id) AS reorder_count,
                   round(count(o.id) * 100.0 / count(*), 1) AS conversion,
                   COALESCE(sum(o.amount), 0) AS reorder_amount
              FROM reminders r
              JOIN roms_reminder_rule rule ON rule.id = r.reminder_rule_id
              LEFT JOIN LATERAL (
                  SELECT so.id, %(amount)s AS amount
                    FROM sale_order so
                   WHERE so.partner_id = r.partner_id AND %(counts)s
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
