from odoo import api, fields, models
from odoo.tools import SQL


def orders_by_month(env):
    """CTEs ``months`` (customer, local month of a confirmed order) and
    ``firsts`` (customer, month of the first one: their cohort). A customer is
    the company (commercial partner), as in the customer statistics."""
    return SQL(
        """months AS (
               SELECT c.commercial_partner_id AS partner_id,
                      date_trunc('month', %(day)s)::date AS month
                 FROM sale_order so
                 JOIN res_partner c ON c.id = so.partner_id
                WHERE %(counts)s AND so.company_id IN %(companies)s
                GROUP BY 1, 2
           ), firsts AS (
               SELECT partner_id, min(month) AS cohort FROM months GROUP BY partner_id
           )""",
        day=env["res.partner"]._roms_local_date_sql(SQL("so.date_order")),
        counts=env["sale.order"]._roms_counting_order_sql("so"),
        companies=tuple(env.companies.ids),
    )


class RomsRepeatReport(models.Model):
    """Per month: the customers who ordered, and the share of them who had ordered
    before (repeat-purchase rate)."""

    _name = "roms.repeat.report"
    _description = "Repeat Purchase Rate"
    _auto = False
    _order = "month desc"
    _rec_name = "month"

    month = fields.Date(readonly=True)
    customer_count = fields.Integer(string="Customers", readonly=True)
    new_count = fields.Integer(string="New Customers", readonly=True)
    returning_count = fields.Integer(string="Returning Customers", readonly=True)
    repeat_rate = fields.Float(
        string="Repeat Rate (%)",
        readonly=True,
        digits=(16, 1),
        aggregator="avg",
        help="Share of the month's customers who had ordered in an earlier month.",
    )

    @property
    def _table_query(self):
        return SQL(
            """
            WITH %(cte)s
            SELECT row_number() OVER (ORDER BY m.month) AS id,
                   m.month AS month,
                   count(*) AS customer_count,
                   count(*) FILTER (WHERE f.cohort = m.month) AS new_count,
                   count(*) FILTER (WHERE f.cohort < m.month) AS returning_count,
                   round(count(*) FILTER (WHERE f.cohort < m.month) * 100.0
                         / count(*), 1) AS repeat_rate
              FROM months m JOIN firsts f ON f.partner_id = m.partner_id
             GROUP BY m.month
            """,
            cte=orders_by_month(self.env),
        )


class RomsCohortReport(models.Model):
    """Monthly cohorts: the customers whose first order was in a month, and the
    share of them who ordered again 1, 2, 3... months later."""

    _name = "roms.cohort.report"
    _description = "Cohort Retention"
    _auto = False
    _order = "cohort_month desc, month_offset"
    _rec_name = "cohort_month"

    cohort_month = fields.Date(string="Cohort", readonly=True)
    month_offset = fields.Integer(
        string="Months Later", readonly=True, aggregator="max"
    )
    cohort_size = fields.Integer(
        string="New Customers", readonly=True, aggregator="max"
    )
    customer_count = fields.Integer(string="Ordering Customers", readonly=True)
    retention = fields.Float(
        string="Retention (%)", readonly=True, digits=(16, 1), aggregator="avg"
    )

    @property
    def _table_query(self):
        return SQL(
            """
            WITH %(cte)s, sizes AS (
                SELECT cohort, count(*) AS size FROM firsts GROUP BY cohort
            ), activity AS (
                SELECT f.cohort,
                       ((extract(year FROM m.month) - extract(year FROM f.cohort)) * 12
                        + extract(month FROM m.month)
                        - extract(month FROM f.cohort))::int AS month_offset,
                       count(*) AS customers
                  FROM months m JOIN firsts f ON f.partner_id = m.partner_id
                 GROUP BY 1, 2
            )
            SELECT row_number() OVER (ORDER BY a.cohort, a.month_offset) AS id,
                   a.cohort AS cohort_month,
                   a.month_offset AS month_offset,
                   s.size AS cohort_size,
                   a.customers AS customer_count,
                   round(a.customers * 100.0 / s.size, 1) AS retention
              FROM activity a JOIN sizes s ON s.cohort = a.cohort
            """,
            cte=orders_by_month(self.env),
        )

    @api.model
    def _matrix(self, domain=None):
        """The cohort table as rows: (cohort month, size, {offset: percent})."""
        rows = {}
        for rec in self.search_fetch(
            domain or [], ["cohort_month", "month_offset", "cohort_size", "retention"]
        ):
            row = rows.setdefault(rec.cohort_month, [rec.cohort_size, {}])
            row[1][rec.month_offset] = rec.retention
        return [(month, size, cells) for month, (size, cells) in sorted(rows.items())]
