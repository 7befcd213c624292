from urllib.parse import urlencode

from werkzeug.exceptions import NotFound

from odoo import Command, fields, http
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import plaintext2html

from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.addons.sale.controllers.portal import CustomerPortal

from ...tools import bounds

CATALOG_PAGE_SIZE = 12
NOTE_MAX_LENGTH = bounds.NOTE_LENGTH
# settings
SHOW_QTY_PARAM = "roms_crm.portal_show_stock_qty"
ORDER_STATE_PARAM = "roms_crm.portal_order_state"
DEFAULT_ORDER_STATE = "confirmed"
OVER_STOCK_PARAM = "roms_crm.portal_over_stock"
DEFAULT_OVER_STOCK = "refuse"


class _OverStock(Exception):
    """Raised inside a savepoint to undo an addition above the available stock."""


class RomsResellerPortal(CustomerPortal):
    """The reseller catalogue, the cart and reorders on Odoo's customer portal.

    Only portal users whose company (commercial partner) is a reseller, dropshipper,
    agent or distributor get these pages; everybody else gets a 404. Records are read
    with sudo only through domains on the logged-in reseller, and every product id of
    a form is checked against the catalogue; prices always come from the pricelist.
    """

    # ------------------------------------------------------------------
    # Who and what
    # ------------------------------------------------------------------

    def _roms_reseller(self):
        """The commercial partner of the logged-in reseller; 404 for anyone else."""
        user = request.env.user
        partner = user.partner_id.commercial_partner_id.sudo()
        if not user._is_portal() or (
            partner.roms_category not in partner._roms_portal_categories
        ):
            raise NotFound()
        return partner

    def _roms_is_reseller(self):
        try:
            self._roms_reseller()
        except NotFound:
            return False
        return True

    def _roms_catalog_domain(self):
        """The products every reseller of the current company may see and order."""
        return [
            ("roms_reseller_ok", "=", True),
            ("sale_ok", "=", True),
            ("company_id", "in", [False, request.env.company.id]),
        ]

    def _roms_catalog_products(self, product_ids):
        """The catalogue variants among ``product_ids`` (sudo); 404 when any id is
        not a product of the catalogue."""
        products = (
            request.env["product.product"]
            .sudo()
            .search(
                [
                    ("id", "in", list(product_ids)),
                    ("product_tmpl_id", "any", self._roms_catalog_domain()),
                ]
            )
        )
        if len(products) != len(set(product_ids)):
            raise NotFound()
        return products

    def _roms_available(self, products):
        """The variants among ``products`` still sold in the catalogue (sudo)."""
        return (
            request.env["product.product"]
            .sudo()
            .search(
                [
                    ("id", "in", products.ids),
                    ("product_tmpl_id", "any", self._roms_catalog_domain()),
                ]
            )
        )

    def _roms_pricelist(self):
        return request.env.user.partner_id.sudo().property_product_pricelist

    def _roms_settings(self):
        param = request.env["ir.config_parameter"]._roms_param
        return {
            "show_qty": param(SHOW_QTY_PARAM, False),
            "order_state": param(ORDER_STATE_PARAM, DEFAULT_ORDER_STATE),
            "over_stock": param(OVER_STOCK_PARAM, DEFAULT_OVER_STOCK),
        }

    def _roms_stock_status(self, product, free_qty):
        """``available``, ``low`` or ``out`` for a catalogue variant."""
        if not product.is_storable:
            return "available"
        if free_qty <= 0:
            return "out"
        if free_qty < product.product_tmpl_id.roms_low_stock_threshold:
            return "low"
        return "available"

    def _roms_parse_qty(self, raw, uom=None):
        """A quantity typed in a form, or None when it is not a valid one: the
        shared bounds (finite, at most the maximum, whole for Units); empty or
        0 is 0."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return 0.0
        try:
            number = bounds.finite_number(raw, parse=True)
            if not number:
                return 0.0
            return request.env["roms.bounds"]._check_quantity(number, uom)
        except bounds.BoundsError:
            return None

    # ------------------------------------------------------------------
    # Home page tiles and breadcrumbs
    # ------------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "roms_refund_count" in counters:
            values["roms_refund_count"] = (
                request.env["roms.refund.request"]
                .sudo()
                .search_count(self._roms_refund_domain())
            )
        if not counters:
            values["roms_is_reseller"] = self._roms_is_reseller()
        return values

    # ------------------------------------------------------------------
    # Catalogue
    # ------------------------------------------------------------------

    @http.route(
        ["/my/catalog", "/my/catalog/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def roms_catalog(self, page=1, search="", category="", **kwargs):
        self._roms_reseller()
        Template = request.env["product.template"].sudo()
        domain = self._roms_catalog_domain()
        categories = (
            request.env["product.category"]
            .sudo()
            .browse(
                [categ.id for (categ,) in Template._read_group(domain, ["categ_id"])]
            )
        )
        category_id = bounds.record_id(category)
        if category_id and category_id in categories.ids:
            domain = domain + [("categ_id", "=", category_id)]
        else:
            category_id = 0
        search = (search or "").strip()
        if search:
            domain = domain + [
                "|",
                "|",
                ("name", "ilike", search),
                ("default_code", "ilike", search),
                ("product_variant_ids.default_code", "ilike", search),
            ]
        url_args = {}
        if search:
            url_args["search"] = search
        if category_id:
            url_args["category"] = category_id
        pager = portal_pager(
            url="/my/catalog",
            url_args=url_args,
            total=Template.search_count(domain),
            page=page,
            step=CATALOG_PAGE_SIZE,
        )
        templates = Template.search(
            domain, order="name, id", limit=CATALOG_PAGE_SIZE, offset=pager["offset"]
        )
        variants = templates.product_variant_ids
        pricelist = self._roms_pricelist()
        prices = (
            pricelist._get_products_price(variants, 1.0)
            if pricelist
            else {variant.id: variant.lst_price for variant in variants}
        )
        stock = {}
        for variant in variants:
            free = variant.free_qty
            stock[variant.id] = (free, self._roms_stock_status(variant, free))
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "roms_catalog",
                "templates": templates,
                "categories": categories.sorted("complete_name"),
                "category_id": category_id,
                "search": search,
                "pager": pager,
                "prices": prices,
                "stock": stock,
                "currency": pricelist.currency_id or request.env.company.currency_id,
                "settings": self._roms_settings(),
                "cart": self._roms_cart(),
                "roms_error": kwargs.get("roms_error"),
                "roms_added": kwargs.get("roms_added"),
            }
        )
        return request.render("roms_crm.portal_my_catalog", values)

    # ------------------------------------------------------------------
    # Cart: a draft sale.order of the reseller flagged roms_portal_cart
    # ------------------------------------------------------------------

    def _roms_cart(self, create=False):
        partner = request.env.user.partner_id
        SaleOrder = request.env["sale.order"].sudo()
        cart = SaleOrder.search(
            [
                ("partner_id", "=", partner.id),
                ("roms_portal_cart", "=", True),
                ("state", "=", "draft"),
            ],
            limit=1,
        )
        if not cart and create:
            reseller = self._roms_reseller()
            cart = SaleOrder.create(
                {
                    "partner_id": partner.id,
                    "company_id": request.env.company.id,
                    "user_id": reseller.user_id.id,
                    "roms_portal_cart": True,
                    "roms_source": "portal",
                }
            )
        return cart

    def _roms_cart_add(self, cart, quantities):
        """Add {product: quantity} to the cart; prices come from the pricelist."""
        lines = cart._roms_product_lines()
        new_lines = []
        for product, qty in quantities.items():
            line = lines.filtered(lambda l, p=product: l.product_id == p)[:1]
            if line:
                line.product_uom_qty += qty
            else:
                new_lines.append(
                    Command.create({"product_id": product.id, "product_uom_qty": qty})
                )
        if new_lines:
            cart.order_line = new_lines
        cart._roms_cart_changed()

    def _roms_cart_line(self, lines, line_id):
        """The line of id ``line_id`` (a form value) among ``lines`` of the cart;
        404 when there is none."""
        line_id = bounds.record_id(line_id)
        line = lines.filtered(lambda l: l.id == line_id)
        if not line:
            raise NotFound()
        return line

    def _roms_check_stock(self, cart, products):
        """Raise _OverStock when the shop refuses orders above the available stock
        and the cart asks too much of one of ``products``."""
        if self._roms_settings()["over_stock"] != "refuse":
            return
        over = cart._roms_over_stock_lines()
        if any(line.product_id in products for line in over):
            raise _OverStock()

    @http.route(
        "/my/catalog/cart/add",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def roms_cart_add(self, **post):
        """Add the quantities of the catalogue form (``qty_<product id>``) to the
        cart. Anything else in the form, a price for one, is ignored."""
        self._roms_reseller()
        raw = {}
        for key, value in post.items():
            if not key.startswith("qty_"):
                continue
            product_id = bounds.record_id(key[4:])
            if not product_id:
                raise NotFound()
            raw[product_id] = value
        products = self._roms_catalog_products(raw)
        # a quantity valid for the product's unit (whole for Units)
        raw = {
            product_id: self._roms_parse_qty(
                value,
                next((p.uom_id for p in products if p.id == product_id), None),
            )
            for product_id, value in raw.items()
        }
        back = "/my/catalog?" + urlencode(
            {key: post[key] for key in ("search", "category") if post.get(key)}
        )
        if any(qty is None for qty in raw.values()):
            return request.redirect(f"{back}&roms_error=quantity")
        quantities = {
            product: raw[product.id] for product in products if raw[product.id] > 0
        }
        if not quantities:
            return request.redirect(f"{back}&roms_error=empty")
        cart = self._roms_cart(create=True)
        try:
            with request.env.cr.savepoint():
                self._roms_cart_add(cart, quantities)
                self._roms_check_stock(cart, products)
        except _OverStock:
            return request.redirect(f"{back}&roms_error=stock")
        return request.redirect(f"{back}&roms_added={len(quantities)}")

    def _roms_delivery_addresses(self, reseller):
        """The addresses a reseller may ship to: the company, the user's contact
        and the company's delivery addresses."""
        addresses = (
            request.env["res.partner"]
            .sudo()
            .search([("id", "child_of", reseller.id), ("type", "=", "delivery")])
        )
        return reseller | request.env.user.partner_id.sudo() | addresses

    @http.route("/my/catalog/cart", type="http", auth="user", website=True)
    def roms_cart(self, **kwargs):
        reseller = self._roms_reseller()
        cart = self._roms_cart()
        over = cart._roms_over_stock_lines() if cart else {}
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "roms_cart",
                "cart": cart,
                "cart_lines": cart._roms_product_lines(),
                "over_stock": over,
                "addresses": self._roms_delivery_addresses(reseller),
                "settings": self._roms_settings(),
                "roms_error": kwargs.get("roms_error"),
                "roms_error_reason": request.session.pop("roms_cart_error", None),
                "roms_skipped": request.session.pop("roms_reorder_skipped", None),
                "roms_reordered": kwargs.get("roms_reordered"),
            }
        )
        return request.render("roms_crm.portal_my_cart", values)

    @http.route(
        "/my/catalog/cart/line",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def roms_cart_line(self, line_id=None, qty=None, **post):
        """Change the quantity of a line of the cart; 0 removes it."""
        self._roms_reseller()
        cart = self._roms_cart()
        line = self._roms_cart_line(cart._roms_product_lines(), line_id)
        qty = self._roms_parse_qty(qty, line.product_uom)
        if qty is None:
            return request.redirect("/my/catalog/cart?roms_error=quantity")
        if not qty:
            line.unlink()
            cart._roms_cart_changed()
            return request.redirect("/my/catalog/cart")
        try:
            with request.env.cr.savepoint():
                line.product_uom_qty = qty
                cart._roms_cart_changed()
                self._roms_check_stock(cart, line.product_id)
        except _OverStock:
            return request.redirect("/my/catalog/cart?roms_error=stock")
        return request.redirect("/my/catalog/cart")

    @http.route(
        "/my/catalog/cart/place",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def roms_cart_place(self, address_id=None, note="", **post):
        """Place the cart: a quotation or a confirmed order, per the settings, at
        today's prices, shipped to one of the reseller's addresses."""
        reseller = self._roms_reseller()
        cart = self._roms_cart()
        if not cart:
            raise NotFound()
        address_id = bounds.record_id(address_id)
        address = self._roms_delivery_addresses(reseller).filtered(
            lambda a: a.id == address_id
        )
        if not address:
            raise NotFound()
        lines = cart._roms_product_lines()
        if not lines:
            return request.redirect("/my/catalog/cart?roms_error=empty")
        # Products taken out of the catalogue since they were added are not sold.
        if lines.product_id - self._roms_available(lines.product_id):
            return request.redirect("/my/catalog/cart?roms_error=unavailable")
        try:
            note = bounds.clean_text(note, NOTE_MAX_LENGTH, multiline=True) or ""
        except bounds.BoundsError:
            return request.redirect("/my/catalog/cart?roms_error=note")
        settings = self._roms_settings()
        over = cart._roms_over_stock_lines()
        if over and settings["over_stock"] == "refuse":
            return request.redirect("/my/catalog/cart?roms_error=stock")
        vals = {
            "partner_shipping_id": address.id,
            "roms_portal_cart": False,
            "roms_source": "portal",
            "roms_over_stock": bool(over),
            "date_order": fields.Datetime.now(),
        }
        if note:
            vals["note"] = plaintext2html(note)
        try:
            with request.env.cr.savepoint():
                self._roms_cart_place(cart, vals, over, settings)
        except UserError as error:
            # the order refused to be placed (a reward no longer covered by the
            # points, say): the cart stays as it was, with the reason
            request.session["roms_cart_error"] = error.args[0]
            return request.redirect("/my/catalog/cart?roms_error=refused")
        return request.redirect(cart.get_portal_url(query_string="&roms_placed=1"))

    def _roms_cart_place(self, cart, vals, over, settings):
        cart.write(vals)
        cart._roms_cart_reprice()
        cart.message_subscribe(partner_ids=request.env.user.partner_id.ids)
        if over:
            cart.message_post(
                body=request.env._(
                    "Ordered from the portal above the available stock: %(lines)s",
                    lines=", ".join(
                        request.env._(
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
        if settings["order_state"] == "quotation":
            cart.action_quotation_sent()
        else:
            cart.action_confirm()

    # ------------------------------------------------------------------
    # Reorder
    # ------------------------------------------------------------------

    @http.route(
        "/my/orders/<int:order_id>/reorder",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def roms_reorder(self, order_id, **post):
        """Fill the cart with the products of one of the reseller's orders, at
        today's prices; products no longer in the catalogue are skipped."""
        reseller = self._roms_reseller()
        order_sudo = (
            request.env["sale.order"]
            .sudo()
            .search(
                [
                    ("id", "=", order_id),
                    ("partner_id", "child_of", reseller.id),
                    ("roms_portal_cart", "=", False),
                ]
            )
        )
        if not order_sudo:
            raise NotFound()
        lines = order_sudo._roms_product_lines().filtered(
            lambda l: l.product_id and l.product_uom_qty > 0
        )
        available = self._roms_available(lines.product_id)
        quantities = {}
        for line in lines:
            if line.product_id in available:
                qty = line.product_uom._compute_quantity(
                    line.product_uom_qty, line.product_id.uom_id
                )
                quantities[line.product_id] = quantities.get(line.product_id, 0) + qty
        skipped = (lines.product_id - available).mapped("display_name")
        if skipped:
            request.session["roms_reorder_skipped"] = skipped
        if quantities:
            self._roms_cart_add(self._roms_cart(create=True), quantities)
        return request.redirect(f"/my/catalog/cart?roms_reordered={len(quantities)}")

    # ------------------------------------------------------------------
    # Refund requests
    # ------------------------------------------------------------------

    def _roms_refund_domain(self):
        partner = request.env.user.partner_id.commercial_partner_id
        return [("order_id.partner_id", "child_of", partner.id)]

    @http.route(
        ["/my/refunds", "/my/refunds/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def roms_my_refunds(self, page=1, **kwargs):
        Refund = request.env["roms.refund.request"].sudo()
        domain = self._roms_refund_domain()
        pager = portal_pager(
            url="/my/refunds",
            total=Refund.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        refunds = Refund.search(
            domain,
            order="requested_date desc, id desc",
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "roms_refunds", "refunds": refunds, "pager": pager})
        return request.render("roms_crm.portal_my_refunds", values)
