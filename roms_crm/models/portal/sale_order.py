from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # ------------------------------------------------------------------
    # Reseller portal: the cart is a draft order of the reseller, so stock and
    # prices are Odoo's own; placing it turns it into a quotation or an order.
    # ------------------------------------------------------------------

    roms_portal_cart = fields.Boolean(
        string="Portal Cart",
        copy=False,
        index=True,
        readonly=True,
        help="The reseller's cart in the customer portal, not yet placed.",
    )
    roms_over_stock = fields.Boolean(
        string="Ordered Above Stock",
        copy=False,
        readonly=True,
        help="Placed from the portal with quantities above the available stock.",
    )

    def init(self):
        result = super().init()
        # One open cart per customer, even with two requests at the same time.
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS sale_order_roms_portal_cart_uniq "
            "ON sale_order (partner_id) WHERE roms_portal_cart AND state = 'draft'"
        )
        return result

    def _roms_product_lines(self):
        """The lines that order a product the customer chose: no sections or notes,
        and none of the lines other modules compute from the rest (loyalty rewards
        leave themselves out in roms_loyalty). A cart's quantities, a reorder and
        the catalogue checks work on these."""
        return self.order_line.filtered(lambda line: not line.display_type)

    def _roms_cart_reprice(self):
        """Before a portal cart is placed: today's prices of the reseller's
        pricelist. Raise UserError to refuse the order (nothing is written)."""
        self.ensure_one()
        self._recompute_prices()

    def _roms_cart_changed(self):
        """Called after the reseller changed the products of this portal cart.
        Modules whose lines follow the others (loyalty rewards) bring them up to
        date here, so that the cart shows the total the order will have."""
        self.ensure_one()

    def _roms_over_stock_lines(self):
        """The lines of this order asking more of a storable product than is free
        in its warehouse, as {line: free quantity}."""
        self.ensure_one()
        lines = self.order_line.filtered(
            lambda l: not l.display_type and l.product_id.is_storable
        )
        wanted = {}
        for line in lines:
            qty = line.product_uom._compute_quantity(
                line.product_uom_qty, line.product_id.uom_id
            )
            wanted[line.product_id] = wanted.get(line.product_id, 0.0) + qty
        products = self.env["product.product"].browse([p.id for p in wanted])
        free = {
            product: product.free_qty
            for product in products.with_context(warehouse_id=self.warehouse_id.id)
        }
        return {
            line: free[line.product_id]
            for line in lines
            if wanted[line.product_id] > free[line.product_id]
        }
