from urllib.parse import urlencode

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.addons.sale.controllers.portal import CustomerPortal

from ...models.portal.sale_order import RomsCartError
from ...tools import bounds

CATALOG_PAGE_SIZE = 12
SEARCH_LENGTH = 200


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
        reseller = request.env.user._roms_portal_reseller()
        if not reseller:
            raise NotFound()
        return reseller

    def _roms_cart(self, create=False):
        """The logged-in user's cart (sudo; see ``res.partner._roms_reseller_cart``)."""
        return request.env.user.partner_id._roms_reseller_cart(create=create)

    def _roms_catalog_products(self, product_ids):
        """The catalogue variants among ``product_ids`` (sudo); 404 when any id is
        not a product of the catalogue."""
        products = request.env["sale.order"]._roms_catalog_products(product_ids)
        if len(products) != len(set(product_ids)):
            raise NotFound()
        return products

    def _roms_pricelist(self):
        return request.env.user.partner_id.sudo().property_product_pricelist

    def _roms_settings(self):
        return request.env["sale.order"]._roms_portal_settings()

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
        """A quantity typed in a form (0 when empty or 0), or None when it is not
        a valid one (see ``roms.bounds._parse_form_quantity``)."""
        try:
            return request.env["roms.bounds"]._parse_form_quantity(raw, uom)
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
            values["roms_is_reseller"] = bool(request.env.user._roms_portal_reseller())
        return values

    # ------------------------------------------------------------------
    # Catalogue
    # ------------------------------------------------------------------

    @http.route(
        ["/my/catalog", "/my/catalog/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        # reads only (products, prices, stock, the cart's count): on the read
        # replica when there is one; the cart page, which shows what was just
        # added, stays on the primary
        readonly=True,
    )
    def roms_catalog(self, page=1, search="", category="", **kwargs):
        self._roms_reseller()
        Template = request.env["product.template"].sudo()
        domain = request.env["sale.order"]._roms_catalog_domain()
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
        # a search of the address bar: control characters (NUL) removed, cut short
        search = (
            bounds.clean_text(str(search or "")[:SEARCH_LENGTH], SEARCH_LENGTH) or ""
        )
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
    # Cart: a draft sale.order of the reseller flagged roms_portal_cart (the
    # _roms_cart_* methods of sale.order)
    # ------------------------------------------------------------------

    def _roms_cart_line(self, cart, line_id):
        """The product line of id ``line_id`` (a form value) of ``cart``; 404 when
        there is none."""
        line_id = bounds.record_id(line_id)
        line = cart._roms_product_lines().filtered(lambda l: l.id == line_id)
        if not line:
            raise NotFound()
        return line

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
        quantities = {
            product: self._roms_parse_qty(raw[product.id], product.uom_id)
            for product in products
        }
        back = "/my/catalog?" + urlencode(
            {key: post[key] for key in ("search", "category") if post.get(key)}
        )
        if any(qty is None for qty in quantities.values()):
            return request.redirect(f"{back}&roms_error=quantity")
        if not any(quantities.values()):
            return request.redirect(f"{back}&roms_error=empty")
        try:
            added = self._roms_cart(create=True)._roms_cart_add(quantities)
        except RomsCartError as error:
            return request.redirect(f"{back}&roms_error={error.code}")
        return request.redirect(f"{back}&roms_added={added}")

    @http.route("/my/catalog/cart", type="http", auth="user", website=True)
    def roms_cart(self, **kwargs):
        self._roms_reseller()
        cart = self._roms_cart()
        over = cart._roms_over_stock_lines() if cart else {}
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "roms_cart",
                "cart": cart,
                "cart_lines": cart._roms_product_lines(),
                "over_stock": over,
                "addresses": request.env.user.partner_id._roms_delivery_addresses(),
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
        line = self._roms_cart_line(cart, line_id)
        qty = self._roms_parse_qty(qty, line.product_uom)
        if qty is None:
            return request.redirect("/my/catalog/cart?roms_error=quantity")
        try:
            cart._roms_cart_set_qty(line, qty)
        except RomsCartError as error:
            return request.redirect(f"/my/catalog/cart?roms_error={error.code}")
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
        self._roms_reseller()
        cart = self._roms_cart()
        if not cart:
            raise NotFound()
        address_id = bounds.record_id(address_id)
        address = cart.partner_id._roms_delivery_addresses().filtered(
            lambda a: a.id == address_id
        )
        if not address:
            raise NotFound()
        try:
            cart._roms_cart_place(address, note)
        except RomsCartError as error:
            return request.redirect(f"/my/catalog/cart?roms_error={error.code}")
        except UserError as error:
            # the order refused to be placed (a reward no longer covered by the
            # points, say): the cart stays as it was, with the reason
            request.session["roms_cart_error"] = error.args[0]
            return request.redirect("/my/catalog/cart?roms_error=refused")
        return request.redirect(cart.get_portal_url(query_string="&roms_placed=1"))

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
        # an id of the address beyond the database's range is no order (a
        # database error otherwise)
        order_id = bounds.record_id(order_id)
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
        added, skipped = request.env.user.partner_id._roms_reseller_reorder(order_sudo)
        if skipped:
            request.session["roms_reorder_skipped"] = skipped.mapped("display_name")
        return request.redirect(f"/my/catalog/cart?roms_reordered={added}")

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
