from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.roms_crm.tests.common import make_order

from .common import WhatsappCase

NUMBER = "+6281234567801"
OTHER = "+6281234567802"


@tagged("post_install", "-at_install")
class TestReminderReplies(WhatsappCase):
    """A reminder's answers: reply buttons on the Cloud API (interactive within the
    24-hour window, the approved template's quick replies outside it), numbered
    replies on a QR gateway; each acts once, only from the reminded number, within
    the reply window."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("id_ID")
        cls.meta_account._set_state("connected")
        cls.env["roms.message"].search([("state", "=", "queued")]).write(
            {"state": "cancelled"}
        )
        cls.partner = cls.env["res.partner"].create(
            {
                "name": "Sari Wulandari",
                "mobile": "0812-3456-7801",
                "roms_category": "customer",
                "lang": "id_ID",
            }
        )
        cls.other = cls.env["res.partner"].create(
            {"name": "Orang Lain", "mobile": "0812-3456-7802", "lang": "id_ID"}
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Kopi Gayo Balas",
                "list_price": 85000,
                "taxes_id": [Command.clear()],
            }
        )
        cls.template = cls.env["roms.message.template"].create(
            {
                "name": "Pengingat balas",
                "template_type": "reminder",
                "body": "Halo {customer_name}, {product_name} sudah habis?",
            }
        )
        cls.rule = cls.env["roms.reminder.rule"].create(
            {
                "name": "Balas",
                "days_after_delivery": 14,
                "template_id": cls.template.id,
            }
        )
        cls.env["ir.config_parameter"].sudo().set_param(
            "roms_crm.reply_order_state", "quotation"
        )

    # helpers
    # ------------------------------------------------------------------

    def customer_writes(self, account, number=NUMBER, body="Halo"):
        self.env["discuss.channel"]._roms_wa_receive(
            account,
            {
                "number": number,
                "profile_name": "Sari",
                "body": body,
                "provider_message_id": f"wamid.hello.{fields.Datetime.now()}",
                "timestamp": fields.Datetime.now(),
                "attachment_ids": [],
            },
        )

    def remind(self):
        """A delivered order and its reminder, queued and sent."""
        order = make_order(
            self.env, self.partner, self.product, qty=2, stage="delivered"
        )
        # the order's own messages (stage notices) are not the subject here
        self.env["roms.message"].search([("state", "=", "queued")]).write(
            {"state": "cancelled"}
        )
        reminder = self.env["roms.reminder.rule"]._queue_reminders(
            [(self.rule.id, order.order_line.id)]
        )
        self.assertEqual(len(reminder), 1)
        self.env["roms.message"]._cron_roms_send_messages()
        self.assertEqual(reminder.state, "sent", reminder.error_message)
        return order, reminder

    def use_waha(self):
        self.meta_account._set_state("disconnected", "token_expired")
        self.waha_account.is_default = True
        self.waha.connect("default")
        self.waha_account._check_status()

    def receive(self, fake, account, payload):
        response = self.post_webhook(fake, self.webhook_url(account), payload)
        self.assertEqual(response.status_code, 200)
        self.env["roms.whatsapp.inbound"]._cron_process()

    def tap(self, reminder, action, template=False, number=NUMBER):
        payload = reminder._roms_reply_payload(action)
        self.receive(
            self.meta,
            self.meta_account,
            self.meta.reply_payload(number, payload, action.title(), template=template),
        )

    def waha_reply(self, text, number=NUMBER):
        self.receive(
            self.waha, self.waha_account, self.waha.message_event(number, text)
        )

    def reply_orders(self):
        return self.env["sale.order"].search(
            [("partner_id", "=", self.partner.id), ("state", "in", ("draft", "sent"))]
        )

    def conversation(self, account):
        return self.env["discuss.channel"].search(
            [
                ("channel_type", "=", "roms_whatsapp"),
                ("roms_account_id", "=", account.id),
                ("roms_wa_number", "=", NUMBER),
            ]
        )

    # sending
    # ------------------------------------------------------------------

    def test_buttons_within_window(self):
        self.customer_writes(self.meta_account)
        _order, reminder = self.remind()
        [request] = self.meta.sent("/messages")
        body = request.json
        self.assertEqual(body["type"], "interactive")
        self.assertEqual(body["interactive"]["body"]["text"], reminder.body)
        buttons = body["interactive"]["action"]["buttons"]
        self.assertEqual(
            [button["reply"]["title"] for button in buttons],
            ["Pesan lagi", "Nanti", "Berhenti"],
        )
        ids = [button["reply"]["id"] for button in buttons]
        self.assertEqual(
            ids, [reminder._roms_reply_payload(a) for a in ("reorder", "later", "stop")]
        )
        # the payload names no record: a random token, not the message's id
        token = reminder.sudo().reply_token
        self.assertGreaterEqual(len(token), 24)
        self.assertNotIn(str(reminder.id), ids[0].rsplit(":", 1)[0])

    def test_template_quick_replies_outside_window(self):
        with freeze_time(fields.Datetime.now() - timedelta(hours=30)):
            self.customer_writes(self.meta_account)
        self.template.write(
            {
                "roms_meta_template_name": "pengingat_balas",
                "roms_meta_template_lang": "id",
            }
        )
        _order, reminder = self.remind()
        [request] = self.meta.sent("/messages")
        template = request.json["template"]
        self.assertEqual(template["name"], "pengingat_balas")
        buttons = [c for c in template["components"] if c["type"] == "button"]
        self.assertEqual(
            [
                (b["sub_type"], b["index"], b["parameters"][0]["payload"])
                for b in buttons
            ],
            [
                ("quick_reply", str(index), reminder._roms_reply_payload(action))
                for index, action in enumerate(("reorder", "later", "stop"))
            ],
        )

    def test_numbered_replies_text_on_waha(self):
        self.use_waha()
        _order, reminder = self.remind()
        [request] = self.waha.sent("/api/sendText")
        self.assertEqual(
            request.json["text"],
            reminder.body + "\n\nBalas 1 = pesan lagi, 2 = nanti, 3 = berhenti",
        )

    # answers
    # ------------------------------------------------------------------

    def test_order_again_button_creates_one_quotation(self):
        self.customer_writes(self.meta_account)
        order, reminder = self.remind()
        self.tap(reminder, "reorder")
        quotation = self.reply_orders()
        self.assertEqual(len(quotation), 1)
        self.assertEqual(quotation.state, "sent")
        self.assertEqual(quotation.order_line.product_id, self.product)
        self.assertEqual(quotation.order_line.product_uom_qty, 2)
        self.assertEqual(quotation.roms_message_id, reminder)
        self.assertEqual(quotation.roms_attribution, "reply_button")
        self.assertEqual(reminder.reply_order_id, quotation)
        self.assertNotEqual(quotation, order)
        # the customer gets its link and how to pay
        answer = self.env["roms.message"].search(
            [("res_model", "=", "sale.order"), ("res_id", "=", quotation.id)]
        )
        self.assertEqual(len(answer), 1)
        self.assertEqual(answer.recipient, NUMBER)
        self.assertIn(quotation.name, answer.body)
        self.assertIn(quotation.get_portal_url(), answer.body)
        # the agent sees it in the conversation
        notes = self.conversation(self.meta_account).message_ids.filtered(
            lambda m: quotation.name in (m.body or "")
        )
        self.assertEqual(len(notes), 1)
        self.assertNotEqual(notes.message_type, "comment")
        # a second tap creates nothing more
        self.tap(reminder, "reorder")
        self.assertEqual(self.reply_orders(), quotation)

    def test_order_again_after_ordering_with_the_link(self):
        """The reminder's own {reorder_link} was used first: the button finds that
        order and places no second one."""
        self.customer_writes(self.meta_account)
        _order, reminder = self.remind()
        link = self.env["roms.reorder.link"]._get_or_create(
            self.partner, reminder.sale_order_line_id
        )
        placed = link._place({self.product: 1}, self.partner)
        self.tap(reminder, "reorder")
        self.assertEqual(reminder.reply_order_id, placed)
        self.assertEqual(
            self.env["sale.order"].search(
                [
                    ("partner_id", "=", self.partner.id),
                    ("roms_source", "=", "reorder_link"),
                ]
            ),
            placed,
        )

    def test_order_again_confirms_per_setting(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "roms_crm.reply_order_state", "confirmed"
        )
        self.customer_writes(self.meta_account)
        _order, reminder = self.remind()
        self.tap(reminder, "reorder")
        self.assertEqual(reminder.reply_order_id.state, "sale")
        self.assertEqual(
            self.env["roms.message"]
            .search(
                [
                    ("res_model", "=", "sale.order"),
                    ("res_id", "=", reminder.reply_order_id.id),
                ]
            )
            .mapped("kind"),
            ["order_confirmation"],
        )

    def test_waha_one_creates_one_quotation(self):
        self.use_waha()
        _order, reminder = self.remind()
        self.waha_reply("1")
        quotation = self.reply_orders()
        self.assertEqual(len(quotation), 1)
        self.assertEqual(reminder.reply_order_id, quotation)
        self.waha_reply("1")
        self.assertEqual(self.reply_orders(), quotation)

    def test_later_reschedules_once(self):
        self.customer_writes(self.meta_account)
        _order, reminder = self.remind()
        now = fields.Datetime.now()
        self.tap(reminder, "later", template=True)
        again = reminder.reply_snooze_id
        self.assertTrue(again)
        self.assertEqual((again.kind, again.state), ("reminder", "queued"))
        self.assertEqual(again.body, reminder.body)
        self.assertAlmostEqual(
            again.next_attempt_at, now + timedelta(days=7), delta=timedelta(minutes=5)
        )
        # the repeated reminder carries buttons of its own, and is not repeated
        self.assertTrue(again.sudo().reply_token)
        self.assertNotEqual(again.sudo().reply_token, reminder.sudo().reply_token)
        self.tap(reminder, "later")
        self.assertEqual(
            self.env["roms.message"].search_count([("parent_id", "=", reminder.id)]),
            1,
        )
        self.assertFalse(again._roms_handle_reply("later"))

    def test_stop_opts_out_politely(self):
        self.use_waha()
        self.remind()
        self.waha_reply("3")
        self.assertTrue(self.partner.roms_opt_out)
        answer = self.env["roms.message"].search(
            [("partner_id", "=", self.partner.id), ("body", "ilike", "tidak akan")]
        )
        self.assertEqual(len(answer), 1)
        self.assertEqual((answer.kind, answer.recipient), ("manual", NUMBER))
        # a second "3" says nothing more
        self.waha_reply("3")
        self.assertEqual(
            self.env["roms.message"].search_count(
                [("partner_id", "=", self.partner.id), ("body", "ilike", "tidak akan")]
            ),
            1,
        )

    def test_other_number_or_late_reply_is_a_chat_message(self):
        self.use_waha()
        _order, reminder = self.remind()
        # another customer's "1"
        self.waha_reply("1", number=OTHER)
        self.assertFalse(self.reply_orders())
        self.assertFalse(reminder.replied_at)
        # the reminded customer's "1" after the window
        with freeze_time(fields.Datetime.now() + timedelta(hours=73)):
            self.waha_reply("1")
        self.assertFalse(self.reply_orders())
        self.assertFalse(reminder.replied_at)
        channel = self.conversation(self.waha_account)
        inbound = channel.message_ids.filtered(lambda m: m.roms_wa_direction == "in")
        self.assertEqual(len(inbound), 1)
        self.assertIn("1", inbound.body)

    def test_button_from_another_number_does_nothing(self):
        self.customer_writes(self.meta_account)
        _order, reminder = self.remind()
        self.tap(reminder, "reorder", number=OTHER)
        self.assertFalse(self.reply_orders())
        self.assertFalse(reminder.replied_at)

    def test_forged_payloads_do_nothing(self):
        self.customer_writes(self.meta_account)
        _order, reminder = self.remind()
        token = reminder.sudo().reply_token
        # the token with another last character (a random token ends in "X" once
        # in 64 runs: that one was the real token)
        wrong_end = "Y" if token.endswith("X") else "X"
        for payload in (
            f"roms:reorder:{reminder.id}",
            f"roms:reorder:{token[:-1]}{wrong_end}",
            f"roms:buy:{token}",
            f"roms:reorder:{token} ",
            f"roms:reorder:{token}'; --",
            "x" * 300,
            "",
        ):
            self.receive(
                self.meta,
                self.meta_account,
                self.meta.reply_payload(NUMBER, payload or "-", "Pesan lagi"),
            )
        self.assertFalse(self.reply_orders())
        self.assertFalse(reminder.replied_at)
        self.assertFalse(self.partner.roms_opt_out)
        # a payload of a reminder to someone else, replayed from the wrong number
        self.assertEqual(
            self.env["roms.message"]._roms_from_reply_payload(
                f"roms:stop:{token[:-2]}"
            )[1],
            None,
        )

    # follow-ups stop when the customer writes
    # ------------------------------------------------------------------

    def test_second_step_stops_when_the_customer_writes(self):
        self.rule.write({"followup_template_id": self.template.id, "followup_days": 3})
        self.customer_writes(self.meta_account)
        _order, reminder = self.remind()
        Rule = self.env["roms.reminder.rule"]
        later = reminder.sent_at + timedelta(days=3)
        self.assertEqual(Rule._due_followups(now=later), reminder)
        with freeze_time(reminder.sent_at + timedelta(days=1)):
            self.customer_writes(self.meta_account, body="Masih ada kok, kak")
        self.assertFalse(Rule._due_followups(now=later))

    def test_cart_recovery_stops_when_the_customer_writes(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "roms_crm.cart_recovery_hours", "24"
        )
        now = fields.Datetime.now()
        with freeze_time(now - timedelta(hours=30)):
            quotation = self.env["sale.order"].create(
                {
                    "partner_id": self.partner.id,
                    "order_line": [Command.create({"product_id": self.product.id})],
                }
            )
        SaleOrder = self.env["sale.order"]
        self.assertIn((quotation.id, 1), SaleOrder._roms_due_cart_recoveries(now=now))
        with freeze_time(now - timedelta(hours=2)):
            self.customer_writes(self.waha_account, body="Nanti saya transfer")
        self.assertNotIn(
            (quotation.id, 1), SaleOrder._roms_due_cart_recoveries(now=now)
        )

    # a digit answers the last question asked: the satisfaction question after a
    # resolve ("Balas 1–5") or the reminder ("Balas 1 = pesan lagi…")
    # ------------------------------------------------------------------

    def resolve_and_ask(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "roms_whatsapp.csat_enabled", "True"
        )
        self.customer_writes(self.waha_account)
        conversation = self.conversation(self.waha_account)
        conversation._roms_wa_set_status("resolved")
        self.assertTrue(conversation.roms_episode_id.csat_asked_at)
        return conversation

    def test_digit_after_the_satisfaction_question_is_a_score(self):
        self.use_waha()
        start = fields.Datetime.now()
        with freeze_time(start):
            _order, reminder = self.remind()
        with freeze_time(start + timedelta(hours=1)):
            conversation = self.resolve_and_ask()
        with freeze_time(start + timedelta(hours=2)):
            self.waha_reply("3")
        self.assertEqual(conversation.roms_csat_score, 3)
        self.assertFalse(self.partner.roms_opt_out, "3 was a score, not 'berhenti'")
        self.assertFalse(reminder.reply_order_id, "no order again")
        self.assertFalse(reminder.reply_snooze_id, "no 'later'")

    def test_digit_after_a_later_reminder_answers_the_reminder(self):
        self.use_waha()
        start = fields.Datetime.now()
        with freeze_time(start):
            conversation = self.resolve_and_ask()
        with freeze_time(start + timedelta(hours=1)):
            _order, reminder = self.remind()
        with freeze_time(start + timedelta(hours=2)):
            self.waha_reply("1")
        self.assertEqual(reminder.reply_order_id, self.reply_orders())
        self.assertTrue(reminder.reply_order_id)
        self.assertFalse(conversation.roms_csat_score)

    # a digit answers the last question asked: the menu bot's ("Balas 1–2") or
    # the reminder's, whichever was sent last
    # ------------------------------------------------------------------

    def menu_bot(self):
        """The QR gateway account answers with its menu: 1 = the last orders."""
        self.waha_account.write(
            {
                "roms_auto_enabled": True,
                "roms_bot_enabled": True,
                "roms_bot_entry_ids": [
                    Command.create(
                        {"name": "Cek pesanan", "action": "orders", "sequence": 1}
                    ),
                    Command.create(
                        {"name": "Bicara dengan CS", "action": "human", "sequence": 2}
                    ),
                ],
            }
        )

    def test_digit_after_a_later_reminder_answers_the_reminder_not_the_menu(self):
        self.use_waha()
        self.menu_bot()
        start = fields.Datetime.now()
        with freeze_time(start):
            self.waha_reply("Halo")
        conversation = self.conversation(self.waha_account)
        [menu] = self.automatic(conversation)
        self.assertEqual(
            [option["id"] for option in menu.roms_wa_interactive["options"]],
            ["bot:orders", "bot:human"],
        )
        with freeze_time(start + timedelta(hours=1)):
            _order, reminder = self.remind()
        with freeze_time(start + timedelta(hours=2)):
            self.waha_reply("1")
        self.assertTrue(reminder.reply_order_id)
        self.assertEqual(reminder.reply_order_id, self.reply_orders())
        self.assertEqual(self.automatic(conversation), menu, "no list of orders")

    def test_digit_after_a_later_menu_answers_the_menu_not_the_reminder(self):
        self.use_waha()
        self.menu_bot()
        start = fields.Datetime.now()
        with freeze_time(start):
            order, reminder = self.remind()
        with freeze_time(start + timedelta(hours=1)):
            self.waha_reply("Halo")
        conversation = self.conversation(self.waha_account)
        [menu] = self.automatic(conversation)
        self.assertTrue(menu.roms_wa_interactive)
        with freeze_time(start + timedelta(hours=2)):
            self.waha_reply("1")
        self.assertFalse(reminder.reply_order_id)
        self.assertFalse(self.reply_orders(), "1 was Cek pesanan, not 'pesan lagi'")
        orders = self.automatic(conversation) - menu
        self.assertEqual(len(orders), 1)
        self.assertIn(order.name, orders.body)
        # "3" is no option of the menu, and the reminder is no longer the latest
        # question: a chat message, never "berhenti"
        with freeze_time(start + timedelta(hours=3)):
            self.waha_reply("3")
        self.assertFalse(self.partner.roms_opt_out)
        self.assertFalse(reminder.replied_at)
        self.assertEqual(len(self.automatic(conversation)), 2)
        latest = conversation.message_ids.filtered(lambda m: m.roms_wa_direction)[:1]
        self.assertEqual(latest.roms_wa_direction, "in")
        self.assertIn("3", latest.body)
