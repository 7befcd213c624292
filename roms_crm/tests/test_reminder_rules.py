from datetime import datetime, timedelta

import psycopg2
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.roms_crm.tests.common import make_order
from odoo.addons.roms_crm.tests.message_common import send_cron_triggers

DAY0 = datetime(2026, 3, 2, 10, 0)


def day(number, hours=0):
    return DAY0 + timedelta(days=number, hours=hours)


class ReminderCommon(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("id_ID")
        cls.env["roms.reminder.rule"].with_context(active_test=False).search([]).write(
            {"active": False}
        )
        cls.template = cls.env["roms.message.template"].create(
            {
                "name": "Repeat order",
                "template_type": "reminder",
                "body": "Hi {customer_name}, your {product_name} must be running "
                "low. {recommendation}",
            }
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Kopi Gayo Reminder",
                "list_price": 80000,
                "taxes_id": [Command.clear()],
                "roms_cross_sell_text": "Add some palm sugar for a sweeter cup!",
            }
        )
        cls.product.product_tmpl_id.with_context(
            lang="id_ID"
        ).roms_cross_sell_text = "Kak, sekalian Gula Aren-nya biar makin nikmat!"
        cls.other_product = cls.env["product.product"].create(
            {"name": "Teh Melati Reminder", "taxes_id": [Command.clear()]}
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Dewi Lestari",
                "email": "dewi.reminder@example.com",
                "roms_category": "customer",
                "lang": "id_ID",
            }
        )
        cls.rule = cls.env["roms.reminder.rule"].create(
            {
                "name": "Two weeks",
                "days_after_delivery": 14,
                "template_id": cls.template.id,
            }
        )
        cls.Message = cls.env["roms.message"]

    def _delivered_order(self, when=DAY0, partner=None, product=None):
        with freeze_time(when):
            return make_order(
                self.env,
                partner or self.customer,
                product or self.product,
                stage="delivered",
            )

    def _confirmed_order(self, when, partner=None, product=None):
        with freeze_time(when):
            return make_order(
                self.env, partner or self.customer, product or self.product
            )

    def _run(self, when):
        with freeze_time(when):
            self.env["roms.reminder.rule"]._cron_roms_reminders()
        return self.Message.search([("kind", "=", "reminder")])

    def _woken_from_now(self):
        """The sending cron active, no trigger of it pending (it ran)."""
        self.env.ref("roms_crm.ir_cron_roms_send_messages").active = True
        send_cron_triggers(self.env).unlink()


@tagged("post_install", "-at_install")
class TestReminderRules(ReminderCommon):
    def test_reminded_once_on_day_14_with_cross_sell(self):
        order = self._delivered_order()
        self.assertEqual(order.roms_delivered_date, DAY0)
        self.assertFalse(self._run(day(13)), "day 13: not yet due")
        reminders = self._run(day(14))
        self.assertEqual(len(reminders), 1)
        self.assertEqual(reminders.sale_order_line_id, order.order_line)
        self.assertEqual(reminders.reminder_rule_id, self.rule)
        self.assertEqual(reminders.partner_id, self.customer)
        self.assertEqual(reminders.state, "queued")
        self.assertEqual(reminders.channel, "email")
        self.assertEqual(reminders.recipient, "dewi.reminder@example.com")
        self.assertEqual(
            (reminders.res_model, reminders.res_id), ("sale.order", order.id)
        )
        # the cross-sell sentence in the customer's language
        self.assertIn("Kak, sekalian Gula Aren-nya biar makin nikmat!", reminders.body)
        self.assertIn("Dewi Lestari", reminders.body)
        self.assertIn("Kopi Gayo Reminder", reminders.body)
        self.assertEqual(self._run(day(15)), reminders, "day 15: still one")
        self.assertEqual(self.rule.message_count, 1)

    def test_only_rule_products(self):
        self.rule.product_ids = self.other_product
        self._delivered_order()
        tea_order = self._delivered_order(product=self.other_product)
        reminders = self._run(day(14))
        self.assertEqual(reminders.sale_order_line_id, tea_order.order_line)

    def test_not_reminded_when_reordered(self):
        self._delivered_order()
        self._confirmed_order(day(10))
        self.assertFalse(self._run(day(14)))

    def test_reorder_of_another_product_does_not_count(self):
        self._delivered_order()
        self._confirmed_order(day(10), product=self.other_product)
        self.assertEqual(len(self._run(day(14))), 1)

    def test_not_reminded_when_opted_out(self):
        self._delivered_order()
        self.customer.roms_opt_out = True
        self.assertFalse(self._run(day(14)))

    def test_not_reminded_when_cancelled(self):
        order = self._delivered_order()
        with freeze_time(day(2)):
            # out of Delivered: an administrator's correction, with its reason
            order._roms_set_stage(
                "cancelled", comment="Returned by the customer", correction=True
            )
        self.assertFalse(self._run(day(14)))

    def test_not_reminded_when_refunded(self):
        order = self._delivered_order()
        refund = self.env["roms.refund.request"].create(
            {
                "order_id": order.id,
                "reason": "Broken seal",
                "line_ids": [
                    Command.create({"sale_line_id": order.order_line.id, "quantity": 1})
                ],
            }
        )
        refund.action_approve()
        refund.action_mark_refunded()
        self.assertFalse(self._run(day(14)))
        refund.action_undo_refund()
        self.assertEqual(len(self._run(day(14))), 1)

    def test_old_deliveries_are_not_reminded(self):
        """A rule created today does not remind every order of the past: only
        reminders that fell due within the catch-up days."""
        self._delivered_order(day(-30))
        self.assertFalse(self._run(day(14)))
        self.env["ir.config_parameter"].set_param(
            "roms_crm.reminder_lookback_days", "40"
        )
        self.assertEqual(len(self._run(day(14))), 1)

    def test_archived_rule_does_nothing(self):
        self._delivered_order()
        self.rule.active = False
        self.assertFalse(self._run(day(14)))

    def test_learned_interval_uses_median(self):
        """Purchases 10, 20 and 40 days apart: the median interval is 20 days
        (the mean would be 23), used instead of the rule's 14 days."""
        self.rule.use_learned_interval = True
        for number in (-70, -60, -40):
            self._confirmed_order(day(number))
        self._delivered_order(day(0))
        self.assertFalse(self._run(day(14)))
        self.assertFalse(self._run(day(19, hours=23)))
        reminders = self._run(day(20))
        self.assertEqual(len(reminders), 1)
        self.assertEqual(len(self._run(day(23))), 1)

    def test_learned_interval_needs_two_purchases(self):
        self.rule.use_learned_interval = True
        self._delivered_order(day(0))
        self.assertEqual(len(self._run(day(14))), 1, "one purchase: fixed days")

    def test_unique_per_rule_and_line(self):
        order = self._delivered_order()
        pairs = [(self.rule.id, order.order_line.id)]
        Rule = self.env["roms.reminder.rule"]
        with freeze_time(day(14)):
            first = Rule._queue_reminders(pairs)
            # another worker found the same pair: nothing more is queued
            second = Rule._queue_reminders(pairs + pairs)
        self.assertEqual(len(first), 1)
        self.assertFalse(second)
        with (
            self.assertRaises(psycopg2.IntegrityError),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.Message.create(
                {
                    "partner_id": self.customer.id,
                    "channel": "email",
                    "kind": "reminder",
                    "body": "again",
                    "reminder_rule_id": self.rule.id,
                    "sale_order_line_id": order.order_line.id,
                }
            ).flush_recordset()

    def test_customer_without_address_is_marked_not_sent(self):
        nobody = self.env["res.partner"].create(
            {"name": "Tanpa Alamat", "roms_category": "customer"}
        )
        self._delivered_order(partner=nobody)
        reminders = self._run(day(14))
        self.assertEqual(reminders.state, "failed")
        self.assertEqual(reminders.error_code, "no_recipient")
        self.assertEqual(self._run(day(15)), reminders)

    def test_queued_reminders_wake_the_sending_cron(self):
        """A scan that queues reminders creates one trigger of the sending cron,
        due at once (Odoo wakes the cron workers when it commits), whatever
        their number; its next batches while it is pending add none."""
        for _index in range(3):
            self._delivered_order()
        # the order confirmations woke it already: it ran since
        self._woken_from_now()
        Rule = self.env["roms.reminder.rule"]
        with freeze_time(day(13)):
            self.assertFalse(Rule._cron_roms_reminders())
        self.assertFalse(
            send_cron_triggers(self.env), "nothing queued, nothing to wake"
        )
        with freeze_time(day(14)):
            self.assertEqual(len(Rule._cron_roms_reminders(batch_size=2)), 2)
            trigger = send_cron_triggers(self.env)
            self.assertEqual(len(trigger), 1, "one batch, one trigger")
            self.assertEqual(trigger.call_at, day(14), "due at once")
            self.assertEqual(len(Rule._cron_roms_reminders(batch_size=2)), 1)
            self.assertFalse(Rule._cron_roms_reminders(batch_size=2))
        self.assertEqual(send_cron_triggers(self.env), trigger)

    def test_reminders_kept_unsent_wake_nothing(self):
        nobody = self.env["res.partner"].create(
            {"name": "Tanpa Alamat", "roms_category": "customer"}
        )
        self._delivered_order(partner=nobody)
        self._woken_from_now()
        reminders = self._run(day(14))
        self.assertEqual(reminders.state, "failed")
        self.assertFalse(send_cron_triggers(self.env))

    def test_batches_report_progress(self):
        for _index in range(3):
            self._delivered_order()
        Rule = self.env["roms.reminder.rule"]
        with freeze_time(day(14)):
            self.assertEqual(len(Rule._cron_roms_reminders(batch_size=2)), 2)
            self.assertEqual(len(Rule._cron_roms_reminders(batch_size=2)), 1)
            self.assertFalse(Rule._cron_roms_reminders(batch_size=2))

    def test_rule_validation(self):
        with self.assertRaises(ValidationError):
            self.rule.days_after_delivery = 0
        other = self.env["roms.message.template"].create(
            {"name": "Not a reminder", "template_type": "broadcast", "body": "Hi"}
        )
        with self.assertRaises(ValidationError):
            self.rule.template_id = other

    def test_cs_cannot_change_rules(self):
        cs_user = new_test_user(
            self.env, "roms_cs_reminder", groups="roms_crm.group_roms_cs"
        )
        rule = self.rule.with_user(cs_user)
        self.assertEqual(rule.name, "Two weeks")
        with self.assertRaises(AccessError):
            rule.write({"days_after_delivery": 3})


@tagged("post_install", "-at_install")
class TestReminderScanQueries(ReminderCommon):
    def test_scan_query_count_does_not_grow_with_orders(self):
        """The scan is one query whatever the number of orders: old deliveries,
        recent ones not yet due and other customers' orders are never loaded."""
        self._delivered_order()
        Rule = self.env["roms.reminder.rule"]

        def scan():
            self.env.invalidate_all()
            with freeze_time(day(14)):
                return Rule._due_pairs()

        self.assertEqual(len(scan()), 1)
        with self.assertQueryCount(2):  # the active rules, the due pairs
            self.assertEqual(len(scan()), 1)
        others = self.env["res.partner"].create(
            [
                {"name": f"Other {number}", "email": f"other{number}@example.com"}
                for number in range(4)
            ]
        )
        for number in range(12):
            partner = others[number % 4]
            self._delivered_order(day(-100 + number), partner=partner)
            self._delivered_order(day(5 + number % 5), partner=partner)
            self._confirmed_order(day(number % 10), partner=partner)
        self.env.flush_all()
        with self.assertQueryCount(2):
            self.assertEqual(len(scan()), 1)

    def test_cron_query_count_does_not_grow_with_orders(self):
        self._delivered_order()
        Rule = self.env["roms.reminder.rule"]

        def run():
            self.env.invalidate_all()
            with freeze_time(day(13)):
                return Rule._cron_roms_reminders()

        run()  # warm-up: settings caches
        with self.assertQueryCount(2):
            self.assertFalse(run())
        other = self.env["res.partner"].create(
            {"name": "Other", "email": "o@example.com"}
        )
        for number in range(12):
            self._delivered_order(day(-100 + number), partner=other)
            self._delivered_order(day(number), partner=other)
        self.env.flush_all()
        with self.assertQueryCount(2):
            self.assertFalse(run())
