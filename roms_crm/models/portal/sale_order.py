from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

from ...tools import bounds

# the reseller portal's settings (read by _roms_portal_settings, shown by the form)
SHOW_QTY_PARAM = "roms_crm.portal_show_stock_qty"
ORDER_STATE_PARAM = "roms_crm.portal_order_state"
DEFAULT_ORDER_STATE = "confirmed"
OVER_STOCK_PARAM = "roms_crm.portal_over_stock"
DEFAULT_OVER_STOCK = "refuse"


class RomsCartError(UserError):
    """The reseller cart refuses a change or an order, and nothing was written.
    ``code`` names the reason for the portal page: ``stock``, ``empty``,
    ``unavailable`` or ``note``."""

    def __init__(self, message, code):
        super().__init__(message)
        self.code = code


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
    roms_customer_note = fields.Text(
        string="Customer Note",
        copy=False,
        help="What the customer wrote to the shop when placing the order in the "
        "portal. Kept apart from the terms and conditions.",
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

    # ------------------------------------------------------------------
    # The cart's operations, as website_sale keeps _cart_update on sale.order.
    # They run on the cart as sudo: the portal controller finds the cart, its
    # lines and the products through domains on the logged-in reseller first,
    # and these methods never widen what it found.
    # ------------------------------------------------------------------

    @api.model
    def _roms_portal_settings(self):
        """The reseller portal's settings: ``show_qty`` (the exact stock in the
        catalogue), ``order_state`` (placed carts arrive as ``confirmed`` orders or
        as a ``quotation``) and ``over_stock`` (``refuse`` or ``flag`` quantities
        above the available stock)."""
        param = self.env["ir.config_parameter"]._roms_param
        return {
            "show_qty": param(SHOW_QTY_PARAM, False),
            "order_state": param(ORDER_STATE_PARAM, DEFAULT_ORDER_STATE),
            "over_stock": param(OVER_STOCK_PARAM, DEFAULT_OVER_STOCK),
        }

    @api.model
    def _roms_catalog_domain(self):
        """The product templates every reseller of the current company may see
        and order."""
        return [
            ("roms_reseller_ok", "=", True),
            ("sale_ok", "=", True),
            ("company_id", "in", [False, self.env.company.id]),
        ]

    @api.model
    def _roms_catalog_products(self, products):
        """The variants among ``products`` (variants or their ids) that are sold
        in the reseller catalogue (sudo)."""
        ids = products.ids if isinstance(products, models.BaseModel) else products
        return (
            self.env["product.product"]
            .sudo()
            .search(
                [
                    ("id", "in", list(ids)),
                    ("product_tmpl_id", "any", self._roms_catalog_domain()),
                ]
            )
        )

    def _roms_cart_check_stock(self, products=None):
        """Refuse (RomsCartError ``stock``) when the shop refuses orders above the
        available stock and a line of this cart ordering one of ``products`` (any
        product when None) asks more than is free."""
        self.ensure_one()
        if self._roms_portal_settings()["over_stock"] != "refuse":
            return
        over = self._roms_over_stock_lines()
        if any(products is None or line.product_id in products for line in over):
            raise RomsCartError(
                self.env._("There is not enough stock for that quantity."), "stock"
            )

    def _roms_cart_add(self, quantities, check_stock=True):
        """Add ``quantities`` ({product: quantity in the product's unit}) to this
        cart; prices come from the pricelist and products at 0 are left out. With
        ``check_stock``, nothing is added when the shop refuses orders above the
        available stock and the cart would then ask too much of one of the products
        of ``quantities``, those at 0 included (RomsCartError ``stock``).

        :return: the number of products added
        """
        self.ensure_one()
        added = {product: qty for product, qty in quantities.items() if qty > 0}
        with self.env.cr.savepoint():
            lines = self._roms_product_lines()
            new_lines = []
            for product, qty in added.items():
                line = lines.filtered(lambda l, p=product: l.product_id == p)[:1]
                if line:
                    line.product_uom_qty += qty
                else:
                    new_lines.append(
                        Command.create(
                            {"product_id": product.id, "product_uom_qty": qty}
                        )
                    )
            if new_lines:
                self.order_line = new_lines
            self._roms_cart_changed()
            if check_stock:
                products = self.env["product.product"].concat(*quantities)
                self._roms_cart_check_stock(products)
        return len(added)

    def _roms_cart_set_qty(self, line, qty):
        """Set the quantity of ``line``, a product line of this cart; 0 removes it.
        Nothing changes when the shop refuses orders above the available stock and
        the new quantity is above it (RomsCartError ``stock``)."""
        self.ensure_one()
        if line not in self._roms_product_lines():
            raise ValueError(f"{line} is not a product line of {self}")
        if not qty:
            line.unlink()
            self._roms_cart_changed()
            return True
        with self.env.cr.savepoint():
            line.product_uom_qty = qty
            self._roms_cart_changed()
            self._roms_cart_check_stock(line.product_id)
        return True

    def _roms_cart_place(self, address, note=None):
        """Place this cart: a quotation or a confirmed order, per the settings, at
        today's prices, shipped to ``address`` with the reseller's ``note`` (text
        typed in the portal, bounded here).

        :raise AccessError: ``address`` is not one the reseller may ship to.
        :raise RomsCartError: the cart is empty (``empty``), orders a product no
            longer in the catalogue (``unavailable``), the note is too long
            (``note``), or asks more than the available stock when the shop
            refuses that (``stock``).
        :raise UserError: the order refused to be placed (a reward the points no
            longer cover, say, see :meth:`_roms_cart_reprice`); nothing was written.
        """
        self.ensure_one()
        if address not in self.partner_id._roms_delivery_addresses():
            raise AccessError(
                self.env._(
                    "This order cannot be shipped to %(address)s.",
                    address=address.display_name,
                )
            )
        lines = self._roms_product_lines()
        if not lines:
            raise RomsCartError(self.env._("Your cart is empty."), "empty")
        # Products taken out of the catalogue since they were added are not sold.
        if lines.product_id - self._roms_catalog_products(lines.product_id):
            raise RomsCartError(
                self.env._("Some products are no longer sold: remove them first."),
                "unavailable",
            )
        try:
            note = bounds.clean_text(note, bounds.NOTE_LENGTH, multiline=True) or ""
        except bounds.BoundsError as error:
            raise RomsCartError(
                self.env._("Your note is too long (2,000 characters at most)."),
                "note",
            ) from error
        over = self._roms_over_stock_lines()
        if over:
            self._roms_cart_check_stock()
        vals = {
            "partner_shipping_id": address.id,
            "roms_portal_cart": False,
            "roms_source": "portal",
            "roms_over_stock": bool(over),
            "date_order": fields.Datetime.now(),
        }
        if note:
            vals["roms_customer_note"] = note
        with self.env.cr.savepoint():
            self.write(vals)
            self._roms_cart_reprice()
            self.message_subscribe(partner_ids=self.partner_id.ids)
            if over:
                self._roms_cart_post_over_stock(over)
            if self._roms_portal_settings()["order_state"] == "quotation":
                self.action_quotation_sent()
            else:
                self.action_confirm()
        return True

    def _roms_cart_post_over_stock(self, over):
        """Note on the order which lines of ``over`` ({line: free quantity}) were
        ordered above the available stock."""
        self.message_post(
            body=self.env._(
                "Ordered from the portal above the available stock: %(lines)s",
                lines=", ".join(
                    self.env._(
                        "%(product)s (%(qty)s ordered, %(free)s available)",
                        product=line.product_id.display_name,
                        qty=line.product_uom_qty,
                        free=free,
                    )
                    for line, free in over.items()
                ),
            ),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    def _roms_reorder_quantities(self):
        """What ordering this order again puts in a cart: ({product: quantity in
        the product's unit} of the products still in the catalogue, the products
        no longer in it)."""
        self.ensure_one()
        lines = self._roms_product_lines().filtered(
            lambda l: l.product_id and l.product_uom_qty > 0
        )
        available = self._roms_catalog_products(lines.product_id)
        quantities = {}
        for line in lines:
            if line.product_id in available:
                qty = line.product_uom._compute_quantity(
                    line.product_uom_qty, line.product_id.uom_id
                )
                quantities[line.product_id] = quantities.get(line.product_id, 0) + qty
        return quantities, lines.product_id - available
