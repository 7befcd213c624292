from lxml import html

from odoo import http
from odoo.fields import Command
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import formatLang

from .common import make_order

CATALOG_PARAMS = (
    "roms_crm.portal_show_stock_qty",
    "roms_crm.portal_order_state",
    "roms_crm.portal_over_stock",
)


class ResellerCatalogCommon(TransactionCase):
    """Two resellers, an end customer with portal access, and a catalogue of three
    products for resellers next to a product that is not in it and a product of
    another company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        params = env["ir.config_parameter"].sudo()
        for key in CATALOG_PARAMS:
            params.set_param(key, False)
        # Only this test's products are in the catalogue.
        env["product.template"].search([("roms_reseller_ok", "=", True)]).write(
            {"roms_reseller_ok": False}
        )
        cls.reseller_user = cls._portal_user("roms_res1", "Toko Reseller Satu")
        cls.reseller = cls.reseller_user.partner_id
        cls.reseller.write({"roms_category": "reseller", "roms_discount_percent": 10})
        cls.reseller2_user = cls._portal_user("roms_res2", "Agen Dua")
        cls.reseller2 = cls.reseller2_user.partner_id
        cls.reseller2.roms_category = "agent"
        cls.customer_user = cls._portal_user("roms_cust", "Pelanggan Biasa")
        cls.customer_user.partner_id.roms_category = "customer"

        cls.categ_kopi = env["product.category"].create({"name": "Kopi Reseller"})
        cls.categ_gula = env["product.category"].create({"name": "Gula Reseller"})
        cls.warehouse = env["stock.warehouse"].search(
            [("company_id", "=", env.company.id)], limit=1
        )
        cls.coffee = cls._product(
            "Kopi Tour Gayo", "RS-KOPI", 100000, cls.categ_kopi, stock=100
        )
        cls.sugar = cls._product(
            "Gula Tour Aren", "RS-GULA", 50000, cls.categ_gula, stock=5, threshold=10
        )
        cls.empty = cls._product("Kopi Habis", "RS-HABIS", 70000, cls.categ_kopi)
        cls.hidden = cls._product(
            "Kopi Rahasia", "RS-RAHASIA", 80000, cls.categ_kopi, stock=50, ok=False
        )
        other_company = env["res.company"].create({"name": "Toko Lain"})
        cls.foreign = cls._product(
            "Kopi Toko Lain", "RS-LAIN", 60000, cls.categ_kopi, company=other_company
        )

    @classmethod
    def _portal_user(cls, login, name):
        user = new_test_user(cls.env, login, groups="base.group_portal", name=name)
        user.partner_id.write(
            {"email": f"{login}@example.com", "country_id": cls.env.ref("base.id").id}
        )
        return user

    @classmethod
    def _product(
        cls, name, code, price, categ, stock=0, threshold=0, ok=True, company=None
    ):
        product = cls.env["product.product"].create(
            {
                "name": name,
                "default_code": code,
                "list_price": price,
                "categ_id": categ.id,
                "is_storable": True,
                "taxes_id": [Command.clear()],
                "roms_low_stock_threshold": threshold,
                "roms_reseller_ok": ok,
                "company_id": company and company.id,
            }
        )
        if stock:
            cls.env["stock.quant"]._update_available_quantity(
                product, cls.warehouse.lot_stock_id, stock
            )
        return product

    def _set(self, key, value):
        self.env["ir.config_parameter"].sudo().set_param(f"roms_crm.{key}", value)

    def _cart(self, partner):
        return self.env["sale.order"].search(
            [("partner_id", "=", partner.id), ("roms_portal_cart", "=", True)]
        )

    def _counts(self):
        return (
            self.env["sale.order"].search_count([]),
            self.env["sale.order.line"].search_count([]),
        )


class ResellerPortalCommon(ResellerCatalogCommon, HttpCase):
    """The catalogue of ResellerCatalogCommon, seen through the portal pages."""

    def _post(self, url, **data):
        return self.url_open(
            url,
            data={"csrf_token": http.Request.csrf_token(self), **data},
            allow_redirects=True,
        )

    @staticmethod
    def _text(response):
        return " ".join(
            html.fromstring(response.content)
            .text_content()
            .replace("\N{NO-BREAK SPACE}", " ")
            .split()
        )


@tagged("post_install", "-at_install")
class TestResellerCatalog(ResellerPortalCommon):
    def test_anonymous_goes_to_login(self):
        before = self._counts()
        for url in ("/my/catalog", "/my/catalog/cart", "/my/refunds"):
            response = self.url_open(url, allow_redirects=False)
            self.assertIn(response.status_code, (302, 303))
            self.assertIn("/web/login", response.headers["Location"])
        response = self.url_open(
            "/my/catalog/cart/add",
            data={f"qty_{self.coffee.id}": "1"},
            allow_redirects=False,
        )
        self.assertNotEqual(response.status_code, 200)
        self.assertEqual(self._counts(), before)

    def test_non_reseller_sees_nothing(self):
        self.authenticate("roms_cust", "roms_cust")
        before = self._counts()
        for url in ("/my/catalog", "/my/catalog/cart", "/my/catalog/page/2"):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 404, url)
            self.assertNotIn("Kopi Tour Gayo", response.text)
            self.assertNotIn("RS-KOPI", response.text)
        response = self._post("/my/catalog/cart/add", **{f"qty_{self.coffee.id}": "1"})
        self.assertEqual(response.status_code, 404)
        order = make_order(self.env, self.reseller, self.coffee)
        response = self._post(f"/my/orders/{order.id}/reorder")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self._counts()[1], before[1] + 1)  # make_order's line only
        home = self.url_open("/my/home")
        self.assertNotIn('href="/my/catalog"', home.text)

    def test_catalog_prices_and_stock(self):
        self.authenticate("roms_res1", "roms_res1")
        home = self.url_open("/my/home")
        self.assertIn('href="/my/catalog"', home.text)
        self.assertIn('href="/my/refunds"', home.text)
        response = self.url_open("/my/catalog")
        self.assertEqual(response.status_code, 200)
        page = html.fromstring(response.content)
        cards = {
            card.get("data-product"): card
            for card in page.xpath("//div[hasclass('o_roms_product')]")
        }
        self.assertEqual(set(cards), {"Kopi Tour Gayo", "Gula Tour Aren", "Kopi Habis"})

        def price(name):
            node = cards[name].xpath(".//span[hasclass('o_roms_price')]")[0]
            return " ".join(node.text_content().replace("\xa0", " ").split())

        def amount(value):
            currency = self.env.company.currency_id
            text = formatLang(self.env, value, currency_obj=currency)
            return " ".join(text.replace("\xa0", " ").split())

        def stock(name):
            return cards[name].xpath(".//span[hasclass('o_roms_stock')]")[0].text

        # 10 % off the sales price: the reseller's pricelist
        self.assertEqual(price("Kopi Tour Gayo"), amount(90000))
        self.assertEqual(price("Gula Tour Aren"), amount(45000))
        self.assertEqual(stock("Kopi Tour Gayo"), "Available")
        self.assertEqual(stock("Gula Tour Aren"), "Low stock")
        self.assertEqual(stock("Kopi Habis"), "Out of stock")
        self.assertFalse(page.xpath("//*[hasclass('o_roms_stock_qty')]"))
        self.assertIn("RS-KOPI", response.text)

        self._set("portal_show_stock_qty", "True")
        page = html.fromstring(self.url_open("/my/catalog").content)
        quantities = [
            " ".join(node.text_content().split())
            for node in page.xpath("//*[hasclass('o_roms_stock_qty')]")
        ]
        self.assertIn("In stock: 100 Units", quantities)

    def test_catalog_on_a_read_only_cursor(self):
        """The catalogue is a read-only request (on the read replica with
        db_replica_host): on the test's read-only cursor a write would raise and
        Odoo would retry it on the primary with a warning. The cart page, which
        shows what was just added, stays read/write."""
        router = self.env["ir.http"].routing_map().bind("localhost")
        for path, readonly in (
            ("/my/catalog", True),
            ("/my/catalog/page/2", True),
            ("/my/catalog/cart", False),
        ):
            endpoint = router.match(path, method="GET")[0]
            self.assertEqual(endpoint.routing["readonly"], readonly, path)
        # a cart, whose count the catalogue shows
        self.assertTrue(self.reseller._roms_reseller_cart(create=True))
        self.authenticate("roms_res1", "roms_res1")
        for url in (
            "/my/catalog",
            "/my/catalog/page/2",
            "/my/catalog?search=kopi",
            f"/my/catalog?category={self.categ_kopi.id}",
            "/my/catalog?category=99999999999999999999&search=%00",
            "/my/catalog?search=Kopi%00Tour&category=-1",
            f"/my/catalog?search={'x' * 5000}",
        ):
            with self.assertNoLogs("odoo.http", "WARNING"):
                response = self.url_open(url)
            self.assertEqual(response.status_code, 200, url)
        self.assertIn("Kopi Tour Gayo", self.url_open("/my/catalog").text)
        # a NUL in the search is dropped, not a 500
        found = self.url_open("/my/catalog?search=Gayo%00")
        self.assertIn("Kopi Tour Gayo", found.text)
        self.assertNotIn("Gula Tour Aren", found.text)

    def test_variants_each_with_price_and_stock(self):
        attribute = self.env["product.attribute"].create(
            {
                "name": "Ukuran",
                "value_ids": [
                    Command.create({"name": "250 g"}),
                    Command.create({"name": "1 kg"}),
                ],
            }
        )
        template = self.env["product.template"].create(
            {
                "name": "Kopi Varian",
                "list_price": 100000,
                "is_storable": True,
                "taxes_id": [Command.clear()],
                "roms_reseller_ok": True,
                "categ_id": self.categ_kopi.id,
                "attribute_line_ids": [
                    Command.create(
                        {
                            "attribute_id": attribute.id,
                            "value_ids": [Command.set(attribute.value_ids.ids)],
                        }
                    )
                ],
            }
        )

        def variant(size):
            return template.product_variant_ids.filtered(
                lambda p: p.product_template_attribute_value_ids.name == size
            )

        small, big = variant("250 g"), variant("1 kg")
        big.product_template_attribute_value_ids.price_extra = 200000
        small.default_code, big.default_code = "KV-250", "KV-1K"
        self.env["stock.quant"]._update_available_quantity(
            small, self.warehouse.lot_stock_id, 30
        )
        self.authenticate("roms_res1", "roms_res1")
        page = html.fromstring(self.url_open("/my/catalog?search=Varian").content)
        rows = page.xpath(
            "//div[@data-product='Kopi Varian']//li[hasclass('o_roms_variant')]"
        )
        texts = [
            " ".join(row.text_content().replace("\xa0", " ").split()) for row in rows
        ]
        currency = self.env.company.currency_id

        def amount(value):
            text = formatLang(self.env, value, currency_obj=currency)
            return " ".join(text.replace("\xa0", " ").split())

        self.assertEqual(len(texts), 2)
        by_code = {
            code: text for text in texts for code in ("KV-250", "KV-1K") if code in text
        }
        self.assertIn("250 g", by_code["KV-250"])
        self.assertIn(amount(90000), by_code["KV-250"])
        self.assertIn("Available", by_code["KV-250"])
        self.assertIn("1 kg", by_code["KV-1K"])
        self.assertIn(amount(270000), by_code["KV-1K"])
        self.assertIn("Out of stock", by_code["KV-1K"])

        response = self._post("/my/catalog/cart/add", **{f"qty_{big.id}": "1"})
        self.assertIn("roms_error=stock", response.url)
        self._post("/my/catalog/cart/add", **{f"qty_{small.id}": "2"})
        cart = self._cart(self.reseller)
        self.assertEqual(cart.order_line.product_id, small)
        self.assertEqual(cart.amount_total, 2 * 90000)

    def test_quantity_fields_named_in_the_readers_language(self):
        """A screen reader names each quantity field in the reseller's language
        (it read "Quantity of ..." in English to everyone)."""
        self.env["res.lang"]._activate_lang("id_ID")
        self.env["ir.module.module"]._load_module_terms(["roms_crm"], ["id_ID"])
        self.reseller_user.lang = "id_ID"
        self.authenticate("roms_res1", "roms_res1")
        self._post("/my/catalog/cart/add", **{f"qty_{self.coffee.id}": "1"})
        for url, xpath in (
            ("/my/catalog", f"//input[@name='qty_{self.coffee.id}']"),
            ("/my/catalog/cart", "//input[@name='qty'][@type='number']"),
        ):
            with self.subTest(url=url):
                page = html.fromstring(self.url_open(url).content)
                (field,) = page.xpath(xpath)
                self.assertEqual(
                    field.get("aria-label"), "Jumlah [RS-KOPI] Kopi Tour Gayo"
                )

    def test_search_category_and_pages(self):
        self.authenticate("roms_res1", "roms_res1")
        text = self._text(self.url_open("/my/catalog?search=rs-gula"))
        self.assertIn("Gula Tour Aren", text)
        self.assertNotIn("Kopi Tour Gayo", text)
        text = self._text(self.url_open(f"/my/catalog?category={self.categ_kopi.id}"))
        self.assertIn("Kopi Tour Gayo", text)
        self.assertNotIn("Gula Tour Aren", text)
        # a category outside the catalogue is ignored
        other = self.env["product.category"].create({"name": "Lain"})
        text = self._text(self.url_open(f"/my/catalog?category={other.id}"))
        self.assertIn("Gula Tour Aren", text)

        for index in range(10):
            self._product(f"Zz Produk {index:02d}", f"ZZ-{index}", 1000, other)
        first = self._text(self.url_open("/my/catalog"))
        second = self._text(self.url_open("/my/catalog/page/2"))
        self.assertIn("Zz Produk 08", first)
        self.assertNotIn("Zz Produk 09", first)
        self.assertIn("Zz Produk 09", second)
        self.assertNotIn("Kopi Tour Gayo", second)


@tagged("post_install", "-at_install")
class TestResellerOrdering(ResellerPortalCommon):
    def setUp(self):
        super().setUp()
        self.authenticate("roms_res1", "roms_res1")

    def _place(self, address, **data):
        return self._post("/my/catalog/cart/place", address_id=str(address.id), **data)

    def _add(self, **quantities):
        return self._post("/my/catalog/cart/add", **quantities)

    def test_order_confirmed_at_server_prices(self):
        response = self._add(
            **{
                f"qty_{self.coffee.id}": "3",
                f"qty_{self.sugar.id}": "2",
                # a tampered form: prices are never read
                f"price_{self.coffee.id}": "1",
                "price_unit": "1",
            }
        )
        self.assertEqual(response.status_code, 200)
        cart = self._cart(self.reseller)
        self.assertEqual(len(cart), 1)
        self.assertEqual(cart.state, "draft")
        self.assertEqual(
            {line.product_id: line.product_uom_qty for line in cart.order_line},
            {self.coffee: 3, self.sugar: 2},
        )
        self.assertEqual(cart.amount_total, 3 * 90000 + 2 * 45000)
        # adding again adds to the same line
        self._add(**{f"qty_{self.coffee.id}": "1"})
        self.assertEqual(len(cart.order_line), 2)
        self.assertEqual(
            {line.product_id: line.product_uom_qty for line in cart.order_line},
            {self.coffee: 4, self.sugar: 2},
        )
        page = self.url_open("/my/catalog/cart")
        self.assertIn("Kopi Tour Gayo", page.text)

        warehouse = self.env["res.partner"].create(
            {
                "name": "Gudang Reseller",
                "type": "delivery",
                "parent_id": self.reseller.id,
                "street": "Jl. Gudang 1",
            }
        )
        response = self._post(
            "/my/catalog/cart/place",
            address_id=str(warehouse.id),
            note="Kirim pagi, ya",
            price_unit="1",
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Thank you! Your order was placed.", response.text)
        cart.invalidate_recordset()
        self.assertEqual(cart.state, "sale")
        self.assertFalse(cart.roms_portal_cart)
        self.assertEqual(cart.roms_source, "portal")
        self.assertEqual(cart.roms_stage, "processed")
        self.assertTrue(cart.roms_new_order_done)
        self.assertEqual(cart.partner_shipping_id, warehouse)
        self.assertIn("Kirim pagi, ya", cart.roms_customer_note)
        # the note has its own heading, not the terms and conditions'
        page = html.fromstring(response.text)
        self.assertIn(
            "Kirim pagi, ya",
            page.get_element_by_id("roms_customer_note").text_content(),
        )
        self.assertFalse(
            page.xpath("//section[@id='terms'][contains(., 'Kirim pagi')]")
        )
        # on a phone the sidebar comes first: the message that the order was placed
        # is above it
        placed, sidebar = page.xpath(
            "//*[contains(@class, 'o_roms_placed') or "
            "contains(@class, 'o_portal_sale_sidebar')]"
        )[:2]
        self.assertIn("o_roms_placed", placed.get("class"))
        self.assertIn("o_portal_sale_sidebar", sidebar.get("class"))
        self.assertEqual(cart.amount_total, 4 * 90000 + 2 * 45000)
        self.assertFalse(cart.roms_over_stock)
        # the next order starts a new cart
        self.assertFalse(self._cart(self.reseller))

    def test_order_as_quotation(self):
        self._set("portal_order_state", "quotation")
        self._add(**{f"qty_{self.coffee.id}": "1"})
        cart = self._cart(self.reseller)
        self._place(self.reseller)
        self.assertEqual(cart.state, "sent")
        self.assertFalse(cart.roms_new_order_done)
        self.assertIn(cart.name, self.url_open("/my/quotes").text)

    def test_tampered_products_refused(self):
        before = self._counts()
        other_company_product = self.foreign
        for product_id in (self.hidden.id, other_company_product.id, 999999999, "x"):
            response = self._add(
                **{f"qty_{self.coffee.id}": "1", f"qty_{product_id}": "1"}
            )
            self.assertEqual(response.status_code, 404, product_id)
        self.assertEqual(self._counts(), before)
        self.assertFalse(self._cart(self.reseller))
        # nonsense quantities write nothing either
        for qty in ("-1", "abc", "1e9"):
            response = self._add(**{f"qty_{self.coffee.id}": qty})
            self.assertIn("roms_error=quantity", response.url)
        self.assertEqual(self._counts(), before)

    def test_product_withdrawn_from_catalogue(self):
        self._add(**{f"qty_{self.coffee.id}": "1"})
        cart = self._cart(self.reseller)
        self.coffee.roms_reseller_ok = False
        response = self._place(self.reseller)
        self.assertIn("roms_error=unavailable", response.url)
        self.assertEqual(cart.state, "draft")

    def test_over_stock_refused_or_flagged(self):
        before = self._counts()
        response = self._add(**{f"qty_{self.sugar.id}": "6"})
        self.assertIn("roms_error=stock", response.url)
        self.assertEqual(self._counts()[1], before[1])
        self.assertFalse(self._cart(self.reseller).order_line)

        self._set("portal_over_stock", "flag")
        self._add(**{f"qty_{self.sugar.id}": "6"})
        cart = self._cart(self.reseller)
        self.assertEqual(cart.order_line.product_uom_qty, 6)
        self.assertIn("Only 5 available.", self.url_open("/my/catalog/cart").text)
        # placing under the refusing policy is refused, nothing changes
        self._set("portal_over_stock", "refuse")
        response = self._place(self.reseller)
        self.assertIn("roms_error=stock", response.url)
        self.assertEqual(cart.state, "draft")
        self._set("portal_over_stock", "flag")
        self._place(self.reseller)
        self.assertEqual(cart.state, "sale")
        self.assertTrue(cart.roms_over_stock)
        bodies = cart.message_ids.mapped("body")
        self.assertTrue(any("above the available stock" in b for b in bodies))

    def test_cart_lines_of_another_reseller(self):
        other_cart = self.env["sale.order"].create(
            {
                "partner_id": self.reseller2.id,
                "roms_portal_cart": True,
                "order_line": [
                    Command.create({"product_id": self.coffee.id, "product_uom_qty": 2})
                ],
            }
        )
        other_line = other_cart.order_line
        self._add(**{f"qty_{self.sugar.id}": "1"})
        before = self._counts()
        for qty in ("5", "0"):
            response = self._post(
                "/my/catalog/cart/line", line_id=str(other_line.id), qty=qty
            )
            self.assertEqual(response.status_code, 404)
        self.assertTrue(other_line.exists())
        self.assertEqual(other_line.product_uom_qty, 2)
        # nor can the order ship to the other reseller's address
        response = self._post(
            "/my/catalog/cart/place", address_id=str(self.reseller2.id)
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self._counts(), before)
        self.assertEqual(self._cart(self.reseller).state, "draft")
        # own lines can be changed and removed
        line = self._cart(self.reseller).order_line
        self._post("/my/catalog/cart/line", line_id=str(line.id), qty="3")
        self.assertEqual(line.product_uom_qty, 3)
        self._post("/my/catalog/cart/line", line_id=str(line.id), qty="0")
        self.assertFalse(line.exists())

    def test_reorder(self):
        order = make_order(self.env, self.reseller, self.coffee, qty=2)
        order.order_line = [
            Command.create({"product_id": self.hidden.id, "product_uom_qty": 1})
        ]
        self.coffee.list_price = 110000
        page = self.url_open(f"/my/orders/{order.id}")
        self.assertIn("Order status", page.text)
        self.assertIn("o_roms_reorder", page.text)
        self.assertIn("Processed", self._text(self.url_open("/my/orders")))

        response = self._post(f"/my/orders/{order.id}/reorder")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Kopi Rahasia", self._text(response))  # skipped, with a notice
        cart = self._cart(self.reseller)
        self.assertEqual(cart.order_line.product_id, self.coffee)
        self.assertEqual(cart.order_line.product_uom_qty, 2)
        self.assertEqual(cart.order_line.price_total, 2 * 99000)  # today's price

    def test_reorder_of_another_reseller(self):
        order = make_order(self.env, self.reseller2, self.coffee, qty=2)
        before = self._counts()
        response = self._post(f"/my/orders/{order.id}/reorder")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self._counts(), before)
        self.assertNotIn("Kopi Tour Gayo", response.text)

    def test_no_orders_yet_points_to_the_catalogue(self):
        """A reseller without orders is told where to order; a customer, who
        has no catalogue, is not sent there."""
        self.authenticate("roms_res2", "roms_res2")
        page = html.fromstring(self.url_open("/my/orders").content)
        (empty,) = page.xpath("//div[hasclass('alert')][@role='alert']")
        self.assertTrue(empty.xpath(".//a[@href='/my/catalog']"))
        self.authenticate("roms_cust", "roms_cust")
        page = html.fromstring(self.url_open("/my/orders").content)
        self.assertTrue(page.xpath("//div[hasclass('alert')][@role='alert']"))
        self.assertFalse(page.xpath("//a[@href='/my/catalog']"))

    def test_breadcrumbs_without_an_empty_menu_button(self):
        """ROMS's pages have nothing to sort or filter: no menu button (Odoo's
        search bar showed one that opened nothing on a phone)."""
        self.authenticate("roms_res1", "roms_res1")
        for url in ("/my/catalog", "/my/catalog/cart", "/my/refunds"):
            with self.subTest(url=url):
                page = html.fromstring(self.url_open(url).content)
                bar = page.xpath("//nav[hasclass('o_portal_navbar')]")
                self.assertEqual(len(bar), 1)
                self.assertTrue(bar[0].xpath(".//ol[hasclass('breadcrumb')]"))
                self.assertFalse(bar[0].xpath(".//button[hasclass('navbar-toggler')]"))

    def test_no_refunds_yet_says_where_to_ask(self):
        self.authenticate("roms_res2", "roms_res2")
        page = html.fromstring(self.url_open("/my/refunds").content)
        (empty,) = page.xpath("//div[hasclass('alert')][@role='status']")
        self.assertTrue(empty.xpath(".//a[@href='/my/orders']"))

    def test_refund_list_shows_own_requests(self):
        mine = make_order(self.env, self.reseller, self.coffee, stage="delivered")
        theirs = make_order(self.env, self.reseller2, self.coffee, stage="delivered")
        Refund = self.env["roms.refund.request"]
        for order in (mine, theirs):
            Refund.create(
                {
                    "order_id": order.id,
                    "reason": "Rusak",
                    "line_ids": [
                        Command.create(
                            {"sale_line_id": order.order_line.id, "quantity": 1}
                        )
                    ],
                }
            )
        text = self._text(self.url_open("/my/refunds"))
        self.assertIn(mine.name, text)
        self.assertNotIn(theirs.name, text)


@tagged("post_install", "-at_install")
class TestResellerPortalTour(ResellerPortalCommon):
    browser_size = "375x812"

    def test_reseller_orders_on_a_phone(self):
        # a large earlier order: its total is as wide as a reseller's usually are
        machine = self.env["product.product"].create(
            {"name": "Mesin Kopi Tour", "list_price": 18500000}
        )
        earlier = make_order(self.env, self.reseller, machine)
        self.start_tour("/my", "roms_reseller_portal", login="roms_res1")
        orders = self.env["sale.order"].search([("partner_id", "=", self.reseller.id)])
        placed = orders.filtered(lambda o: o.state == "sale") - earlier
        self.assertEqual(len(placed), 1)
        self.assertEqual(placed.order_line.product_id, self.coffee | self.sugar)
        self.assertEqual(placed.amount_total, 2 * 90000 + 1 * 45000)
        reordered = self._cart(self.reseller)
        self.assertEqual(reordered.order_line.product_id, self.coffee | self.sugar)
