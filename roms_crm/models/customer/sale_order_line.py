from odoo import api, models

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

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.order_id._roms_counting_orders()._roms_update_customer_stats()
        return lines

    def write(self, vals):
        result = super().write(vals)
        if not ROMS_STATS_LINE_FIELDS.isdisjoint(vals):
            self.order_id._roms_counting_orders()._roms_update_customer_stats()
        return result

    def unlink(self):
        orders = self.order_id._roms_counting_orders()
        result = super().unlink()
        orders.exists()._roms_update_customer_stats()
        return result
