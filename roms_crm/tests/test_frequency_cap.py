"""The frequency cap: at most K marketing messages (reminders, broadcasts) per
customer per 7 days; the others are skipped with their reason, transactional
messages are never capped."""

from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .test_broadcast import BroadcastCommon
from .test_reminder_rules import DAY0, ReminderCommon, day

CAP = "roms_crm.marketing_cap_per_week"


def marketing(env, partner, when, kind="broadcast", state="sent"):
    """A message of ``kind`` to ``partner`` created at ``when`` (the ORM dates a
    record with the database transaction's clock, which freezegun leaves alone)."""
    message = env["roms.message"].create(
        {
            "partner_id": partner.id,
            "channel": "email",
            "kind": kind,
            "body": "Promo",
            "state": state,
        }
    )
    message.flush_recordset()
    env.cr.execute(
        "UPDATE roms_message SET create_date = %s WHERE id = %s", (when, message.id)
    )
    message.invalidate_recordset(["create_date"])
    return message


@tagged("post_install", "-at_install")
class TestReminderCap(ReminderCommon):
    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param(CAP, "2")

    def test_reminder_capped_with_its_reason(self):
        self._delivered_order()
        marketing(self.env, self.customer, day(12))
        marketing(self.env, self.customer, day(13), kind="reminder")
        # neither cancelled nor failed ones, nor transactional ones count
        marketing(self.env, self.customer, day(13), state="cancelled")
        marketing(self.env, self.customer, day(13), state="failed")
        marketing(self.env, self.customer, day(13), kind="order_confirmation")
        reminders = self._run(day(14)).filtered(
            lambda m: m.reminder_rule_id == self.rule
        )
        self.assertEqual(len(reminders), 1, "kept: the pair is done")
        self.assertEqual(reminders.state, "cancelled")
        self.assertEqual(reminders.error_code, "frequency_cap")
        self.assertIn("2", reminders.error_message)
        self.assertEqual(len(self._run(day(15)).filtered("reminder_rule_id")), 1)

    def test_messages_older_than_7_days_do_not_count(self):
        self._delivered_order()
        marketing(self.env, self.customer, day(6, hours=-1))
        marketing(self.env, self.customer, day(13))
        reminder = self._run(day(14)).filtered("reminder_rule_id")
        self.assertEqual(reminder.state, "queued")

    def test_cap_counts_within_the_batch(self):
        self.env["ir.config_parameter"].sudo().set_param(CAP, "1")
        order = self._delivered_order()
        self._delivered_order(product=self.other_product)
        self.assertEqual(len(order.order_line), 1)
        reminders = self._run(day(14)).filtered("reminder_rule_id")
        self.assertEqual(sorted(reminders.mapped("state")), ["cancelled", "queued"])

    def test_no_cap_by_default(self):
        self.env["ir.config_parameter"].sudo().set_param(CAP, "0")
        self._delivered_order()
        for number in range(5):
            marketing(self.env, self.customer, day(13, hours=number))
        self.assertEqual(
            self._run(day(14)).filtered("reminder_rule_id").state, "queued"
        )


@tagged("post_install", "-at_install")
class TestBroadcastCap(BroadcastCommon):
    def test_broadcast_skips_and_counts_capped(self):
        self.env["ir.config_parameter"].sudo().set_param(CAP, "1")
        now = DAY0 + timedelta(days=30)
        marketing(self.env, self.budi, now - timedelta(days=2), kind="reminder")
        with freeze_time(now):
            broadcast = self._broadcast()
            broadcast.action_send()
            self._cron()
        messages = self._messages(broadcast)
        self.assertEqual(messages.partner_id, self.ani | self.citra)
        self.assertEqual(broadcast.skipped_capped_count, 1)
        self.assertEqual(broadcast.skipped_opt_out_count, 1)
        # a second broadcast the same week: everyone is capped now
        with freeze_time(now + timedelta(hours=1)):
            second = self._broadcast(name="Promo kedua")
            second.action_send()
            self._cron()
        self.assertFalse(self._messages(second))
        self.assertEqual(second.skipped_capped_count, 3)
