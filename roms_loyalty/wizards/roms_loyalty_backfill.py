from odoo import api, fields, models


class RomsLoyaltyBackfill(models.TransientModel):
    """Award the points of past confirmed orders, each at its own date, for shops
    that start ROMS with a history. Orders that already earned keep their points:
    running it twice changes nothing."""

    _name = "roms.loyalty.backfill"
    _inherit = ["roms.date.range.mixin"]
    _description = "Loyalty Points Back-fill"

    date_from = fields.Date(string="Orders From")
    date_to = fields.Date(string="Orders Until", default=fields.Date.context_today)
    order_count = fields.Integer(
        string="Orders to Check", compute="_compute_order_count"
    )

    def _order_domain(self):
        self.ensure_one()
        domain = [("state", "=", "sale")]
        if self.date_from:
            domain.append(
                ("date_order", ">=", fields.Datetime.to_datetime(self.date_from))
            )
        if self.date_to:
            domain.append(
                (
                    "date_order",
                    "<",
                    fields.Datetime.add(
                        fields.Datetime.to_datetime(self.date_to), days=1
                    ),
                )
            )
        return domain

    @api.depends("date_from", "date_to")
    def _compute_order_count(self):
        for wizard in self:
            wizard.order_count = self.env["sale.order"].search_count(
                wizard._order_domain()
            )

    def action_backfill(self):
        self.ensure_one()
        orders = self.env["sale.order"].search(self._order_domain(), order="id")
        History = self.env["loyalty.history"].sudo()
        before = History.search_count([("roms_reason", "=", "backfill")])
        for start in range(0, len(orders), 200):
            orders[start : start + 200]._roms_loyalty_award(reason="backfill")
        awarded = History.search_count([("roms_reason", "=", "backfill")]) - before
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Back-fill done"),
                "message": self.env._(
                    "%(orders)s orders checked, %(lines)s received points.",
                    orders=len(orders),
                    lines=awarded,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
