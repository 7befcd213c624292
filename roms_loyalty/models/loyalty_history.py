from odoo import api, fields, models

from .loyalty_card import _POINTS_FLOW

ROMS_REASONS = [
    ("earn", "Points earned"),
    ("backfill", "Points earned (back-fill)"),
    ("redeem", "Points redeemed"),
    ("cancel", "Order cancelled: points taken back"),
    ("cancel_return", "Order cancelled: redeemed points returned"),
    ("refund", "Order refunded: points taken back"),
    ("refund_undo", "Refund undone: points given again"),
    ("adjust", "Adjusted by an administrator"),
]
# earning lines count issued + shortfall (settled) for their order, take-back lines
# used + shortfall (not recovered)
EARN_REASONS = ("earn", "backfill", "refund_undo")
TAKE_BACK_REASONS = ("cancel", "refund")
# lines dated by their order: the points it earned or spent
ORDER_DATED_REASONS = ("earn", "backfill", "redeem")


class LoyaltyHistory(models.Model):
    _inherit = "loyalty.history"

    roms_reason = fields.Selection(ROMS_REASONS, string="Reason", readonly=True)
    roms_program_id = fields.Many2one(
        related="card_id.program_id", string="Program", store=True, index=True
    )
    roms_partner_id = fields.Many2one(
        related="card_id.partner_id", string="Customer", store=True, index=True
    )
    roms_shortfall = fields.Float(
        string="Shortfall",
        readonly=True,
        help="On a take-back line: points that could not be taken back because the "
        "customer had already spent them. On an earning line: such a shortfall of "
        "the same order, settled by these points instead of adding them to the card.",
    )
    roms_refund_id = fields.Many2one(
        "roms.refund.request", string="Refund Request", readonly=True, index=True
    )
    roms_date = fields.Datetime(
        string="Date",
        compute="_compute_roms_date",
        store=True,
        help="When the points moved, as the customer sees it: the date of the "
        "order for the points it earned or spent (a back-filled line carries its "
        "old order's date), the date the line was written otherwise.",
    )
    roms_sale_order_id = fields.Many2one(
        "sale.order",
        string="Sales Order",
        compute="_compute_roms_sale_order_id",
    )

    @api.depends("order_model", "order_id")
    def _compute_roms_sale_order_id(self):
        for line in self:
            line.roms_sale_order_id = (
                self.env["sale.order"].browse(line.order_id)
                if line.order_model == "sale.order" and line.order_id
                else False
            )

    @api.depends("order_model", "order_id", "roms_reason", "create_date")
    def _compute_roms_date(self):
        order_ids = {
            line.order_id
            for line in self
            if line.order_model == "sale.order" and line.order_id
        }
        orders = self.env["sale.order"].sudo().browse(order_ids).exists()
        date_of = {order.id: order.date_order for order in orders}
        for line in self:
            order_date = (
                line.order_model == "sale.order"
                and line.roms_reason in ORDER_DATED_REASONS
                and date_of.get(line.order_id)
            )
            line.roms_date = order_date or line.create_date or fields.Datetime.now()

    def _roms_portal_reason(self):
        """What happened, in the words of the customer portal."""
        self.ensure_one()
        if self.roms_reason == "backfill":
            return self.env._("Points earned on an earlier order")
        if self.roms_reason:
            return dict(self._fields["roms_reason"]._description_selection(self.env))[
                self.roms_reason
            ]
        return self.description

    def _roms_check_ledger_access(self, cards):
        """The ledger of ROMS cards is written by the ledger code and Odoo's own
        loyalty flows, or by an administrator: not by a CS agent or an API user
        over RPC (a forged line would make the balance disagree with it)."""
        if _POINTS_FLOW.get() or not cards.sudo().program_id.filtered("roms_managed"):
            return
        self.env["loyalty.card"]._roms_check_points_access()

    @api.model_create_multi
    def create(self, vals_list):
        self._roms_check_ledger_access(
            self.env["loyalty.card"].browse(
                {vals["card_id"] for vals in vals_list if vals.get("card_id")}
            )
        )
        reason = self.env.context.get("roms_history_reason")
        if reason:
            # lines written by Odoo's own flows for ROMS cards get their reason;
            # empty ones (a card linked to an order without points) are noise
            cards = self.env["loyalty.card"].browse(
                {vals["card_id"] for vals in vals_list if vals.get("card_id")}
            )
            roms_cards = set(cards.filtered("program_id.roms_managed").ids)
            kept = []
            for vals in vals_list:
                if vals.get("card_id") in roms_cards:
                    if not vals.get("issued") and not vals.get("used"):
                        continue
                    vals = dict(vals, roms_reason=vals.get("roms_reason") or reason)
                kept.append(vals)
            vals_list = kept
        return super().create(vals_list)

    def write(self, vals):
        self._roms_check_ledger_access(self.sudo().card_id)
        if vals.get("card_id"):
            self._roms_check_ledger_access(
                self.env["loyalty.card"].browse(vals["card_id"])
            )
        return super().write(vals)

    def unlink(self):
        self._roms_check_ledger_access(self.sudo().card_id)
        if self.env.context.get("roms_keep_loyalty_history"):
            # ROMS ledgers are never rewritten: cancellations add reversal lines
            kept = self.filtered(lambda line: not line.card_id.program_id.roms_managed)
            return super(LoyaltyHistory, kept).unlink()
        return super().unlink()
