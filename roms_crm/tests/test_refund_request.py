from odoo import Command, http
from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

from odoo.addons.roms_crm.tests.common import make_order


class RefundCommon:
    @classmethod
    def _setup_refund_data(cls):
        cls.product = (
            cls.env["product.product"]
            .sudo()
            .create(
                {
                    "name": "Kopi Refund",
                    "list_price": 50000,
                    "taxes_id": [Command.clear()],
                }
            )
        )
        cls.customer = (
            cls.env["res.partner"]
            .sudo()
            .create({"name": "Sari Refund", "roms_category": "customer"})
        )

    @classmethod
    def _order(cls, partner, qty=4, price=50000, stage="processed"):
        return make_order(cls.env, partner, cls.product, qty, price, stage)


@tagged("post_install", "-at_install")
class TestRefundRequest(RefundCommon, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cs_user = new_test_user(
            cls.env, "roms_cs_refund", groups="roms_crm.group_roms_cs"
        )
        cls._setup_refund_data()
        cls.order = cls._order(cls.customer)
        cls.env = cls.env(user=cls.cs_user)
        cls.Refund = cls.env["roms.refund.request"]

    def _refund(self, qty=1, order=None, **vals):
        order = order or self.order
        return self.Refund.create(
            {
                "order_id": order.id,
                "reason": "Broken",
                "line_ids": [
                    Command.create(
                        {"sale_line_id": order.order_line[0].id, "quantity": qty}
                    )
                ],
                **vals,
            }
        )

    def test_refund_count_follows_the_requests(self):
        """Read before and after a request in one transaction: the count depends
        on the requests, it is not a value cached for the transaction."""
        self.assertEqual(self.order.roms_refund_count, 0)
        refund = self._refund(qty=1)
        self.assertEqual(self.order.roms_refund_count, 1)
        refund.sudo().unlink()  # an administrator's right
        self.assertEqual(self.order.roms_refund_count, 0)

    def test_defaults_and_amount(self):
        refund = self._refund(qty=2)
        self.assertRegex(refund.name, r"^RF/\d{4}$")
        self.assertEqual(refund.state, "requested")
        self.assertEqual(refund.partner_id, self.customer)
        self.assertEqual(refund.requested_by_id, self.cs_user)
        self.assertEqual(refund.source, "backend")
        self.assertEqual(refund.amount, 100000)
        # a smaller amount is fine, a larger one is not
        refund.amount = 60000
        with self.assertRaises(ValidationError):
            refund.amount = 100001
        with self.assertRaises(ValidationError):
            refund.amount = 0
        self.assertEqual(self.order.roms_refund_count, 1)

    def test_amount_bounds_over_requests(self):
        with self.assertRaises(ValidationError):
            self._refund(qty=5)
        with self.assertRaises(ValidationError):
            self._refund(qty=0)
        first = self._refund(qty=3)
        with self.assertRaises(ValidationError):
            self._refund(qty=2)
        # a rejected request frees its quantity, reopening it checks again
        first.action_reject()
        second = self._refund(qty=2)
        with self.assertRaises(ValidationError):
            first.action_reset()
        second.action_reject()
        first.action_reset()
        self.assertEqual(first.state, "requested")
        self.assertEqual(self.order.order_line.roms_refundable_qty, 1)

    def test_confirmed_orders_only(self):
        quotation = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create({"product_id": self.product.id, "price_unit": 1})
                ],
            }
        )
        with self.assertRaises(ValidationError):
            self._refund(order=quotation)
        other = self._order(self.customer)
        with self.assertRaises(ValidationError):
            self.Refund.create(
                {
                    "order_id": self.order.id,
                    "reason": "Wrong line",
                    "line_ids": [
                        Command.create(
                            {"sale_line_id": other.order_line.id, "quantity": 1}
                        )
                    ],
                }
            )

    def test_transitions(self):
        refund = self._refund()
        with self.assertRaises(UserError):
            refund.action_mark_refunded()
        refund.action_approve()
        self.assertEqual(refund.state, "approved")
        self.assertEqual(refund.decided_by_id, self.cs_user)
        self.assertTrue(refund.decided_date)
        refund.action_mark_refunded()
        self.assertEqual(refund.state, "refunded")
        self.assertTrue(refund.refunded_date)
        with self.assertRaises(UserError):
            refund.action_reject()
        refund.action_undo_refund()
        self.assertEqual(refund.state, "approved")
        self.assertFalse(refund.refunded_date)
        refund.action_reject()
        with self.assertRaises(UserError):
            refund.action_approve()
        refund.action_reset()
        self.assertEqual(refund.state, "requested")
        self.assertFalse(refund.decided_by_id)

    def test_stats_reduced_when_refunded(self):
        self.customer._roms_update_stats()
        self.assertEqual(self.customer.roms_total_spent, 200000)
        refund = self._refund(qty=1)
        refund.amount = 30000
        refund.action_approve()
        self.assertEqual(self.customer.roms_total_spent, 200000)
        refund.action_mark_refunded()
        self.assertEqual(self.customer.roms_total_spent, 170000)
        # the daily recompute agrees
        self.customer._roms_update_stats()
        self.assertEqual(self.customer.roms_total_spent, 170000)
        refund.action_undo_refund()
        self.assertEqual(self.customer.roms_total_spent, 200000)

    def test_stats_of_company_contact(self):
        company = (
            self.env["res.partner"]
            .sudo()
            .create({"name": "Toko Refund", "is_company": True})
        )
        contact = (
            self.env["res.partner"]
            .sudo()
            .create(
                {
                    "name": "Budi Toko",
                    "parent_id": company.id,
                    "roms_category": "customer",
                }
            )
        )
        order = self._order(contact, qty=2)
        refund = self._refund(qty=2, order=order)
        refund.action_approve()
        refund.action_mark_refunded()
        self.assertEqual(contact.roms_total_spent, 0)
        self.assertEqual(contact.roms_order_count, 1)

    def test_stock_adjustment_link(self):
        refund = self._refund()
        action = refund.with_user(self.env.ref("base.user_admin")).sudo(False)
        action = action.action_open_stock_adjustment()
        self.assertEqual(action["res_model"], "stock.quant")
        self.assertIn(("product_id", "in", [self.product.id]), action["domain"])


@tagged("post_install", "-at_install")
class TestRefundPortal(RefundCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_refund_data()
        cls.portal_user = new_test_user(
            cls.env, "roms_portal_refund", groups="base.group_portal"
        )
        cls.portal_user.partner_id.roms_category = "customer"
        cls.delivered = cls._order(cls.portal_user.partner_id, stage="delivered")
        cls.processed = cls._order(cls.portal_user.partner_id)
        cls.foreign = cls._order(cls.customer, stage="delivered")
        cls.Refund = cls.env["roms.refund.request"].sudo()

    def setUp(self):
        super().setUp()
        self.authenticate("roms_portal_refund", "roms_portal_refund")

    def _post(self, order, token=None, **data):
        return self.url_open(
            f"/my/orders/{order.id}/refund",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "access_token": token or "",
                **data,
            },
        )

    def test_portal_files_refund(self):
        page = self.url_open(f"/my/orders/{self.delivered.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Request a refund", page.text)
        line = self.delivered.order_line
        response = self._post(
            self.delivered, reason="Kemasan rusak", **{f"qty_{line.id}": "2"}
        )
        self.assertEqual(response.status_code, 200)
        refund = self.Refund.search([("order_id", "=", self.delivered.id)])
        self.assertEqual(len(refund), 1)
        self.assertEqual(refund.source, "portal")
        self.assertEqual(refund.state, "requested")
        self.assertEqual(refund.requested_by_id, self.portal_user)
        self.assertEqual(refund.line_ids.quantity, 2)
        self.assertEqual(refund.amount, 100000)
        self.assertIn("refund_sent=1", response.url)
        self.assertIn(refund.name, response.text)
        # the customer reads their own request, not others'
        self.assertEqual(
            self.env["roms.refund.request"].with_user(self.portal_user).search([]).ids,
            refund.ids,
        )

    def test_portal_refuses_invalid(self):
        line = self.delivered.order_line
        cases = [
            (self.delivered, {"reason": " ", f"qty_{line.id}": "1"}, "reason"),
            (self.delivered, {"reason": "Rusak", f"qty_{line.id}": "5"}, "quantity"),
            (self.delivered, {"reason": "Rusak", f"qty_{line.id}": "x"}, "quantity"),
            (self.delivered, {"reason": "Rusak", f"qty_{line.id}": "0"}, "lines"),
            (
                self.processed,
                {"reason": "Rusak", f"qty_{self.processed.order_line.id}": "1"},
                "order",
            ),
        ]
        for order, data, error in cases:
            with self.subTest(error=error, data=data):
                response = self._post(order, **data)
                self.assertIn(f"refund_error={error}", response.url)
        # someone else's order: without its token no access, with it no filing
        foreign_line = self.foreign.order_line
        response = self._post(
            self.foreign, reason="Rusak", **{f"qty_{foreign_line.id}": "1"}
        )
        self.assertNotIn(f"/my/orders/{self.foreign.id}", response.url)
        self._post(
            self.foreign,
            token=self.foreign._portal_ensure_token(),
            reason="Rusak",
            **{f"qty_{foreign_line.id}": "1"},
        )
        self.assertFalse(self.Refund.search([]))
