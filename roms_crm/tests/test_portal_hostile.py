"""A logged-in reseller attacks the portal as an HTTP client: other customers'
ids, ids beyond any table, pages far past the end, forms without their CSRF
token, replayed posts. Each answer reveals nothing and writes nothing; the server
never answers 500 (an error logged by the server fails the test)."""

import re

from odoo.tests import tagged

from .common import make_order
from .test_reseller_portal import ResellerPortalCommon

HUGE_ID = 10**20


@tagged("post_install", "-at_install")
class TestPortalHostile(ResellerPortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # another reseller's delivered and shipped orders
        cls.theirs = make_order(
            cls.env, cls.reseller2, cls.coffee, 2, stage="delivered"
        )
        cls.theirs_shipped = make_order(
            cls.env, cls.reseller2, cls.coffee, 1, stage="shipped"
        )
        cls.refund = (
            cls.env["roms.refund.request"]
            .sudo()
            .create(
                {
                    "order_id": cls.theirs.id,
                    "reason": "Pecah",
                    "line_ids": [
                        (
                            0,
                            0,
                            {"sale_line_id": cls.theirs.order_line.id, "quantity": 1},
                        )
                    ],
                }
            )
        )
        cls.missing_id = (
            cls.env["sale.order"].search([], order="id desc", limit=1).id + 1000
        )

    def setUp(self):
        super().setUp()
        self.authenticate("roms_res1", "roms_res1")

    def _state(self):
        return (
            self.env["roms.refund.request"].sudo().search_count([]),
            self.env["roms.product.review"].sudo().search_count([]),
            self.env["roms.payment.confirmation"].sudo().search_count([]),
            self.theirs_shipped.roms_stage,
            self._counts(),
        )

    def _answer(self, response):
        """What the client learns: status, final address (the order's id taken
        out) and whether the page names the other reseller."""
        url = re.sub(r"/my/orders/[0-9]+", "/my/orders/ID", response.url)
        return response.status_code, url, self.reseller2.name in response.text

    def test_other_customers_orders_answer_as_missing_ones(self):
        before = self._state()
        forms = {
            "refund": {f"qty_{self.theirs.order_line.id}": "1", "reason": "Pecah"},
            "review": {
                "product_id": str(self.coffee.product_tmpl_id.id),
                "rating": "5",
                "text": "Enak",
            },
            "payment_confirmation": {
                "bank": "BCA",
                "amount": "200000",
                "paid_on": "2026-12-01",
            },
            "roms_received": {},
            "reorder": {},
        }
        for action, form in forms.items():
            answers = {}
            for label, order_id in (
                (
                    "theirs",
                    self.theirs_shipped.id
                    if action == "roms_received"
                    else self.theirs.id,
                ),
                ("missing", self.missing_id),
                ("huge", HUGE_ID),
            ):
                response = self._post(f"/my/orders/{order_id}/{action}", **form)
                self.assertLess(response.status_code, 500, (action, label))
                answers[label] = self._answer(response)
            with self.subTest(action=action):
                self.assertEqual(answers["theirs"], answers["missing"])
                self.assertEqual(answers["theirs"], answers["huge"])
                self.assertFalse(answers["theirs"][2])
        for label, order_id in (
            ("theirs", self.theirs.id),
            ("missing", self.missing_id),
        ):
            response = self.url_open(f"/my/orders/{order_id}")
            self.assertEqual(
                self._answer(response), (200, self.base_url() + "/my", False), label
            )
        self.assertEqual(self._state(), before)

    def test_pages_far_past_the_end(self):
        for path in (
            "/my/catalog/page/",
            "/my/refunds/page/",
            "/my/orders/page/",
            "/my/quotes/page/",
        ):
            for page in ("0", "999999", str(HUGE_ID)):
                with self.subTest(path=path, page=page):
                    response = self.url_open(path + page)
                    self.assertIn(response.status_code, (200, 404))

    def test_forms_without_their_csrf_token_write_nothing(self):
        before = self._state()
        for token in (None, "", "0" * 40, "x" * 100000):
            data = {f"qty_{self.coffee.id}": "1"}
            if token is not None:
                data["csrf_token"] = token
            with self.subTest(token=(token or "")[:10]):
                response = self.url_open("/my/catalog/cart/add", data=data)
                self.assertEqual(response.status_code, 400)
        self.assertFalse(self._cart(self.reseller))
        self.assertEqual(self._state(), before)

    def test_placing_the_cart_twice_orders_once(self):
        self._post("/my/catalog/cart/add", **{f"qty_{self.coffee.id}": "2"})
        cart = self._cart(self.reseller)
        self.assertTrue(cart)
        form = {"address_id": str(self.reseller.id)}
        response = self._post("/my/catalog/cart/place", **form)
        self.assertEqual(response.status_code, 200)
        orders = self._counts()
        response = self._post("/my/catalog/cart/place", **form)
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self._counts(), orders)
        self.assertEqual(cart.state, "sale")
        self.assertEqual(cart.order_line.product_uom_qty, 2)

    def test_cart_fields_cannot_set_a_price_or_discount(self):
        self._post(
            "/my/catalog/cart/add",
            **{
                f"qty_{self.coffee.id}": "1",
                f"price_{self.coffee.id}": "1",
                "price_unit": "1",
                "discount": "100",
                "pricelist_id": "1",
            },
        )
        line = self._cart(self.reseller).order_line
        # the reseller's 10 % off the list price, whatever the form said
        self.assertEqual(line.price_unit, 90000)
        self.assertFalse(line.discount)
        self._post(
            "/my/catalog/cart/line",
            line_id=str(line.id),
            qty="1",
            price_unit="1",
            discount="100",
        )
        self.assertEqual((line.price_unit, line.discount), (90000, 0))

    def test_unsubscribe_tokens_of_huge_ids(self):
        token = self.reseller._roms_unsubscribe_token()
        for path in (
            f"/roms/unsubscribe/{HUGE_ID}/{token}",
            f"/roms/unsubscribe/{self.reseller2.id}/{token}",
        ):
            self.assertEqual(self.url_open(path).status_code, 404, path)
            self.assertEqual(self.url_open(path, data={"x": "1"}).status_code, 404)
        self.assertFalse(self.reseller2.roms_opt_out)
