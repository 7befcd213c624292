from odoo import models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def _roms_paid_total(self):
        """A product line's total less its share of the order's reward discounts,
        in proportion to the product lines' totals: on an order of Rp 1,000,000
        with 5 % off, the Rp 400,000 line was paid Rp 380,000. Reward lines and
        gifts (free) are paid nothing more than their own total."""
        total = super()._roms_paid_total()
        if self.reward_id:
            return total
        order = self.order_id
        discount = sum(order.order_line.filtered("reward_id").mapped("price_total"))
        if not discount:
            return total
        base = sum(order._roms_product_lines().mapped("price_total"))
        if not base:
            return total
        return total + discount * total / base
