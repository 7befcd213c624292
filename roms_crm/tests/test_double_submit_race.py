"""The same portal form sent twice at the same time (a double tap on a phone, a
request retried by a proxy, a customer and an agent at once): two refund
requests never claim more than was ordered, one transfer is one confirmation,
one review is one review."""

import io
from datetime import timedelta

import psycopg2.errors
from PIL import Image

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from ..models.payment.roms_payment_confirmation import RomsPaymentError
from .common import CommittedCursorsMixin, make_order


@tagged("post_install", "-at_install", "roms_isolated")
class TestDoubleSubmitRace(CommittedCursorsMixin, TransactionCase):
    """The data is committed (the other transaction must see it) and removed at
    the end."""

    def _setup_committed(self, order_count=1):
        cr = self._cursor()
        env = self._env(cr)
        product = env["product.product"].create(
            {"name": "Kopi Balapan Refund", "list_price": 50000, "taxes_id": False}
        )
        partner = env["res.partner"].create(
            {"name": "Pembeli Balapan Refund", "roms_category": "customer"}
        )
        orders = [
            make_order(env, partner, product, 4, 50000, "delivered")
            for _index in range(order_count)
        ]
        # other transactions must see the data: a real commit, undone in _cleanup
        cr.commit()  # pylint: disable=invalid-commit
        ids = {
            "product": product.id,
            "partner": partner.id,
            "order": orders[0].id,
            "orders": [order.id for order in orders],
        }
        self.addCleanup(self._cleanup, ids)
        return ids

    def _cleanup(self, ids):
        with db_connect(self.env.cr.dbname).cursor() as cr:
            env = self._env(cr)
            order = env["sale.order"].browse(ids["orders"])
            env["roms.refund.request"].search([("order_id", "in", order.ids)]).unlink()
            env["roms.payment.confirmation"].search(
                [("order_id", "in", order.ids)]
            ).unlink()
            env["roms.product.review"].search(
                [("partner_id", "=", ids["partner"])]
            ).unlink()
            env["roms.order.stage.history"].search(
                [("order_id", "in", order.ids)]
            ).unlink()
            moves = order.picking_ids.move_ids
            moves.move_line_ids.unlink()
            moves.write({"state": "draft"})
            moves.unlink()
            order.picking_ids.unlink()
            order.write({"state": "cancel"})
            order.unlink()
            if "loyalty.card" in env:
                # the points roms_loyalty gave for the order, ledger included
                # (its lines go with their card)
                env["loyalty.card"].search(
                    [("partner_id", "=", ids["partner"])]
                ).unlink()
            env["product.product"].browse(ids["product"]).unlink()
            env["res.partner"].browse(ids["partner"]).unlink()
            # pylint: disable-next=invalid-commit
            cr.commit()

    def _request(self, env, ids, qty):
        order = env["sale.order"].browse(ids["order"])
        return env["roms.refund.request"].create(
            {
                "order_id": order.id,
                "reason": "Pecah",
                "source": "portal",
                "line_ids": [
                    Command.create(
                        {"sale_line_id": order.order_line[0].id, "quantity": qty}
                    )
                ],
            }
        )

    def test_two_requests_at_once_claim_the_goods_once(self):
        ids = self._setup_committed()
        cr1, cr2 = self._cursor(), self._cursor()
        env1, env2 = self._env(cr1), self._env(cr2)
        # both transactions are running and see all 4 pieces refundable
        for env in (env1, env2):
            line = env["sale.order"].browse(ids["order"]).order_line
            self.assertEqual(line.roms_refundable_qty, 4)
        self._request(env1, ids, 4)
        cr1.commit()
        # expected, and retried by Odoo: no "bad query" ERROR in the log
        with (
            self.assertNoLogs("odoo.sql_db", "ERROR"),
            self.assertRaises(psycopg2.errors.SerializationFailure),
        ):
            self._request(env2, ids, 3)
            env2.flush_all()
        cr2.rollback()
        env2.invalidate_all()
        # Odoo retries the request: now the pieces are claimed
        with self.assertRaises(ValidationError):
            self._request(env2, ids, 3)
        cr2.rollback()
        env2.invalidate_all()
        requests = env2["roms.refund.request"].search([("order_id", "=", ids["order"])])
        self.assertEqual(sum(requests.line_ids.mapped("quantity")), 4)

    def _confirm_transfer(self, env, ids):
        buffer = io.BytesIO()
        Image.new("RGB", (4, 4), "blue").save(buffer, format="PNG")
        yesterday = fields.Date.today() - timedelta(days=1)
        return env["roms.payment.confirmation"]._from_form(
            env["sale.order"].browse(ids["order"]),
            "BCA a.n. Pembeli",
            "200000",
            fields.Date.to_string(yesterday),
            buffer.getvalue(),
            "bukti.png",
            "portal",
        )

    def test_the_same_transfer_twice_at_once_is_kept_once(self):
        ids = self._setup_committed()
        cr1, cr2 = self._cursor(), self._cursor()
        env1, env2 = self._env(cr1), self._env(cr2)
        for env in (env1, env2):
            order = env["sale.order"].browse(ids["order"])
            self.assertFalse(order.sudo().roms_payment_confirmation_ids)
        self._confirm_transfer(env1, ids)
        cr1.commit()
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.SerializationFailure),
        ):
            self._confirm_transfer(env2, ids)
            env2.flush_all()
        cr2.rollback()
        env2.invalidate_all()
        # Odoo retries the request: the transfer is known
        with self.assertRaises(RomsPaymentError) as caught:
            self._confirm_transfer(env2, ids)
        self.assertEqual(caught.exception.code, "duplicate")
        cr2.rollback()
        env2.invalidate_all()
        confirmations = env2["roms.payment.confirmation"].search(
            [("order_id", "=", ids["order"])]
        )
        self.assertEqual(len(confirmations), 1)

    def _review(self, env, ids, order_id=None):
        order = env["sale.order"].browse(order_id or ids["order"])
        return env["roms.product.review"]._create_from_portal(
            order,
            {
                "product_tmpl_id": order.order_line.product_id.product_tmpl_id.id,
                "partner_id": ids["partner"],
                "rating": 5,
                "text": "Enak",
                "order_id": order.id,
                "source": "portal",
                "state": "pending",
            },
        )

    def test_the_same_review_twice_at_once_is_kept_once(self):
        ids = self._setup_committed()
        cr1, cr2 = self._cursor(), self._cursor()
        env1, env2 = self._env(cr1), self._env(cr2)
        for env in (env1, env2):
            self.assertFalse(
                env["roms.product.review"].search([("partner_id", "=", ids["partner"])])
            )
        self._review(env1, ids)
        cr1.commit()
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.SerializationFailure),
        ):
            self._review(env2, ids)
            env2.flush_all()
        cr2.rollback()
        env2.invalidate_all()
        # Odoo retries the request: the review is there (no unique violation,
        # which would answer 400 with a database message)
        with self.assertRaises(UserError):
            self._review(env2, ids)
        cr2.rollback()
        env2.invalidate_all()
        reviews = env2["roms.product.review"].search(
            [("partner_id", "=", ids["partner"])]
        )
        self.assertEqual(len(reviews), 1)

    def test_one_product_from_two_orders_at_once_is_reviewed_once(self):
        """The customer reviews the product from the pages of two orders at
        once: the second request waits for the first one, Odoo retries it and
        it reads "already reviewed" (it answered 400 with the database's
        unique-constraint message)."""
        ids = self._setup_committed(order_count=2)
        first, second = ids["orders"]
        cr1, cr2 = self._cursor(), self._cursor()
        env1, env2 = self._env(cr1), self._env(cr2)
        for env in (env1, env2):
            self.assertFalse(
                env["roms.product.review"].search([("partner_id", "=", ids["partner"])])
            )
        self._review(env1, ids, first)
        cr1.commit()
        # expected, and retried by Odoo: no "bad query" ERROR in the log
        with (
            self.assertNoLogs("odoo.sql_db", "ERROR"),
            self.assertRaises(psycopg2.errors.SerializationFailure),
        ):
            self._review(env2, ids, second)
            env2.flush_all()
        cr2.rollback()
        env2.invalidate_all()
        with self.assertRaises(UserError):
            self._review(env2, ids, second)
        cr2.rollback()
        env2.invalidate_all()
        reviews = env2["roms.product.review"].search(
            [("partner_id", "=", ids["partner"])]
        )
        self.assertEqual(len(reviews), 1)
        self.assertEqual(reviews.order_id.id, first)

    def _setup_reseller(self):
        """A committed reseller and two products (removed at the end)."""
        cr = self._cursor()
        env = self._env(cr)
        products = env["product.product"].create(
            [
                {
                    "name": "Kopi Balapan Keranjang",
                    "list_price": 50000,
                    "type": "consu",
                },
                {
                    "name": "Gula Balapan Keranjang",
                    "list_price": 20000,
                    "type": "consu",
                },
            ]
        )
        reseller = env["res.partner"].create(
            {"name": "Reseller Balapan Keranjang", "roms_category": "reseller"}
        )
        cr.commit()  # pylint: disable=invalid-commit
        ids = {"products": products.ids, "reseller": reseller.id}
        self.addCleanup(self._cleanup_reseller, ids)
        return ids

    def _cleanup_reseller(self, ids):
        with db_connect(self.env.cr.dbname).cursor() as cr:
            env = self._env(cr)
            env["sale.order"].search([("partner_id", "=", ids["reseller"])]).unlink()
            env["product.product"].browse(ids["products"]).unlink()
            env["res.partner"].browse(ids["reseller"]).unlink()
            # pylint: disable-next=invalid-commit
            cr.commit()

    def _add_to_cart(self, env, ids, index):
        reseller = env["res.partner"].browse(ids["reseller"])
        product = env["product.product"].browse(ids["products"][index])
        return reseller._roms_reseller_cart(create=True)._roms_cart_add(
            {product: 1}, check_stock=False
        )

    def test_first_add_to_cart_twice_at_once_makes_one_cart(self):
        """The reseller's first "add to cart" from two tabs at once (or a double
        tap): the second request waits for the first one, Odoo retries it and it
        adds its product to the first one's cart (it failed on the unique index
        of the open carts, a 500 for the reseller)."""
        ids = self._setup_reseller()
        cr1, cr2 = self._cursor(), self._cursor()
        env1, env2 = self._env(cr1), self._env(cr2)
        for env in (env1, env2):
            self.assertFalse(
                env["res.partner"].browse(ids["reseller"])._roms_reseller_cart()
            )
        self._add_to_cart(env1, ids, 0)
        cr1.commit()
        # expected, and retried by Odoo: no "bad query" ERROR in the log
        with (
            self.assertNoLogs("odoo.sql_db", "ERROR"),
            self.assertRaises(psycopg2.errors.SerializationFailure),
        ):
            self._add_to_cart(env2, ids, 1)
            env2.flush_all()
        cr2.rollback()
        env2.invalidate_all()
        # Odoo retries the request: it finds the first one's cart
        self._add_to_cart(env2, ids, 1)
        cr2.commit()
        carts = env2["sale.order"].search(
            [("partner_id", "=", ids["reseller"]), ("roms_portal_cart", "=", True)]
        )
        self.assertEqual(len(carts), 1)
        self.assertEqual(
            sorted(carts._roms_product_lines().product_id.ids), sorted(ids["products"])
        )
