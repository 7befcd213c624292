"""The sending cron is woken from one place: a transaction that leaves messages
queued and due for it (created queued, or queued again) creates one trigger of
the cron when it commits, whoever queued them; messages the transaction sent
itself, or that wait for a later attempt, wake nothing.

In tests nothing commits: ``cr.flush()`` runs the precommit hooks as
``cr.commit()`` does."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import make_order
from .message_common import MessagingCase, send_cron_triggers


@tagged("post_install", "-at_install")
class TestSenderWake(MessagingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cron = cls.env.ref("roms_crm.ir_cron_roms_send_messages")
        cls.cron.active = True
        cls.customer = cls.make_customer("Sari Wake", "sari.wake@example.com")
        cls.other = cls.make_customer("Dewi Wake", "dewi.wake@example.com")
        cls.product = cls.env["product.product"].create(
            {"name": "Kopi Wake", "list_price": 50000}
        )

    def setUp(self):
        super().setUp()
        # the cron ran: nothing pending
        send_cron_triggers(self.env).unlink()

    def assertWakes(self, now):
        trigger = send_cron_triggers(self.env)
        self.assertEqual(len(trigger), 1, "one trigger per transaction")
        self.assertEqual(trigger.call_at, now, "due at once")
        return trigger

    def test_queued_messages_wake_once(self):
        now = fields.Datetime.now()
        with freeze_time(now):
            self.queue(self.customer | self.other)
            self.queue(self.customer)
            trigger = self.assertWakes(now)
            # a later flush (a savepoint) with more queued: the pending trigger
            self.queue(self.other)
            self.assertEqual(send_cron_triggers(self.env), trigger)

    def test_sent_at_once_wakes_nothing(self):
        """A message queued and sent in the same transaction (as a chat reply)
        costs neither a trigger nor a query at commit."""
        message = self.queue(self.customer)
        with self.smtp_server():
            message._send_now()
        self.assertEqual(message.state, "sent", message.error_message)
        self.env.flush_all()
        with self.assertQueryCount(0, flush=False):
            self.env.cr.precommit.run()
        self.assertFalse(send_cron_triggers(self.env))

    def test_not_due_or_not_queued_wakes_nothing(self):
        Message = self.Message
        vals = {"partner_id": self.customer.id, "kind": "manual", "body": "Halo"}
        Message.create(
            [
                dict(vals, next_attempt_at=fields.Datetime.now() + timedelta(days=3)),
                dict(vals, state="cancelled"),
                dict(vals, state="failed"),
            ]
        )
        self.assertFalse(send_cron_triggers(self.env))
        # queued, then cancelled before the commit
        self.queue(self.other).action_roms_cancel()
        self.assertFalse(send_cron_triggers(self.env))
        # queued, then deleted before the commit
        self.queue(self.other).unlink()
        self.assertFalse(send_cron_triggers(self.env))

    def test_retry_wakes_unless_sent_at_once(self):
        message = self.queue(self.customer)
        message.write({"state": "failed", "error_code": "error"})
        send_cron_triggers(self.env).unlink()
        now = fields.Datetime.now()
        with freeze_time(now):
            message.action_roms_retry()
            self.assertEqual(message.state, "queued")
            self.assertWakes(now)
        send_cron_triggers(self.env).unlink()
        message.write({"state": "failed", "error_code": "error"})
        # retried and sent at once (the Retry of a chat reply)
        message.action_roms_retry()
        with self.smtp_server():
            message._send_now()
        self.assertEqual(message.state, "sent", message.error_message)
        self.assertFalse(send_cron_triggers(self.env))

    def test_order_messages_wake(self):
        """The messages of an order (confirmation, stage, payment received)
        wake the cron, each transaction once."""
        now = fields.Datetime.now()
        with freeze_time(now):
            order = make_order(self.env, self.customer, self.product)
            self.assertTrue(
                self.Message.search(
                    [("res_id", "=", order.id), ("kind", "=", "order_confirmation")]
                )
            )
            self.assertWakes(now).unlink()
            order._roms_set_stage("shipped", notify=True)
            self.assertTrue(
                self.Message.search(
                    [("res_id", "=", order.id), ("kind", "=", "shipping")]
                )
            )
            self.assertWakes(now).unlink()
            self.assertTrue(order._roms_queue_payment_received())
            self.assertWakes(now)

    def test_rejected_payment_confirmation_wakes(self):
        order = make_order(self.env, self.customer, self.product)
        confirmation = self.env["roms.payment.confirmation"].create(
            {"order_id": order.id, "bank": "BCA", "amount": order.amount_total}
        )
        send_cron_triggers(self.env).unlink()
        now = fields.Datetime.now()
        with freeze_time(now):
            confirmation.reject_reason = "Transfer belum masuk."
            confirmation.action_reject()
            asked = self.Message.search(
                [("res_id", "=", order.id), ("kind", "=", "payment")]
            )
            self.assertIn("Transfer belum masuk.", asked.body)
            self.assertWakes(now)

    def test_reply_later_wakes_for_the_answer_only(self):
        """ "Later" queues the answer (due now: wakes the cron) and the reminder
        again in some days (waits)."""
        order = make_order(self.env, self.customer, self.product)
        reminder = self.Message.create(
            {
                "partner_id": self.customer.id,
                "kind": "reminder",
                "body": "Stok kopi habis?",
                "res_model": "sale.order",
                "res_id": order.id,
                "state": "sent",
                "sent_at": fields.Datetime.now(),
            }
        )
        send_cron_triggers(self.env).unlink()
        now = fields.Datetime.now()
        with freeze_time(now):
            snooze = reminder._roms_reply_later()
            self.assertGreater(snooze.next_attempt_at, now)
            answer = self.Message.search(
                [("res_id", "=", order.id), ("kind", "=", "manual")]
            )
            self.assertEqual(answer.state, "queued")
            self.assertWakes(now)
        # queued again, then put off before the commit: nothing due, no wake
        send_cron_triggers(self.env).unlink()
        snooze.write({"state": "failed"})
        snooze.action_roms_retry()
        snooze.next_attempt_at = fields.Datetime.now() + timedelta(days=3)
        self.assertFalse(send_cron_triggers(self.env))
