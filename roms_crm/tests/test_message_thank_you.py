from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import TransactionCase, new_test_user, tagged

from .message_common import send_cron_triggers


@tagged("post_install", "-at_install")
class TestMessageThankYou(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cs_user = new_test_user(
            cls.env, "roms_cs_thanks", groups="roms_crm.group_roms_cs"
        )
        cls.env = cls.env(user=cls.cs_user)
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Budi Santoso",
                "roms_category": "customer",
                "email": "budi@example.com",
            }
        )
        cls.product = (
            cls.env["product.product"]
            .sudo()
            .create({"name": "Madu Hutan", "list_price": 85000})
        )

    def _order(self, partner=None):
        return self.env["sale.order"].create(
            {
                "partner_id": (partner or self.customer).id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": 2,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
            }
        )

    def _confirmations(self, order):
        return (
            self.env["roms.message"]
            .sudo()
            .search(
                [
                    ("kind", "=", "order_confirmation"),
                    ("res_model", "=", "sale.order"),
                    ("res_id", "=", order.id),
                ]
            )
        )

    def test_queued_once_per_order(self):
        order = self._order()
        self.assertFalse(self._confirmations(order))
        order.action_confirm()
        message = self._confirmations(order)
        self.assertEqual(len(message), 1)
        self.assertEqual(
            (message.partner_id, message.channel, message.state, message.recipient),
            (self.customer, "email", "queued", "budi@example.com"),
        )
        self.assertEqual(
            message.template_id,
            self.env.ref("roms_crm.roms_message_template_order_confirmation"),
        )
        self.assertIn("Budi Santoso", message.body)
        self.assertIn(order.name, message.body)
        self.assertIn(
            self.env["roms.message.template"]._format_amount(order), message.body
        )

        # confirmed again after a cancellation: not queued again
        order._action_cancel()
        order.action_draft()
        order.action_confirm()
        self.assertEqual(self._confirmations(order), message)
        # and the hook itself never queues twice for an order
        order.sudo()._roms_queue_order_confirmation()
        self.assertEqual(self._confirmations(order), message)

    def test_confirmation_wakes_the_sending_cron(self):
        """The thank-you is sent as soon as the confirmation commits, not at the
        sending cron's next minute: one trigger of the cron, due at once, for
        all the orders the transaction confirms."""
        self.env.ref("roms_crm.ir_cron_roms_send_messages").sudo().active = True
        send_cron_triggers(self.env).unlink()
        first, second = self._order(), self._order()
        self.assertFalse(send_cron_triggers(self.env), "a quotation queues nothing")
        now = fields.Datetime.now()
        with freeze_time(now):
            first.action_confirm()
            trigger = send_cron_triggers(self.env)
        self.assertEqual(len(trigger), 1)
        self.assertEqual(trigger.call_at, now, "due at once")
        second.action_confirm()
        self.assertEqual(len(self._confirmations(second)), 1)
        self.assertEqual(
            send_cron_triggers(self.env), trigger, "pending: wakes for both"
        )
        # the cron ran; with the thank-you turned off, nothing to wake it for
        trigger.unlink()
        self.env["res.config.settings"].sudo().create(
            {"roms_send_order_confirmation": False}
        ).execute()
        third = self._order()
        third.action_confirm()
        self.assertFalse(self._confirmations(third))
        self.assertFalse(send_cron_triggers(self.env))

    def test_setting_turns_it_off(self):
        settings = self.env["res.config.settings"].sudo()
        self.assertTrue(settings.create({}).roms_send_order_confirmation)
        settings.create({"roms_send_order_confirmation": False}).execute()
        self.assertFalse(settings.create({}).roms_send_order_confirmation)
        order = self._order()
        order.action_confirm()
        self.assertFalse(self._confirmations(order))
        settings.create({"roms_send_order_confirmation": True}).execute()
        other = self._order()
        other.action_confirm()
        self.assertEqual(len(self._confirmations(other)), 1)

    def test_opted_out_customer_still_gets_transactional_messages(self):
        self.customer.roms_opt_out = True
        order = self._order()
        order.action_confirm()
        self.assertEqual(len(self._confirmations(order)), 1)
        order._roms_set_stage("shipped", tracking_number="SICEPAT123", notify=True)
        shipping = (
            self.env["roms.message"]
            .sudo()
            .search([("kind", "=", "shipping"), ("res_id", "=", order.id)])
        )
        self.assertEqual(len(shipping), 1)
        self.assertIn("SICEPAT123", shipping.body)
        self.assertEqual(
            shipping.template_id,
            self.env.ref("roms_crm.roms_message_template_shipping"),
        )
        order._roms_set_stage("delivered", notify=True)
        delivered = (
            self.env["roms.message"]
            .sudo()
            .search([("kind", "=", "manual"), ("res_id", "=", order.id)])
        )
        self.assertEqual(len(delivered), 1)
        self.assertIn(order.name, delivered.body)
