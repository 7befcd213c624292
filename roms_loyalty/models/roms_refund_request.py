from odoo import fields, models
from odoo.tools import float_is_zero


class RomsRefundRequest(models.Model):
    _inherit = "roms.refund.request"

    roms_loyalty_history_ids = fields.One2many(
        "loyalty.history", "roms_refund_id", string="Points Taken Back", readonly=True
    )

    def action_mark_refunded(self):
        to_refund = self.filtered(lambda request: request.state != "refunded")
        result = super().action_mark_refunded()
        for request in to_refund.filtered(lambda r: r.state == "refunded"):
            request._roms_loyalty_take_back()
        return result

    def action_undo_refund(self):
        refunded = self.filtered(lambda request: request.state == "refunded")
        result = super().action_undo_refund()
        for request in refunded.filtered(lambda r: r.state != "refunded"):
            request.order_id._roms_loyalty_restore_refund(request)
        return result

    def _loyalty_ratio(self):
        """The share of the order this refund gives back: the refunded amount
        over the order's total (tax included), at most 1."""
        self.ensure_one()
        total = self.order_id.amount_total
        if float_is_zero(total, precision_rounding=self.currency_id.rounding or 0.01):
            return 1.0
        return min(self.amount / total, 1.0)

    def _roms_loyalty_take_back(self):
        """A refund takes back the same share of the points the order earned."""
        self.ensure_one()
        self.order_id._roms_loyalty_take_back(
            "refund", ratio=self._loyalty_ratio(), refund=self
        )
