from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .message_common import send_cron_triggers
from .test_reminder_rules import DAY0, ReminderCommon, day


class FollowupCommon(ReminderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.param = cls.env["ir.config_parameter"].sudo().set_param
        cls.followup_template = cls.env["roms.message.template"].create(
            {
                "name": "Second step",
                "template_type": "reminder",
                "body": "Still fine, {customer_name}? {product_name} again: "
                "{reorder_link}",
            }
        )
        cls.cart_template = cls.env["roms.message.template"].create(
            {
                "name": "Cart",
                "template_type": "cart_recovery",
                "sequence": 1,
                "body": "{customer_name}, your order {order_number} waits: "
                "{order_link}",
            }
        )
        cls.review_template = cls.env["roms.message.template"].create(
            {
                "name": "Review",
                "template_type": "review_request",
                "sequence": 1,
                "body": "{customer_name}, rate {order_number}: {review_link}",
            }
        )
        # demo messages must not count towards the cap
        cls.env["roms.message"].search([]).write({"state": "cancelled"})

    def messages(self, kind):
        return self.Message.search([("kind", "=", kind)])


@tagged("post_install", "-at_install")
class TestReminderSecondStep(FollowupCommon):
    """A rule's second step: N days after the reminder was sent, only while the
    customer has not re-ordered the product, answered or opted out."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule.write(
            {"followup_template_id": cls.followup_template.id, "followup_days": 3}
        )

    def sent_reminder(self):
        order = self._delivered_order()
        reminder = self._run(day(14))
        self.assertEqual(len(reminder), 1)
        reminder._set_status("sent", when=day(14))
        return order, reminder

    def test_second_step_once_after_n_days(self):
        _order, reminder = self.sent_reminder()
        self._run(day(16, hours=23))
        self.assertFalse(self.messages("followup"), "not yet")
        self._run(day(17))
        followup = self.messages("followup")
        self.assertEqual(len(followup), 1)
        self.assertEqual(followup.parent_id, reminder)
        self.assertEqual(followup.reminder_rule_id, self.rule)
        self.assertEqual(followup.template_id, self.followup_template)
        self.assertEqual(followup.state, "queued")
        self.assertIn("Still fine, Dewi Lestari? Kopi Gayo Reminder", followup.body)
        self.assertIn("/roms/reorder/", followup.body)
        # its own reply buttons, the reminded line of the first
        self.assertTrue(followup.sudo().reply_token)
        self.assertEqual(followup._roms_reminded_lines(), reminder.sale_order_line_id)
        self._run(day(18))
        self.assertEqual(self.messages("followup"), followup)

    def test_not_after_reorder(self):
        self.sent_reminder()
        self._confirmed_order(day(15))
        self._run(day(17))
        self.assertFalse(self.messages("followup"))

    def test_reorder_of_another_product_does_not_stop_it(self):
        self.sent_reminder()
        self._confirmed_order(day(15), product=self.other_product)
        self._run(day(17))
        self.assertEqual(len(self.messages("followup")), 1)

    def test_not_after_an_answer(self):
        _order, reminder = self.sent_reminder()
        with freeze_time(day(15)):
            reminder._roms_handle_reply("later")
        self.assertTrue(reminder.replied_at)
        self._run(day(17))
        self.assertFalse(self.messages("followup"))

    def test_not_after_opt_out(self):
        self.sent_reminder()
        self.customer._roms_set_opt_out(True)
        self._run(day(17))
        self.assertFalse(self.messages("followup"))

    def test_not_when_reminder_was_not_sent(self):
        self._delivered_order()
        reminder = self._run(day(14))
        reminder._set_status("failed", error_code="x")
        self._run(day(17))
        self.assertFalse(self.messages("followup"))

    def test_frequency_cap_skips_it_with_reason(self):
        self.param("roms_crm.marketing_cap_per_week", "1")
        self.sent_reminder()
        self._run(day(17))
        followup = self.messages("followup")
        self.assertEqual(
            (followup.state, followup.error_code), ("cancelled", "frequency_cap")
        )

    def test_reply_token_whoever_queues_the_reminder(self):
        """The reply token is an administrators' field; a reminder queued by a CS
        agent gets one all the same, and the agent cannot read it."""
        agent = new_test_user(
            self.env, "roms_cs_token", groups="base.group_user,roms_crm.group_roms_cs"
        )
        message = self.Message.with_user(agent).create(
            {"partner_id": self.customer.id, "kind": "reminder", "body": "Halo"}
        )
        self.assertEqual(len(message.sudo().reply_token), 24)
        with self.assertRaises(AccessError):
            message.with_user(agent).read(["reply_token"])

    def test_second_step_wakes_the_sending_cron(self):
        self.sent_reminder()
        self._woken_from_now()
        with freeze_time(day(17)):
            self._run(day(17))
            trigger = send_cron_triggers(self.env)
        self.assertEqual(len(self.messages("followup")), 1)
        self.assertEqual(len(trigger), 1)
        self.assertEqual(trigger.call_at, day(17), "due at once")

    def test_rule_without_second_step(self):
        self.rule.followup_template_id = False
        self.sent_reminder()
        self._run(day(17))
        self.assertFalse(self.messages("followup"))


@tagged("post_install", "-at_install")
class TestCartRecovery(FollowupCommon):
    """Quotations idle N hours get the Cart Recovery template with their link, a
    second message M hours later; stops when confirmed, paid, cancelled, the
    customer answered or opted out. Off by default."""

    def setUp(self):
        super().setUp()
        self.param("roms_crm.cart_recovery_hours", "24")
        self.param("roms_crm.cart_recovery_second_hours", "48")

    def quotation(self, partner=None):
        with freeze_time(DAY0):
            return self.env["sale.order"].create(
                {
                    "partner_id": (partner or self.customer).id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "product_uom_qty": 1}
                        )
                    ],
                }
            )

    def run_scan(self, when):
        with freeze_time(when):
            self.env["sale.order"]._cron_roms_followups()
        return self.messages("cart_recovery")

    def test_off_by_default(self):
        self.param("roms_crm.cart_recovery_hours", "0")
        self.quotation()
        self.assertFalse(self.run_scan(day(3)))

    def test_two_messages_then_nothing(self):
        order = self.quotation()
        self.assertFalse(self.run_scan(DAY0 + timedelta(hours=23)))
        first = self.run_scan(DAY0 + timedelta(hours=24))
        self.assertEqual(len(first), 1)
        self.assertEqual(
            (first.res_model, first.res_id, first.step), ("sale.order", order.id, 1)
        )
        self.assertIn(order.name, first.body)
        self.assertIn(
            f"/my/orders/{order.id}?access_token={order.access_token}", first.body
        )
        self.assertEqual(first.recipient, "dewi.reminder@example.com")
        self.assertEqual(self.run_scan(DAY0 + timedelta(hours=30)), first)
        first._set_status("sent", when=DAY0 + timedelta(hours=24))
        self.assertEqual(self.run_scan(DAY0 + timedelta(hours=71)), first)
        both = self.run_scan(DAY0 + timedelta(hours=72))
        self.assertEqual(len(both), 2)
        self.assertEqual(sorted(both.mapped("step")), [1, 2])
        (both - first)._set_status("sent", when=DAY0 + timedelta(hours=72))
        self.assertEqual(self.run_scan(DAY0 + timedelta(hours=200)), both)

    def test_recovery_wakes_the_sending_cron(self):
        self.quotation()
        self._woken_from_now()
        self.assertFalse(self.run_scan(DAY0 + timedelta(hours=23)))
        self.assertFalse(
            send_cron_triggers(self.env), "nothing queued, nothing to wake"
        )
        when = DAY0 + timedelta(hours=24)
        with freeze_time(when):
            self.assertEqual(len(self.run_scan(when)), 1)
            trigger = send_cron_triggers(self.env)
        self.assertEqual(len(trigger), 1)
        self.assertEqual(trigger.call_at, when, "due at once")

    def test_confirmed_after_recovery_is_attributed_to_it(self):
        order = self.quotation()
        other = self.quotation()
        first = self.run_scan(DAY0 + timedelta(hours=24))
        first.filtered(lambda m: m.res_id == order.id)._set_status(
            "sent", when=DAY0 + timedelta(hours=24)
        )
        with freeze_time(DAY0 + timedelta(hours=30)):
            (order | other).action_confirm()
        message = first.filtered(lambda m: m.res_id == order.id)
        self.assertEqual(
            (order.roms_message_id, order.roms_attribution),
            (message, "recovery_link"),
        )
        self.assertFalse(other.roms_message_id, "its message was never sent")

    def test_no_second_when_not_set(self):
        self.param("roms_crm.cart_recovery_second_hours", "0")
        self.quotation()
        first = self.run_scan(DAY0 + timedelta(hours=24))
        first._set_status("sent", when=DAY0 + timedelta(hours=24))
        self.assertEqual(self.run_scan(DAY0 + timedelta(hours=80)), first)

    def test_stops_on_each_exit_condition(self):
        confirmed, paid, cancelled, opted_out = (
            self.quotation(),
            self.quotation(),
            self.quotation(),
            self.quotation(self.other_customer()),
        )
        confirmed.action_confirm()
        paid.roms_payment_status = "paid"
        cancelled._action_cancel()
        opted_out.partner_id._roms_set_opt_out(True)
        self.assertFalse(self.run_scan(DAY0 + timedelta(hours=24)))

    def test_second_stops_on_each_exit_condition(self):
        orders = [self.quotation() for _index in range(3)]
        firsts = self.run_scan(DAY0 + timedelta(hours=24))
        self.assertEqual(len(firsts), 3)
        firsts._set_status("sent", when=DAY0 + timedelta(hours=24))
        confirmed, paid, cancelled = orders
        confirmed.action_confirm()
        paid.roms_payment_status = "paid"
        cancelled._action_cancel()
        self.assertEqual(self.run_scan(DAY0 + timedelta(hours=72)), firsts)

    def test_second_stops_after_opt_out(self):
        self.quotation()
        first = self.run_scan(DAY0 + timedelta(hours=24))
        first._set_status("sent", when=DAY0 + timedelta(hours=24))
        self.customer._roms_set_opt_out(True)
        self.assertEqual(self.run_scan(DAY0 + timedelta(hours=72)), first)

    def test_frequency_cap_applies(self):
        self.param("roms_crm.marketing_cap_per_week", "1")
        self.quotation()
        self.quotation()
        messages = self.run_scan(DAY0 + timedelta(hours=24))
        self.assertEqual(sorted(messages.mapped("state")), ["cancelled", "queued"])
        self.assertEqual(
            messages.filtered(lambda m: m.state == "cancelled").error_code,
            "frequency_cap",
        )

    def other_customer(self):
        return self.env["res.partner"].create(
            {"name": "Rina Cart", "email": "rina.cart@example.com"}
        )


@tagged("post_install", "-at_install")
class TestReviewRequest(FollowupCommon):
    """N days after Delivered, one message with the link to rate the products,
    never twice per order; off by default; not capped, not to opted-out
    customers."""

    def setUp(self):
        super().setUp()
        self.param("roms_crm.review_request_days", "3")

    def run_scan(self, when):
        with freeze_time(when):
            self.env["sale.order"]._cron_roms_followups()
        return self.messages("review_request")

    def test_once_per_order_with_review_link(self):
        order = self._delivered_order()
        self.assertFalse(self.run_scan(day(2, hours=23)))
        request = self.run_scan(day(3))
        self.assertEqual(len(request), 1)
        self.assertEqual((request.res_id, request.state), (order.id, "queued"))
        self.assertIn(
            f"/my/orders/{order.id}?access_token={order.access_token}#roms_reviews",
            request.body,
        )
        request._set_status("sent", when=day(3))
        self.assertEqual(self.run_scan(day(4)), request)
        # a second order gets its own
        self._delivered_order(day(1))
        self.assertEqual(len(self.run_scan(day(4))), 2)

    def test_off_by_default(self):
        self.param("roms_crm.review_request_days", "0")
        self._delivered_order()
        self.assertFalse(self.run_scan(day(5)))

    def test_not_to_opted_out_or_reviewed(self):
        order = self._delivered_order()
        self.env["roms.product.review"].create(
            {
                "product_tmpl_id": self.product.product_tmpl_id.id,
                "partner_id": self.customer.id,
                "rating": 5,
                "order_id": order.id,
            }
        )
        other = self.env["res.partner"].create(
            {"name": "Opted Out", "email": "optout.review@example.com"}
        )
        self._delivered_order(partner=other)
        other._roms_set_opt_out(True)
        self.assertFalse(self.run_scan(day(3)))

    def test_not_capped(self):
        self.param("roms_crm.marketing_cap_per_week", "1")
        self._delivered_order()
        with freeze_time(day(2)):
            self.Message.create(
                {"partner_id": self.customer.id, "kind": "broadcast", "body": "Promo"}
            )
        request = self.run_scan(day(3))
        self.assertEqual(request.state, "queued")
