from freezegun import freeze_time
from lxml import html

from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged

from .common import RomsLoyaltyCase


@tagged("post_install", "-at_install")
class TestPortal(HttpCase, RomsLoyaltyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env,
            "roms_loyal_reseller",
            password="roms_loyal_reseller",
            groups="base.group_portal",
            name="Sari Reseller Portal",
        )
        cls.portal_partner = cls.portal_user.partner_id
        cls.portal_partner.write(
            {
                "roms_category": "reseller",
                "property_product_pricelist": cls.pricelist.id,
            }
        )
        cls.stranger = cls.customer
        # the reseller catalogue: only this test's products
        cls.env["product.template"].search([("roms_reseller_ok", "=", True)]).write(
            {"roms_reseller_ok": False}
        )
        (cls.product_a | cls.product_b).product_tmpl_id.roms_reseller_ok = True

    def _setup_points(self):
        order = self._order(self.portal_partner, 1500000)
        self.assertEqual(self._points(self.portal_partner), 150)
        quote = self._quote(self.portal_partner, [(self.product_a, 1, 100000)])
        quote.state = "sent"
        return order, quote

    def test_portal_tour_sees_points_and_redeems(self):
        _order, quote = self._setup_points()
        self.start_tour(
            "/my/points", "roms_loyalty_portal", login="roms_loyal_reseller"
        )
        reward_line = quote.order_line.filtered("reward_id")
        self.assertEqual(reward_line.reward_id, self.tier_5)
        self.assertEqual(reward_line.points_cost, 100)
        # spent at confirmation
        self.assertEqual(self._points(self.portal_partner), 150)
        quote.action_confirm()
        self.assertEqual(self._points(self.portal_partner), 50)
        self.assertLedgerMatches(self.portal_partner)

    def test_reseller_tour_redeems_on_the_cart_and_places_the_order(self):
        self._order(self.portal_partner, 1500000)
        self.start_tour(
            "/my/points", "roms_loyalty_reseller_cart", login="roms_loyal_reseller"
        )
        order = self.env["sale.order"].search(
            [
                ("partner_id", "=", self.portal_partner.id),
                ("roms_source", "=", "portal"),
            ]
        )
        self.assertEqual(len(order), 1)
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.roms_portal_cart)
        reward_line = order.order_line.filtered("reward_id")
        self.assertEqual(reward_line.reward_id, self.tier_5)
        self.assertEqual(order.amount_total, 190000)
        # 150 - 100 redeemed + 10 earned on Rp 190,000
        self.assertEqual(self._points(self.portal_partner), 60)
        self.assertLedgerMatches(self.portal_partner)

    def test_points_page_shows_only_own_points(self):
        self._setup_points()
        self._order(self.stranger, 9900000)
        self.authenticate("roms_loyal_reseller", "roms_loyal_reseller")
        response = self.url_open("/my/points")
        self.assertEqual(response.status_code, 200)
        self.assertIn("roms_points_total", response.text)
        self.assertIn(">150<", response.text)
        # the stranger's 990 points, as a balance shows: any "990" would also
        # match a random token of the page (its CSRF token, an asset's hash)
        self.assertNotIn(">990<", response.text)
        self.assertNotIn(self.stranger.name, response.text)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["roms_loyalty_points"]}
        )
        self.assertEqual(counters["roms_loyalty_points"], "150")

    def test_cannot_redeem_on_someone_elses_quotation(self):
        self._setup_points()
        self._give_points(self.stranger, 500)
        other_quote = self._quote(self.stranger, [(self.product_a, 1, 100000)])
        other_quote.state = "sent"
        self.authenticate("roms_loyal_reseller", "roms_loyal_reseller")
        response = self.url_open(
            f"/my/orders/{other_quote.id}/roms_redeem",
            data={
                "reward_id": self.tier_5.id,
                "access_token": other_quote._portal_ensure_token(),
                "csrf_token": http.Request.csrf_token(self),
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.assertFalse(other_quote.order_line.filtered("reward_id"))

    def test_redeem_error_is_shown_and_writes_nothing(self):
        _order, quote = self._setup_points()
        self.authenticate("roms_loyal_reseller", "roms_loyal_reseller")
        response = self.url_open(
            f"/my/orders/{quote.id}/roms_redeem",
            data={
                "reward_id": self.tier_20.id,
                "access_token": quote._portal_ensure_token(),
                "csrf_token": http.Request.csrf_token(self),
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("You do not have enough points", response.text)
        self.assertFalse(quote.order_line.filtered("reward_id"))

    def test_hostile_reward_ids_are_a_message_never_a_500(self):
        _order, quote = self._setup_points()
        self.authenticate("roms_loyal_reseller", "roms_loyal_reseller")
        for reward_id in ("99999999999999999999", "²", "nan", "-1", "1e3", "\x00"):
            with self.subTest(reward_id=reward_id):
                response = self.url_open(
                    f"/my/orders/{quote.id}/roms_redeem",
                    data={
                        "reward_id": reward_id,
                        "access_token": quote._portal_ensure_token(),
                        "csrf_token": http.Request.csrf_token(self),
                    },
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn("Choose a reward", response.text)
        self.assertFalse(quote.order_line.filtered("reward_id"))
        self.assertEqual(self._points(self.portal_partner), 150)


@tagged("post_install", "-at_install")
class TestResellerCartRedemption(HttpCase, RomsLoyaltyCase):
    """Points redeemed on the reseller cart (/my/catalog/cart) of roms_crm."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["product.template"].search([("roms_reseller_ok", "=", True)]).write(
            {"roms_reseller_ok": False}
        )
        (cls.product_a | cls.product_b).product_tmpl_id.roms_reseller_ok = True
        cls.users = {}
        for login, category in (
            ("roms_cart_res1", "reseller"),
            ("roms_cart_res2", "agent"),
            ("roms_cart_cust", "customer"),
        ):
            user = new_test_user(
                cls.env, login, password=login, groups="base.group_portal"
            )
            user.partner_id.write(
                {
                    "roms_category": category,
                    "property_product_pricelist": cls.pricelist.id,
                }
            )
            cls.users[login] = user
        cls.partner = cls.users["roms_cart_res1"].partner_id

    def setUp(self):
        super().setUp()
        self.earning = self._order(self.partner, 1500000)

    def _post(self, url, **data):
        data["csrf_token"] = http.Request.csrf_token(self)
        return self.url_open(url, data=data, allow_redirects=False)

    def _cart(self, partner=None):
        return self.env["sale.order"].search(
            [
                ("partner_id", "=", (partner or self.partner).id),
                ("roms_portal_cart", "=", True),
                ("state", "=", "draft"),
            ]
        )

    def _fill_cart(self, login="roms_cart_res1", qty=2):
        self.authenticate(login, login)
        response = self._post(
            "/my/catalog/cart/add", **{f"qty_{self.product_a.id}": str(qty)}
        )
        self.assertEqual(response.status_code, 303)
        return self._cart(self.users[login].partner_id)

    def _redeem(self, reward):
        return self._post("/my/catalog/cart/redeem", reward_id=str(reward.id))

    def test_the_reward_follows_the_cart_quantities(self):
        cart = self._fill_cart(qty=2)
        response = self._redeem(self.tier_5)
        self.assertEqual(response.status_code, 303)
        self.assertIn("roms_redeemed=1", response.headers["Location"])
        reward_line = cart.order_line.filtered("reward_id")
        self.assertEqual(reward_line.reward_id, self.tier_5)
        self.assertEqual(cart.amount_total, 95000)
        # the cart lists products only: the reward line has no quantity form
        page = self.url_open("/my/catalog/cart")
        self.assertEqual(page.text.count("o_roms_cart_line"), 1)
        self.assertIn("o_roms_cart_reward", page.text)
        # a reward line is not a product line: it cannot be changed like one
        response = self._post(
            "/my/catalog/cart/line", line_id=str(reward_line.id), qty="3"
        )
        self.assertEqual(response.status_code, 404)
        product_line = cart.order_line - reward_line
        self._post("/my/catalog/cart/line", line_id=str(product_line.id), qty="4")
        self.assertEqual(cart.order_line.filtered("reward_id").price_total, -10000)
        self.assertEqual(cart.amount_total, 190000)
        # the points are reserved for the cart, spent only when it is placed
        self.assertEqual(self._points(self.partner), 150)
        self.assertFalse(cart._roms_loyalty_redeemable())
        # the points page sends the reseller to the catalogue, and does not offer
        # the cart as a quotation to spend points on
        points_page = self.url_open("/my/points")
        self.assertIn("o_roms_points_catalog", points_page.text)
        self.assertNotIn(cart.name, points_page.text)

    def test_placing_keeps_the_reward_and_spends_the_points(self):
        cart = self._fill_cart(qty=4)
        self._redeem(self.tier_5)
        response = self._post("/my/catalog/cart/place", address_id=str(self.partner.id))
        self.assertEqual(response.status_code, 303)
        self.assertEqual(cart.state, "sale")
        self.assertEqual(cart.order_line.filtered("reward_id").reward_id, self.tier_5)
        self.assertEqual(cart.amount_total, 190000)
        self.assertEqual(self._points(self.partner), 60)
        self.assertLedgerMatches(self.partner)
        # ordering the same again brings the products, not the reward, and no
        # "no longer available" warning for the reward's discount product
        self._post(f"/my/orders/{cart.id}/reorder")
        new_cart = self._cart()
        self.assertEqual(new_cart.order_line.product_id, self.product_a)
        self.assertEqual(new_cart.order_line.product_uom_qty, 4)
        page = self.url_open("/my/catalog/cart")
        self.assertNotIn("o_roms_skipped", page.text)

    def test_placed_as_a_quotation_the_points_stay_reserved(self):
        self.env["ir.config_parameter"].set_param(
            "roms_crm.portal_order_state", "quotation"
        )
        cart = self._fill_cart(qty=4)
        self._redeem(self.tier_5)
        self._post("/my/catalog/cart/place", address_id=str(self.partner.id))
        self.assertEqual(cart.state, "sent")
        self.assertTrue(cart.order_line.filtered("reward_id"))
        # a new cart cannot spend the same points again
        new_cart = self._fill_cart(qty=1)
        self._redeem(self.tier_5)
        self.assertFalse(new_cart.order_line.filtered("reward_id"))
        page = self.url_open("/my/catalog/cart")
        self.assertIn("You do not have enough points", page.text)

    def test_taking_the_reward_off_frees_the_points(self):
        cart = self._fill_cart()
        self._redeem(self.tier_5)
        reward_line = cart.order_line.filtered("reward_id")
        response = self._post("/my/catalog/cart/unredeem", line_id=str(reward_line.id))
        self.assertEqual(response.status_code, 303)
        self.assertFalse(cart.order_line.filtered("reward_id"))
        self.assertEqual(cart.amount_total, 100000)
        self.assertIn(self.tier_5, cart._roms_loyalty_redeemable())
        self.assertEqual(self._points(self.partner), 150)

    def test_too_few_points_is_a_clear_error_and_writes_nothing(self):
        cart = self._fill_cart()
        lines_before = cart.order_line
        response = self.url_open(
            "/my/catalog/cart/redeem",
            data={
                "reward_id": str(self.tier_20.id),
                "csrf_token": http.Request.csrf_token(self),
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("You do not have enough points", response.text)
        self.assertEqual(cart.order_line, lines_before)
        for bad in ("", "abc", "999999999"):
            self._post("/my/catalog/cart/redeem", reward_id=bad)
            self.assertEqual(cart.order_line, lines_before)

    def test_no_one_else_can_redeem_or_take_off(self):
        cart = self._fill_cart()
        self._redeem(self.tier_5)
        reward_line = cart.order_line.filtered("reward_id")
        # another reseller: the line of someone else's cart does not exist for them
        other_cart = self._fill_cart("roms_cart_res2")
        response = self._post("/my/catalog/cart/unredeem", line_id=str(reward_line.id))
        self.assertEqual(response.status_code, 404)
        self.assertTrue(reward_line.exists())
        # their own redemption spends their own points: they have none
        response = self._redeem(self.tier_5)
        # the reason is kept for the next page, never put in the address
        self.assertEqual(
            response.headers["Location"].split("/my/", 1)[1], "catalog/cart#roms_points"
        )
        self.assertFalse(other_cart.order_line.filtered("reward_id"))
        page = self.url_open("/my/catalog/cart")
        self.assertIn("You have no points for this reward.", page.text)
        # a customer who is no reseller has no cart pages
        self.authenticate("roms_cart_cust", "roms_cart_cust")
        self.assertEqual(self._redeem(self.tier_5).status_code, 404)
        response = self._post("/my/catalog/cart/unredeem", line_id=str(reward_line.id))
        self.assertEqual(response.status_code, 404)
        # and no visitor
        self.authenticate(None, None)
        response = self._post("/my/catalog/cart/redeem", reward_id=str(self.tier_5.id))
        self.assertNotEqual(response.status_code, 200)
        self.assertTrue(reward_line.exists())

    def test_a_reward_no_longer_covered_refuses_the_order(self):
        cart = self._fill_cart(qty=4)
        self._redeem(self.tier_5)
        # the order that earned the points is cancelled: they are taken back
        self.earning._action_cancel()
        self.assertEqual(self._points(self.partner), 0)
        response = self._post("/my/catalog/cart/place", address_id=str(self.partner.id))
        self.assertTrue(
            response.headers["Location"].endswith("/my/catalog/cart?roms_error=refused")
        )
        self.env.invalidate_all()
        self.assertEqual((cart.state, cart.roms_portal_cart), ("draft", True))
        self.assertTrue(cart.order_line.filtered("reward_id"))
        page = self.url_open("/my/catalog/cart?roms_error=refused")
        self.assertIn("Your points no longer cover", page.text)
        self.assertIn("Nothing was ordered", page.text)
        # taken off, the order goes through at the full price
        reward_line = cart.order_line.filtered("reward_id")
        self._post("/my/catalog/cart/unredeem", line_id=str(reward_line.id))
        self._post("/my/catalog/cart/place", address_id=str(self.partner.id))
        self.assertEqual(cart.state, "sale")
        self.assertEqual(cart.amount_total, 200000)
        self.assertLedgerMatches(self.partner)


@tagged("post_install", "-at_install")
class TestPortalPointsPage(HttpCase, RomsLoyaltyCase):
    """The points page as an Indonesian reseller reads it on a phone: numbers in
    the language's format, whole points, the dates of the orders, words a customer
    understands, what points are worth and whether they expire."""

    browser_size = "375x812"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("id_ID")
        cls.env["ir.module.module"]._load_module_terms(["roms_loyalty"], ["id_ID"])
        cls.portal_user = new_test_user(
            cls.env,
            "roms_points_page",
            password="roms_points_page",
            groups="base.group_portal",
            name="Rina Poin",
            lang="id_ID",
        )
        cls.partner = cls.portal_user.partner_id
        cls.partner.property_product_pricelist = cls.pricelist

    def _page(self):
        self.authenticate("roms_points_page", "roms_points_page")
        response = self.url_open("/my/points")
        self.assertEqual(response.status_code, 200)
        return html.fromstring(response.text)

    def test_numbers_dates_and_words(self):
        self.program.active = False
        with freeze_time("2026-03-02 04:00:00"):
            march = self._order(self.partner, 15000000)
        with freeze_time("2026-11-20 04:00:00"):
            self.program.active = True
            self.env["roms.loyalty.backfill"].create({}).action_backfill()
            november = self._order(self.partner, 300000)
        self.assertEqual(self._points(self.partner), 1530)
        page = self._page()
        total = page.find_class("roms_points_total")[0].text_content()
        # Indonesian thousands separator, no decimals for whole points
        self.assertEqual(total, "1.530")
        lines = page.find_class("roms_points_line")
        self.assertEqual(len(lines), 2)
        newest, oldest = lines
        self.assertIn(november.name, newest.text_content())
        self.assertEqual(
            newest.find_class("roms_points_change")[0].text_content().strip(), "+30"
        )
        # the back-filled line carries its order's date, not the day it was written
        self.assertIn(march.name, oldest.text_content())
        self.assertEqual(
            oldest.find_class("roms_points_date")[0].text_content().strip(),
            "02/03/2026",
        )
        self.assertEqual(
            oldest.find_class("roms_points_change")[0].text_content().strip(), "+1.500"
        )
        # Odoo's order page shows what the order earned, in the same format
        order_page = html.fromstring(self.url_open(march.get_portal_url()).text)
        earned = " ".join(order_page.xpath("//td[contains(., '+')]//text()"))
        self.assertIn("1.500", earned)
        self.assertNotIn("1500.0", earned)
        text = page.text_content()
        self.assertNotIn("pengisian", text)
        self.assertNotIn("back-fill", text)
        self.assertIn("Poin dari pesanan sebelumnya", oldest.text_content())
        # what points are worth and whether they expire
        worth = page.get_element_by_id("roms_points_worth").text_content()
        self.assertIn("100 poin", worth)
        self.assertIn(self.tier_5.description, worth)
        self.assertIn(
            "Poin Anda tidak kedaluwarsa.",
            page.find_class("roms_points_expiry")[0].text_content(),
        )

    def test_breadcrumbs_without_an_empty_menu_button(self):
        bar = self._page().xpath("//nav[hasclass('o_portal_navbar')]")
        self.assertEqual(len(bar), 1)
        self.assertTrue(bar[0].xpath(".//ol[hasclass('breadcrumb')]"))
        self.assertFalse(bar[0].xpath(".//button[hasclass('navbar-toggler')]"))

    def test_expiry_of_a_card_and_of_the_program(self):
        self._order(self.partner, 300000)
        self.program.date_to = "2027-01-31"
        expiry = self._page().find_class("roms_points_expiry")[0].text_content()
        self.assertIn("31/01/2027", expiry)
        self._card(self.partner).expiration_date = "2026-12-31"
        expiry = self._page().find_class("roms_points_expiry")[0].text_content()
        self.assertIn("31/12/2026", expiry)

    def test_fractional_points_keep_their_decimals(self):
        program = self._make_program(
            name="Poin Pecahan",
            rules=[
                {
                    "reward_point_mode": "money",
                    "reward_point_amount": 2.5,
                    "roms_per_amount": 100000,
                    "minimum_qty": 0,
                }
            ],
        )
        self.assertFalse(program._roms_gives_whole_points())
        self.assertTrue(self.program._roms_gives_whole_points())
        fmt = program.with_context(lang="id_ID")._roms_format_points
        self.assertEqual(fmt(1234.5), "1.234,50")
        self.assertEqual(
            self.program.with_context(lang="id_ID")._roms_format_points(1234), "1.234"
        )

    def test_ledger_fits_a_phone_without_sideways_scrolling(self):
        # long order descriptions and big numbers: the ledger must still wrap
        for amount in (99900000, 300000, 1200000):
            self._order(self.partner, amount)
        self._give_points(self.partner, 1234567)
        self.start_tour(
            "/my/points", "roms_loyalty_points_phone", login="roms_points_page"
        )
