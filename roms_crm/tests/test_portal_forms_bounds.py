"""Hostile values in every portal form: never a 500, nothing written, a message
on the page instead."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo import Command, http
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .test_refund_request import RefundCommon
from .test_reseller_portal import ResellerPortalCommon
from .test_reviews import ReviewCommon

HOSTILE_QUANTITIES = [
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "1e400",
    "1e30",
    "-1",
    "0.001",  # below the unit's smallest step
    "1e-9",
    "½",
    "²",
    "1,5.3",
    "0x10",
    "1" * 5000,
    "\x00",
]


@tagged("post_install", "-at_install")
class TestPortalFormBounds(RefundCommon, ReviewCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_refund_data()
        refund_product = cls.product
        cls._setup_review_data()
        cls.review_product = cls.product
        cls.product = refund_product
        cls.portal_user = new_test_user(
            cls.env, "roms_portal_bounds", groups="base.group_portal"
        )
        cls.portal_user.partner_id.roms_category = "customer"
        cls.delivered = RefundCommon._order.__func__(
            cls, cls.portal_user.partner_id, stage="delivered"
        )
        cls.reviewed = ReviewCommon._order.__func__(
            cls, cls.portal_user.partner_id, cls.review_product, stage="delivered"
        )
        cls.Refund = cls.env["roms.refund.request"].sudo()
        cls.Review = cls.env["roms.product.review"].sudo()

    def setUp(self):
        super().setUp()
        self.authenticate("roms_portal_bounds", "roms_portal_bounds")

    def _post(self, url, **data):
        return self.url_open(
            url, data={"csrf_token": http.Request.csrf_token(self), **data}
        )

    def _refund(self, **data):
        return self._post(f"/my/orders/{self.delivered.id}/refund", **data)

    def _review(self, **data):
        return self._post(f"/my/orders/{self.reviewed.id}/review", **data)

    def test_refund_quantity_nan_inf_and_fractions_are_form_errors(self):
        line = self.delivered.order_line
        for raw in HOSTILE_QUANTITIES:
            with self.subTest(quantity=raw[:20]):
                response = self._refund(reason="Rusak", **{f"qty_{line.id}": raw})
                self.assertEqual(response.status_code, 200)
                self.assertIn("refund_error=quantity", response.url)
        self.assertFalse(self.Refund.search([("order_id", "=", self.delivered.id)]))

    def test_refund_reason_is_bounded(self):
        line = self.delivered.order_line
        response = self._refund(reason="x" * 2001, **{f"qty_{line.id}": "1"})
        self.assertIn("refund_error=reason_length", response.url)
        self.assertIn("too long", response.text)
        response = self._refund(reason="\x00\x01 \x7f", **{f"qty_{line.id}": "1"})
        self.assertIn("refund_error=reason", response.url)
        self.assertFalse(self.Refund.search([("order_id", "=", self.delivered.id)]))
        response = self._refund(
            reason="Kemasan\x00 rusak\r\nparah", **{f"qty_{line.id}": "1"}
        )
        self.assertIn("refund_sent=1", response.url)
        refund = self.Refund.search([("order_id", "=", self.delivered.id)])
        self.assertEqual(refund.reason, "Kemasan rusak\r\nparah")

    def test_refund_reason_and_review_text_are_bounded_over_rpc_too(self):
        with self.assertRaises(ValidationError):
            self.Refund.create(
                {
                    "order_id": self.delivered.id,
                    "reason": "x" * 2001,
                    "line_ids": [
                        Command.create(
                            {
                                "sale_line_id": self.delivered.order_line.id,
                                "quantity": 1,
                            }
                        )
                    ],
                }
            )
        with self.assertRaises(ValidationError):
            self.Review.create(
                {
                    "product_tmpl_id": self.review_product.product_tmpl_id.id,
                    "partner_id": self.portal_user.partner_id.id,
                    "rating": 5,
                    "text": "y" * 2001,
                }
            )

    def test_review_text_and_ids_are_bounded(self):
        template = self.review_product.product_tmpl_id
        response = self._review(product_id=template.id, rating="5", text="z" * 2001)
        self.assertIn("review_error=text", response.url)
        for product_id in ("99999999999999999999", "²", "1e3", "-1"):
            with self.subTest(product_id=product_id):
                response = self._review(product_id=product_id, rating="5", text="ok")
                self.assertEqual(response.status_code, 200)
                self.assertIn("review_error=product", response.url)
        for rating in ("nan", "inf", "1e400", "9" * 5000):
            with self.subTest(rating=rating[:10]):
                response = self._review(product_id=template.id, rating=rating)
                self.assertEqual(response.status_code, 200)
                self.assertIn("review_error=rating", response.url)
        self.assertFalse(self.Review.search([("order_id", "=", self.reviewed.id)]))
        response = self._review(
            product_id=template.id, rating="4", text="Enak\x00 sekali\x1b"
        )
        self.assertIn("review_sent=1", response.url)
        review = self.Review.search([("order_id", "=", self.reviewed.id)])
        self.assertEqual(review.text, "Enak sekali")

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        derandomize=True,
    )
    @given(
        quantity=st.one_of(
            st.sampled_from(HOSTILE_QUANTITIES),
            st.text(max_size=30),
            st.floats().map(repr),
        ),
        reason=st.text(max_size=2500),
    )
    def test_any_refund_form_never_fails(self, quantity, reason):
        line = self.delivered.order_line
        with mute_logger("odoo.http"):
            response = self._refund(reason=reason, **{f"qty_{line.id}": quantity})
        self.assertLess(response.status_code, 500, (quantity, reason[:40]))
        for refund in self.Refund.search([("order_id", "=", self.delivered.id)]):
            self.assertLessEqual(len(refund.reason), 2000)
            self.assertGreater(refund.line_ids.quantity, 0)
            self.assertTrue(float(refund.line_ids.quantity).is_integer())


@tagged("post_install", "-at_install")
class TestResellerFormBounds(ResellerPortalCommon):
    def setUp(self):
        super().setUp()
        self.authenticate("roms_res1", "roms_res1")

    def test_cart_quantities_are_bounded(self):
        before = self._counts()
        for raw in [*HOSTILE_QUANTITIES, "100001"]:
            with self.subTest(quantity=raw[:20]):
                response = self._post(
                    "/my/catalog/cart/add", **{f"qty_{self.coffee.id}": raw}
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn("roms_error=quantity", response.url)
        self.assertEqual(self._counts(), before)
        response = self._post("/my/catalog/cart/add", **{f"qty_{self.coffee.id}": "2"})
        self.assertIn("roms_added=1", response.url)
        line = self._cart(self.reseller).order_line
        for raw in HOSTILE_QUANTITIES:
            with self.subTest(line_quantity=raw[:20]):
                response = self._post(
                    "/my/catalog/cart/line", line_id=str(line.id), qty=raw
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn("roms_error=quantity", response.url)
        self.assertEqual(line.product_uom_qty, 2)

    def test_ids_beyond_the_database_range_are_not_found(self):
        for category in ("99999999999999999999", "²"):
            response = self.url_open(f"/my/catalog?category={category}")
            self.assertEqual(response.status_code, 200)
        self._post("/my/catalog/cart/add", **{f"qty_{self.coffee.id}": "1"})
        response = self._post("/my/catalog/cart/line", line_id="²", qty="1")
        self.assertEqual(response.status_code, 404)
        response = self._post("/my/catalog/cart/add", qty_99999999999999999999="1")
        self.assertEqual(response.status_code, 404)
        response = self._post(
            "/my/catalog/cart/line", line_id="99999999999999999999", qty="1"
        )
        self.assertEqual(response.status_code, 404)

    def test_note_is_bounded(self):
        self._post("/my/catalog/cart/add", **{f"qty_{self.coffee.id}": "1"})
        response = self._post(
            "/my/catalog/cart/place",
            address_id=str(self.reseller.id),
            note="n" * 2001,
        )
        self.assertIn("roms_error=note", response.url)
        self.assertTrue(self._cart(self.reseller))
