from odoo import fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    roms_refundable_qty = fields.Float(
        string="Refundable Quantity",
        compute="_compute_roms_refundable_qty",
        digits="Product Unit of Measure",
        help="Ordered quantity not yet claimed by a refund request that was not "
        "rejected.",
    )

    def _compute_roms_refundable_qty(self):
        refundable = self.env["roms.refund.request.line"]._refundable_qty(
            self.filtered("id")
        )
        for line in self:
            line.roms_refundable_qty = refundable.get(line, 0.0)

    def _roms_paid_total(self):
        """What the customer pays for this line, taxes included: the line's total,
        less its share of the discounts that other modules put on the whole order
        (roms_loyalty: rewards). Refunds never give back more than this."""
        self.ensure_one()
        return self.price_total
