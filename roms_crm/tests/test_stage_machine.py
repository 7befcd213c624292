"""The fulfilment state machine: pending → processed → shipped → delivered, cancel
before delivered; other moves are an administrator's corrections with a reason."""

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, TransactionCase, new_test_user, tagged

from odoo.addons.roms_crm.models.fulfilment.sale_order import RomsStageError

from .common import OrderApiCase


@tagged("post_install", "-at_install")
class TestStageMachine(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cs_user = new_test_user(
            cls.env, "roms_cs_machine", groups="roms_crm.group_roms_cs"
        )
        cls.admin_user = new_test_user(
            cls.env,
            "roms_admin_machine",
            groups="roms_crm.group_roms_admin,sales_team.group_sale_manager",
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Sari", "roms_category": "customer", "mobile": "081234500077"}
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Kopi Mesin", "type": "consu", "list_price": 10000}
        )

    def _order(self, stage="processed", user=None):
        order = (
            self.env["sale.order"]
            .with_user(user or self.cs_user)
            .create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [Command.create({"product_id": self.product.id})],
                }
            )
        )
        if stage != "pending":
            order._roms_set_stage(stage)
        return order

    def test_chain_moves(self):
        order = self._order("pending")
        for stage in ("processed", "shipped", "delivered"):
            order._roms_set_stage(stage, skip=False)
            self.assertEqual(order.roms_stage, stage)
        for stage in ("pending", "processed", "shipped"):
            self._order(stage)._roms_set_stage("cancelled", skip=False)

    def test_refused_moves(self):
        order = self._order("delivered")
        delivered_on = order.roms_delivered_date
        for stage in ("pending", "processed", "shipped", "cancelled"):
            with self.subTest(stage=stage), self.assertRaises(RomsStageError) as error:
                order._roms_set_stage(stage)
            self.assertEqual(error.exception.code, "invalid_transition")
        self.assertEqual(
            (order.roms_stage, order.roms_delivered_date), ("delivered", delivered_on)
        )
        with self.assertRaises(RomsStageError):
            self._order("pending")._roms_set_stage("delivered", skip=False)
        with self.assertRaises(RomsStageError):
            self._order("shipped")._roms_set_stage("processed")
        # the backend may skip forward (the courier confirmed before "shipped")
        order = self._order("processed")
        order._roms_set_stage("delivered")
        self.assertEqual(order.roms_stage, "delivered")
        # the same stage again changes nothing
        order._roms_set_stage("delivered", skip=False)

    def test_tracking_number_only_on_open_orders(self):
        order = self._order("shipped")
        order._roms_set_stage("shipped", tracking_number="JNE-1")
        self.assertEqual(order.roms_tracking_number, "JNE-1")
        for stage in ("cancelled", "delivered"):
            order = self._order("shipped")
            order._roms_set_stage(stage)
            with self.subTest(stage=stage):
                with self.assertRaises(RomsStageError) as error:
                    order._roms_set_stage(stage, tracking_number="JNE-2")
                self.assertEqual(error.exception.code, "order_closed")
                with self.assertRaises(UserError):
                    order.roms_tracking_number = "JNE-3"
                # writing the same value again is harmless
                order.roms_tracking_number = order.roms_tracking_number

    def test_admin_correction_with_reason(self):
        order = self._order("delivered")
        # a CS agent cannot correct
        wizard = Form(
            self.env["roms.order.stage.wizard"]
            .with_user(self.cs_user)
            .with_context(default_order_ids=order.ids, default_stage="processed")
        )
        self.assertTrue(wizard.is_correction)
        wizard.comment = "Salah klik"
        with self.assertRaises(RomsStageError):
            wizard.save().action_apply()
        # an administrator can, with a reason
        admin_order = order.with_user(self.admin_user)
        with self.assertRaises(UserError):
            admin_order._roms_set_stage("processed", correction=True)
        wizard = Form(
            self.env["roms.order.stage.wizard"]
            .with_user(self.admin_user)
            .with_context(default_order_ids=order.ids, default_stage="processed")
        )
        wizard.comment = "Kurir salah input, paket belum sampai"
        wizard.notify = False
        wizard.save().action_apply()
        self.assertEqual(order.roms_stage, "processed")
        self.assertFalse(order.roms_delivered_date, "the delivered date was kept")
        line = order.roms_stage_history_ids.sorted("id")[-1]
        self.assertEqual(
            (line.previous_stage, line.stage, line.is_correction, line.comment),
            ("delivered", "processed", True, "Kurir salah input, paket belum sampai"),
        )
        # a chain move is no correction
        order.with_user(self.admin_user)._roms_set_stage("shipped")
        self.assertFalse(order.roms_stage_history_ids.sorted("id")[-1].is_correction)

    def test_odoo_state_changes_still_sync(self):
        order = self._order("pending")
        order.action_confirm()
        self.assertEqual(order.roms_stage, "processed")
        order._action_cancel()
        self.assertEqual(order.roms_stage, "cancelled")
        order.action_draft()
        self.assertEqual(order.roms_stage, "pending")


@tagged("post_install", "-at_install")
class TestApiStageMachine(OrderApiCase):
    def _create(self, external_id, status):
        response = self._call(
            "POST", "/api/v1/orders", self._payload(external_id, status=status)
        )
        self.assertEqual(response.status_code, 201, response.text)
        return self.env["sale.order"].browse(response.json()["id"])

    def _patch(self, external_id, body):
        return self._call("PATCH", f"/api/v1/orders/{external_id}", body)

    def test_refused_transitions_answer_409(self):
        order = self._create("SM-1", "delivered")
        delivered_on = order.roms_delivered_date
        self.assertTrue(delivered_on)
        for status in ("pending", "processed", "shipped", "cancelled"):
            with self.subTest(status=status):
                response = self._patch("SM-1", {"status": status})
                self.assertError(response, 409, "invalid_transition", "status")
        order.invalidate_recordset()
        self.assertEqual(
            (order.roms_stage, order.roms_delivered_date), ("delivered", delivered_on)
        )
        self._create("SM-2", "pending")
        response = self._patch("SM-2", {"status": "delivered"})
        self.assertError(response, 409, "invalid_transition", "status")
        response = self._patch("SM-2", {"status": "shipped"})
        self.assertError(response, 409, "invalid_transition", "status")
        for status in ("processed", "shipped", "delivered"):
            response = self._patch("SM-2", {"status": status})
            self.assertEqual(response.status_code, 200, response.text)
        # replaying the last move is harmless
        response = self._patch("SM-2", {"status": "delivered"})
        self.assertEqual(response.status_code, 200, response.text)

    def test_tracking_number_of_a_closed_order(self):
        order = self._create("SM-3", "processed")
        response = self._patch("SM-3", {"status": "cancelled"})
        self.assertEqual(response.status_code, 200, response.text)
        response = self._patch("SM-3", {"tracking_number": "JNE-9"})
        self.assertError(response, 409, "order_closed", "tracking_number")
        order.invalidate_recordset()
        self.assertFalse(order.roms_tracking_number)
        self._create("SM-4", "shipped")
        response = self._patch(
            "SM-4", {"status": "delivered", "tracking_number": "JNE-10"}
        )
        self.assertEqual(response.status_code, 200, response.text)
        response = self._patch("SM-4", {"tracking_number": "JNE-11"})
        self.assertError(response, 409, "order_closed", "tracking_number")
