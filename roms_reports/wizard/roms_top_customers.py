from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

TOP_LIMIT = 10


class RomsTopCustomers(models.TransientModel):
    """The best customers of a period, by order count or by spend. Customers tied
    with the tenth all appear (they share its rank)."""

    _name = "roms.top.customers"
    _inherit = "roms.date.range.mixin"
    _description = "Top Customers"

    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: self.env["roms.dashboard"]._today() - timedelta(days=29),
    )
    date_to = fields.Date(
        string="To",
        required=True,
        default=lambda self: self.env["roms.dashboard"]._today(),
    )
    rank_by = fields.Selection(
        [("count", "Order Count"), ("amount", "Spend")],
        required=True,
        default="amount",
    )
    line_ids = fields.One2many(
        "roms.top.customers.line",
        "wizard_id",
        string="Customers",
        compute="_compute_line_ids",
        store=True,
        readonly=True,
    )

    @api.depends("date_from", "date_to", "rank_by")
    def _compute_line_ids(self):
        for wizard in self:
            rows = wizard._rank() if wizard.date_from and wizard.date_to else []
            wizard.line_ids = [Command.clear()] + [Command.create(row) for row in rows]

    def _rank(self):
        """One query: ``[{partner_id, rank, order_count, amount}]`` best first; ties
        share a rank and are ordered by the other measure, then by name. A customer
        is the company (commercial partner): orders of its contacts count for it,
        as in the customer statistics and segments."""
        self.ensure_one()
        if self.date_from > self.date_to:
            return []
        dashboard = self.env["roms.dashboard"]
        start = dashboard._day_start(self.date_from)
        end = dashboard._day_start(self.date_to + timedelta(days=1))
        metric, other = (
            (SQL("orders"), SQL("spend"))
            if self.rank_by == "count"
            else (SQL("spend"), SQL("orders"))
        )
        Order = self.env["sale.order"]
        Order.flush_model()
        rows = self.env.execute_query(
            SQL(
                """WITH per AS (
                       SELECT c.commercial_partner_id AS partner_id,
                              count(*) AS orders, sum(%(amount)s) AS spend
                         FROM sale_order so
                         JOIN res_partner c ON c.id = so.partner_id
                        WHERE %(counts)s AND so.company_id IN %(companies)s
                          AND so.date_order >= %(start)s AND so.date_order < %(end)s
                        GROUP BY c.commercial_partner_id
                   ), ranked AS (
                       SELECT per.*, rank() OVER (ORDER BY %(metric)s DESC) AS rnk
                         FROM per
                   )
                   SELECT r.partner_id, r.rnk, r.orders, r.spend
                     FROM ranked r JOIN res_partner p ON p.id = r.partner_id
                    WHERE r.rnk <= %(limit)s
                    ORDER BY r.rnk, %(other)s DESC, p.name, p.id""",
                amount=Order._roms_amount_company_sql("so"),
                counts=Order._roms_counting_order_sql("so"),
                companies=tuple(self.env.companies.ids),
                start=start,
                end=end,
                metric=metric,
                other=other,
                limit=TOP_LIMIT,
            )
        )
        return [
            {"partner_id": p, "rank": r, "order_count": n, "amount": s}
            for p, r, n, s in rows
        ]

    def _partners(self):
        self.ensure_one()
        return self.env["res.partner"].browse(
            [row["partner_id"] for row in self._rank()]
        )

    def action_open_customers(self):
        partners = self._partners()
        if not partners:
            raise UserError(self.env._("No customer ordered in this period."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Top Customers"),
            "res_model": "res.partner",
            "views": [[False, "list"], [False, "form"]],
            "domain": [("id", "in", partners.ids)],
        }

    def action_broadcast(self):
        """A draft broadcast to these customers, opened for the owner to write."""
        partners = self._partners()
        if not partners:
            raise UserError(self.env._("No customer ordered in this period."))
        return self.env["roms.dashboard"]._draft_broadcast(
            partners,
            self.env._(
                "Top customers %(date_from)s – %(date_to)s",
                date_from=self.date_from,
                date_to=self.date_to,
            ),
        )

    def action_export_xlsx(self):
        self.ensure_one()
        export = self.env["roms.report.export"].create(
            {
                "report": "top_customers",
                "date_from": self.date_from,
                "date_to": self.date_to,
                "rank_by": self.rank_by,
            }
        )
        return export.action_export()


class RomsTopCustomersLine(models.TransientModel):
    _name = "roms.top.customers.line"
    _description = "Top Customer"
    _order = "id"

    wizard_id = fields.Many2one("roms.top.customers", required=True, ondelete="cascade")
    rank = fields.Integer(readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    segment_ids = fields.Many2many(related="partner_id.roms_segment_ids")
    roms_category = fields.Selection(related="partner_id.roms_category")
    order_count = fields.Integer(string="Orders", readonly=True)
    currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.company.currency_id
    )
    # in the company's currency (Order._roms_amount_company_sql): shown as Rupiah
    amount = fields.Monetary(string="Spend", readonly=True)
