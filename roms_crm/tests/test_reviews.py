from psycopg2 import IntegrityError

from odoo import Command, http
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.roms_crm.tests.common import make_order


class ReviewCommon:
    @classmethod
    def _setup_review_data(cls):
        Product = cls.env["product.product"].sudo()
        cls.product = Product.create(
            {"name": "Kopi Ulasan", "list_price": 50000, "taxes_id": [Command.clear()]}
        )
        cls.other_product = Product.create(
            {"name": "Gula Ulasan", "list_price": 20000, "taxes_id": [Command.clear()]}
        )
        cls.customer = (
            cls.env["res.partner"]
            .sudo()
            .create({"name": "Sari Ulasan", "roms_category": "customer"})
        )

    @classmethod
    def _order(cls, partner, product=None, stage="processed"):
        return make_order(cls.env, partner, product or cls.product, stage=stage)


@tagged("post_install", "-at_install")
class TestProductReview(ReviewCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_review_data()
        cls.admin = new_test_user(
            cls.env, "roms_admin_review", groups="roms_crm.group_roms_admin"
        )
        cls.cs_user = new_test_user(
            cls.env, "roms_cs_review", groups="roms_crm.group_roms_cs"
        )
        cls.other_customer = (
            cls.env["res.partner"]
            .sudo()
            .create({"name": "Budi Ulasan", "roms_category": "customer"})
        )
        cls.Review = cls.env["roms.product.review"].with_user(cls.admin)

    def _review(self, partner=None, rating=5, **vals):
        return self.Review.create(
            {
                "product_tmpl_id": self.product.product_tmpl_id.id,
                "partner_id": (partner or self.customer).id,
                "rating": rating,
                "text": "Enak",
                **vals,
            }
        )

    def test_manual_review_and_moderation(self):
        review = self._review(rating=4)
        self.assertEqual(review.state, "pending")
        self.assertEqual(review.source, "manual")
        self.assertEqual(review.display_name, "Kopi Ulasan – Sari Ulasan")
        review.action_publish()
        self.assertEqual(review.state, "published")
        review.action_reject()
        self.assertEqual(review.state, "rejected")
        review.action_reset_pending()
        self.assertEqual(review.state, "pending")

    def test_rating_between_1_and_5(self):
        for rating in (0, 6, -1):
            with self.assertRaises(ValidationError):
                self._review(rating=rating)
        review = self._review(rating=1)
        with self.assertRaises(ValidationError):
            review.rating = 7

    def test_one_review_per_product_and_customer(self):
        self._review()
        # another customer, or another product, is fine
        self._review(partner=self.other_customer)
        self.Review.create(
            {
                "product_tmpl_id": self.other_product.product_tmpl_id.id,
                "partner_id": self.customer.id,
                "rating": 3,
            }
        )
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self._review(rating=2)

    def test_product_average_counts_published_only(self):
        template = self.product.product_tmpl_id
        self.assertEqual(template.roms_review_count, 0)
        self.assertEqual(template.roms_rating_avg, 0)
        first = self._review(rating=5)
        second = self._review(partner=self.other_customer, rating=2)
        template.invalidate_recordset()
        self.assertEqual(template.roms_review_count, 0)
        (first | second).action_publish()
        template.invalidate_recordset()
        self.assertEqual(template.roms_review_count, 2)
        self.assertAlmostEqual(template.roms_rating_avg, 3.5)
        second.action_reject()
        template.invalidate_recordset()
        self.assertEqual(template.roms_review_count, 1)
        self.assertAlmostEqual(template.roms_rating_avg, 5)
        action = template.with_user(self.admin).action_roms_reviews()
        self.assertEqual(action["res_model"], "roms.product.review")
        self.assertEqual(
            self.env["roms.product.review"].search(action["domain"]), first | second
        )

    def test_cs_reads_but_does_not_moderate(self):
        review = self._review()
        as_cs = review.with_user(self.cs_user)
        self.assertEqual(as_cs.rating, 5)
        with self.assertRaises(AccessError):
            as_cs.action_publish()
        with self.assertRaises(AccessError):
            self.env["roms.product.review"].with_user(self.cs_user).create(
                {
                    "product_tmpl_id": self.product.product_tmpl_id.id,
                    "partner_id": self.other_customer.id,
                    "rating": 4,
                }
            )

    def test_rating_sync_hook_without_website_sale(self):
        review = self._review()
        review.action_publish()
        if "rating_ids" in self.env["product.template"]._fields:
            rating = self.env["rating.rating"].search(
                [
                    ("res_model", "=", "product.template"),
                    ("res_id", "=", self.product.product_tmpl_id.id),
                ]
            )
            self.assertEqual(rating.rating, 5)
        else:
            # ROMS alone: the hook has nothing to mirror to
            self.assertFalse(review._sync_rating())


@tagged("post_install", "-at_install")
class TestReviewPortal(ReviewCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_review_data()
        cls.portal_user = new_test_user(
            cls.env, "roms_portal_review", groups="base.group_portal"
        )
        cls.portal_user.partner_id.roms_category = "customer"
        cls.delivered = cls._order(cls.portal_user.partner_id, stage="delivered")
        cls.processed = cls._order(
            cls.portal_user.partner_id, product=cls.other_product
        )
        cls.foreign = cls._order(cls.customer, stage="delivered")
        cls.Review = cls.env["roms.product.review"].sudo()

    def setUp(self):
        super().setUp()
        self.authenticate("roms_portal_review", "roms_portal_review")

    def _post(self, order, product, token=None, **data):
        return self.url_open(
            f"/my/orders/{order.id}/review",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "access_token": token or "",
                "product_id": product.product_tmpl_id.id,
                **data,
            },
        )

    def test_customer_reviews_delivered_product(self):
        page = self.url_open(f"/my/orders/{self.delivered.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Send review", page.text)
        response = self._post(self.delivered, self.product, rating="4", text=" Mantap ")
        self.assertEqual(response.status_code, 200)
        self.assertIn("review_sent=1", response.url)
        review = self.Review.search(
            [("partner_id", "=", self.portal_user.partner_id.id)]
        )
        self.assertEqual(len(review), 1)
        self.assertRecordValues(
            review,
            [
                {
                    "product_tmpl_id": self.product.product_tmpl_id.id,
                    "rating": 4,
                    "text": "Mantap",
                    "state": "pending",
                    "source": "portal",
                    "order_id": self.delivered.id,
                }
            ],
        )
        # pending reviews do not count yet
        self.assertEqual(self.product.product_tmpl_id.roms_review_count, 0)
        # a second review of the same product is refused
        response = self._post(self.delivered, self.product, rating="5")
        self.assertIn("review_error=duplicate", response.url)
        self.assertEqual(
            self.Review.search_count(
                [("partner_id", "=", self.portal_user.partner_id.id)]
            ),
            1,
        )

    def test_refused_without_delivered_order(self):
        page = self.url_open(f"/my/orders/{self.processed.id}")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("Send review", page.text)
        response = self._post(self.processed, self.other_product, rating="5")
        self.assertIn("review_error=order", response.url)
        # a product not in the delivered order
        response = self._post(self.delivered, self.other_product, rating="5")
        self.assertIn("review_error=product", response.url)
        # someone else's order
        response = self._post(self.foreign, self.product, rating="5")
        self.assertTrue(response.url.endswith("/my"), response.url)
        self.assertFalse(self.Review.search([]))

    def test_invalid_rating_writes_nothing(self):
        for rating in ("", "0", "6", "abc"):
            response = self._post(self.delivered, self.product, rating=rating)
            self.assertIn("review_error=rating", response.url)
        response = self._post(self.delivered, self.product, rating="5", text="x" * 2001)
        self.assertIn("review_error=text", response.url)
        self.assertIn("Your review is too long", response.text)
        self.assertFalse(self.Review.search([]))

    def test_visitor_reviews_with_the_order_token(self):
        """The review request's link: the order's page signed with its access
        token lets a customer without a login review that order's products, as
        the order's customer, and nothing else."""
        self.authenticate(None, None)
        order = self.foreign
        url = order._roms_portal_url("roms_reviews")
        self.env.flush_all()
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Send review", page.text)
        # no token, a wrong token, the token of another order: nothing written
        for token in ("", "x" * 36, self.delivered.sudo()._portal_ensure_token()):
            self.env.flush_all()
            self._post(order, self.product, token=token, rating="5")
        self.assertFalse(self.Review.search([]))
        # a token of an order not delivered yet: refused
        token = self.processed.sudo()._portal_ensure_token()
        self.env.flush_all()
        response = self._post(
            self.processed, self.other_product, token=token, rating="5"
        )
        self.assertIn("review_error=order", response.url)
        self.assertFalse(self.Review.search([]))
        response = self._post(
            order, self.product, token=order.access_token, rating="5", text="Enak"
        )
        self.assertIn("review_sent=1", response.url)
        review = self.Review.search([])
        self.assertEqual((review.partner_id, review.order_id), (self.customer, order))
