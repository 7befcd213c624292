from odoo import api, fields, models

# Line fields the statistics of a confirmed order's customer depend on (amount,
# quantity).
ROMS_STATS_LINE_FIELDS = frozenset(
    {
        "product_id",
        "product_uom_qty",
        "product_uom",
        "price_unit",
        "discount",
        "tax_id",
        "display_type",
    }
)


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    roms_refundable_qty = fields.Float(
        string="Refundable Quantity",
        compute="_compute_roms_refundable_qty",
        digits="Product Unit of Measure",
        help="Ordered quantity not yet claimed by a refund request that was not "
        "rejected.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.order_id.filtered(
            lambda o: o.state == "sale"
        )._roms_update_customer_stats()
        return lines

    def write(self, vals):
        result = super().write(vals)
        if not ROMS_STATS_LINE_FIELDS.isdisjoint(vals):
            self.order_id.filtered(
                lambda o: o.state == "sale"
            )._roms_update_customer_stats()
        return result

    def unlink(self):
        orders = self.order_id.filtered(lambda o: o.state == "sale")
        result = super().unlink()
        orders.exists()._roms_update_customer_stats()
        return result

    def _compute_roms_refundable_qty(self):
        refundable = self.env["roms.refund.request.line"]._roms_refundable_qty(
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
