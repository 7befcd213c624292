"""WhatsApp automation end to end: customers write through the fake providers'
webhooks, the inbound cron answers as the account's automation says (business
hours, welcome, away, keyword rules, the menu bot), through the queue."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from odoo.addons.roms_crm.tests.common import make_order
from odoo.addons.roms_crm.tests.message_common import send_cron_triggers

from ..models.roms_whatsapp_automation import (
    keyword_variants,
    normalize_text,
    text_matches,
)
from .common import WhatsappCase

NUMBER = "+6281234567821"
OTHER = "+6281234567822"
# Monday 7 January 2030, 10:00 in Jakarta (UTC+7); the 8th is a holiday
MONDAY_10 = datetime(2030, 1, 7, 3, 0)
MONDAY_21 = datetime(2030, 1, 7, 14, 0)
HOLIDAY_10 = datetime(2030, 1, 8, 3, 0)
SUNDAY_10 = datetime(2030, 1, 13, 3, 0)


@tagged("post_install", "-at_install")
class TestAutomation(WhatsappCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env.company.partner_id.tz = "Asia/Jakarta"
        env["res.users"].search([("roms_online", "=", True)]).roms_online = False
        cls.agent = new_test_user(
            env,
            "roms_auto_agent",
            groups="base.group_user,roms_crm.group_roms_cs",
            name="Agen Auto",
        )
        cls.agent.roms_online = True
        cls.waha.connect("default")
        cls.waha_account._check_status()
        cls.meta_account._set_state("connected")
        env["roms.message"].search([("state", "=", "queued")]).write(
            {"state": "cancelled"}
        )
        cls.label = env["roms.whatsapp.label"].create({"name": "Ongkir test"})
        cls.partner = env["res.partner"].create(
            {"name": "Sari Auto", "mobile": "0812-3456-7821", "lang": "en_US"}
        )
        cls.other = env["res.partner"].create(
            {"name": "Orang Lain", "mobile": "0812-3456-7822", "lang": "en_US"}
        )
        cls.product = env["product.product"].create(
            {"name": "Kopi Auto", "list_price": 50000, "taxes_id": [Command.clear()]}
        )
        for account in (cls.waha_account, cls.meta_account):
            cls._configure(account)

    @classmethod
    def _configure(cls, account):
        account.write(
            {
                "roms_auto_enabled": True,
                "roms_auto_cooldown_hours": 12,
                "roms_welcome_enabled": True,
                "roms_welcome_text": "Welcome {customer_name}!",
                "roms_welcome_silence_days": 30,
                "roms_away_enabled": True,
                "roms_away_text": "We are closed, back {next_open}.",
                "roms_bot_enabled": True,
                "roms_bot_greeting": "Choose:",
                "roms_hours_ids": [
                    Command.create({"weekday": str(day), "hour_from": 8, "hour_to": 20})
                    for day in range(6)
                ],
                "roms_holiday_ids": [
                    Command.create({"date": "2030-01-08", "name": "Libur"})
                ],
                "roms_bot_entry_ids": [
                    Command.create({"name": name, "action": action, "sequence": seq})
                    for seq, (name, action) in enumerate(
                        [
                            ("Cek pesanan", "orders"),
                            ("Katalog", "catalog"),
                            ("Poin saya", "points"),
                            ("Bicara dengan CS", "human"),
                        ]
                    )
                ],
                "roms_bot_catalog_url": "https://toko.test/shop",
            }
        )
        Rule = cls.env["roms.whatsapp.keyword.rule"]
        Rule.create(
            [
                {
                    "name": "Harga",
                    "sequence": 10,
                    "account_id": account.id,
                    "match_type": "exact",
                    "keywords": "harga, berapa,\nprice",
                    "reply_text": "Price list: {customer_name}",
                },
                {
                    "name": "Harga grosir",
                    "sequence": 5,
                    "account_id": account.id,
                    "match_type": "starts",
                    "keywords": "harga grosir",
                    "reply_text": "Wholesale prices",
                },
                {
                    "name": "Ongkir",
                    "sequence": 20,
                    "account_id": account.id,
                    "match_type": "contains",
                    "keywords": "ongkir",
                    "reply_text": "Shipping depends on the city",
                    "label_id": cls.label.id,
                    "handover": True,
                },
            ]
        )

    # helpers
    # ------------------------------------------------------------------

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param(
            "roms_whatsapp.auto_replies_per_hour", "5"
        )

    def writes(self, text, number=NUMBER, account=None):
        account = account or self.waha_account
        fake = self.meta if account.provider == "meta" else self.waha
        payload = (
            self.meta.message_payload(number, text)
            if account.provider == "meta"
            else self.waha.message_event(number, text)
        )
        return self.deliver(fake, account, payload, number)

    def deliver(self, fake, account, payload, number=NUMBER):
        response = self.post_webhook(fake, self.webhook_url(account), payload)
        self.assertEqual(response.status_code, 200)
        self.env["roms.whatsapp.inbound"]._cron_process()
        failed = self.inbound(account).filtered(lambda i: i.state != "done")
        self.assertFalse(failed, failed.mapped("error"))
        return self.conversation(number, account)

    def conversation(self, number=NUMBER, account=None):
        return self.env["discuss.channel"].search(
            [
                ("roms_wa_number", "=", number),
                ("roms_account_id", "=", (account or self.waha_account).id),
            ]
        )

    def sent_texts(self):
        return [r.json["text"] for r in self.waha.sent("/api/sendText")]

    # matching
    # ------------------------------------------------------------------

    def test_plain_matching(self):
        self.assertEqual(normalize_text("  HÁRGA?? kopi-Gayo "), "harga kopi gayo")
        self.assertEqual(
            keyword_variants("Ongkir, ONGKÍR\n ongkos kirim,,"),
            [
                "ongkir",
                "ongkos kirim",
            ],
        )
        variants = ["harga", "ongkos kirim"]
        self.assertTrue(text_matches("exact", variants, "berapa harga nya"))
        self.assertTrue(text_matches("exact", variants, "ongkos kirim ke malang"))
        self.assertFalse(text_matches("exact", variants, "menghargai"))
        self.assertTrue(text_matches("contains", variants, "menghargai"))
        self.assertTrue(text_matches("starts", variants, "harga kopi"))
        self.assertFalse(text_matches("starts", variants, "kopi harga"))
        self.assertFalse(text_matches("starts", variants, "hargai"))
        # regular expression characters are plain text
        self.assertEqual(keyword_variants("(a+)+$, .*"), ["a"])
        self.assertFalse(text_matches("contains", keyword_variants(".*"), "apa saja"))
        # a huge message is matched on its beginning only, quickly
        self.assertTrue(text_matches("starts", ["a"], normalize_text("a " * 10**6)))

    def test_coba_aturan(self):
        rule = self.env["roms.whatsapp.keyword.rule"].search(
            [("account_id", "=", self.waha_account.id), ("name", "=", "Harga")]
        )
        rule.test_text = "Kak, HÁRGA kopi gayo?"
        rule.action_roms_test()
        self.assertIn("Harga (this one)", rule.test_result)
        self.assertIn("Price list:", rule.test_result)
        rule.test_text = "harga grosir dong"
        self.assertIn("Harga grosir", rule.test_result)
        self.assertNotIn("(this one)", rule.test_result)
        rule.test_text = "halo"
        self.assertEqual(rule.test_result, "No rule answers this message.")

    # business hours, welcome, away
    # ------------------------------------------------------------------

    def test_inside_hours_welcome_once_with_the_menu(self):
        with freeze_time(MONDAY_10):
            conversation = self.writes("Halo")
        [menu] = self.automatic(conversation)
        self.assertEqual(menu.state, "sent", menu.error_message)
        text = self.sent_texts()[-1]
        self.assertTrue(text.startswith("Welcome Sari Auto!\n\nChoose:"), text)
        self.assertIn("1. Cek pesanan\n2. Katalog\n3. Poin saya\n4. Bicara", text)
        self.assertIn("Reply 1–4", text)
        self.assertNotIn("closed", text)
        # in the thread, by OdooBot, labelled automatic; not an agent's reply
        post = conversation.message_ids[0]
        self.assertIn("4. Bicara dengan CS", post.body, "the agent sees the options")
        self.assertEqual(post.author_id, self.env.ref("base.partner_root"))
        self.assertTrue(post._roms_wa_ticks_values()["roms_wa_automatic"])
        self.assertEqual(conversation.roms_status, "open")
        self.assertFalse(conversation.roms_last_reply_at)
        with freeze_time(MONDAY_10 + timedelta(minutes=5)):
            self.writes("Halo lagi")
        self.assertEqual(len(self.automatic(conversation)), 1, "welcome once")
        # a month of silence: welcomed again
        with freeze_time(MONDAY_10 + timedelta(days=31)):
            self.writes("Halo, masih buka?")
        self.assertIn("Welcome Sari Auto!", self.sent_texts()[-1])

    def test_outside_hours_and_holiday(self):
        with freeze_time(MONDAY_21):
            conversation = self.writes("harga?")
        texts = self.sent_texts()
        self.assertEqual(texts[0], "Welcome Sari Auto!")
        self.assertEqual(texts[1], "We are closed, back Wednesday 08:00.")
        self.assertEqual(texts[2], "Price list: Sari Auto")
        with freeze_time(MONDAY_21 + timedelta(hours=1)):
            self.writes("berapa")
        self.assertEqual(len(self.automatic(conversation)), 4, "away once per 12 h")
        with freeze_time(HOLIDAY_10):
            self.writes("price")
        self.assertIn("back Wednesday 08:00", self.sent_texts()[-2])
        # Sunday: the next opening is Monday; in Indonesian for an Indonesian
        self.env["res.lang"]._activate_lang("id_ID")
        self.partner.lang = "id_ID"
        with freeze_time(SUNDAY_10):
            self.writes("halo kak")
        self.assertIn("Senin 08:00", "\n".join(self.sent_texts()))
        self.assertTrue(self.waha_account._roms_wa_is_open(MONDAY_10))
        self.assertFalse(self.waha_account._roms_wa_is_open(HOLIDAY_10))

    # keyword rules
    # ------------------------------------------------------------------

    def test_keyword_rules_in_order(self):
        with freeze_time(MONDAY_10):
            conversation = self.writes("Harga grosir dong kak")
            self.writes("HÁRGA kopi")
            self.writes("ongkirnya ke malang?")
        texts = self.sent_texts()
        # the first message is welcomed (no menu: a rule answered)
        self.assertEqual(
            texts,
            [
                "Welcome Sari Auto!",
                "Wholesale prices",
                "Price list: Sari Auto",
                "Shipping depends on the city",
            ],
        )
        self.assertIn(self.label, conversation.roms_label_ids)
        self.assertTrue(conversation.roms_bot_paused, "handed over")
        self.assertEqual(conversation.roms_agent_id, self.agent)
        with freeze_time(MONDAY_10 + timedelta(minutes=1)):
            self.writes("harga?")
        self.assertEqual(len(self.sent_texts()), 4, "silent while handed over")

    # menu bot
    # ------------------------------------------------------------------

    # inside business hours whatever the hour of the run (it failed from 20:00 in
    # Jakarta: the away message came with the menu)
    @freeze_time(MONDAY_10)
    def test_menu_on_cloud_api_and_orders(self):
        orders = [
            make_order(self.env, self.partner, self.product, stage=stage)
            for stage in ("processed", "shipped", "delivered", "shipped")
        ]
        for days, order in enumerate(reversed(orders)):
            order.date_order = fields.Datetime.now() - timedelta(days=days + 1)
        orders[-1].roms_tracking_number = "JNE0012345"
        foreign = make_order(self.env, self.other, self.product)
        self.env["roms.message"].search([("state", "=", "queued")]).write(
            {"state": "cancelled"}
        )
        conversation = self.writes("Halo", account=self.meta_account)
        menu = self.meta.sent("/messages")[-1].json["interactive"]
        self.assertEqual(menu["type"], "list")
        rows = menu["action"]["sections"][0]["rows"]
        self.assertEqual(rows[0], {"id": "bot:orders", "title": "Cek pesanan"})
        self.deliver(
            self.meta,
            self.meta_account,
            self.meta.list_reply_payload(NUMBER, "bot:orders", "Cek pesanan"),
        )
        answer = self.meta.sent("/messages")[-1].json["text"]["body"]
        for order in orders[1:]:
            self.assertIn(order.name, answer)
        self.assertNotIn(orders[0].name, answer, "the last three only")
        self.assertNotIn(foreign.name, answer)
        self.assertIn("JNE0012345", answer)
        self.assertEqual(len(self.automatic(conversation)), 2)
        # the other customer types this customer's order number: nothing of it
        self.writes(orders[-1].name, number=OTHER, account=self.meta_account)
        self.deliver(
            self.meta,
            self.meta_account,
            self.meta.list_reply_payload(OTHER, "bot:orders", "Cek pesanan"),
            number=OTHER,
        )
        bodies = [
            r.json.get("text", {}).get("body") or r.json["interactive"]["body"]["text"]
            for r in self.meta.sent("/messages")
            if r.json["to"] == OTHER.lstrip("+")
        ]
        self.assertTrue(bodies)
        for body in bodies:
            for order in orders:
                self.assertNotIn(order.name, body)
            self.assertNotIn("JNE0012345", body)
        self.assertIn(foreign.name, bodies[-1], "their own order")

    def test_menu_on_waha_number_and_handover(self):
        with freeze_time(MONDAY_10):
            conversation = self.writes("Halo")
        with freeze_time(MONDAY_10 + timedelta(minutes=1)):
            self.writes("2")
        self.assertEqual(
            self.sent_texts()[-1],
            "Here is our catalogue, with the prices for you.\n\n"
            "Open: https://toko.test/shop",
        )
        with freeze_time(MONDAY_10 + timedelta(minutes=2)):
            self.writes("menu")
        self.assertIn("4. Bicara dengan CS", self.sent_texts()[-1])
        with freeze_time(MONDAY_10 + timedelta(minutes=3)):
            self.writes("4")
        self.assertTrue(conversation.roms_bot_paused)
        self.assertEqual(conversation.roms_agent_id, self.agent)
        count = len(self.sent_texts())
        # the agent talks: the bot stays silent, "2" is a chat message
        conversation.with_user(self.agent).message_post(
            body="Halo Kak, saya Agen", message_type="comment"
        )
        with freeze_time(MONDAY_10 + timedelta(minutes=4)):
            self.writes("2")
            self.writes("harga")
        self.assertEqual(len(self.sent_texts()), count + 1, "only the agent's reply")
        # resolved: the bot is back
        conversation.with_user(self.agent).action_roms_resolve()
        self.assertFalse(conversation.roms_bot_paused)
        with freeze_time(MONDAY_10 + timedelta(minutes=10)):
            self.writes("harga")
        self.assertEqual(self.sent_texts()[-1], "Price list: Sari Auto")

    def test_agent_writing_first_silences_the_bot(self):
        with freeze_time(MONDAY_10):
            conversation = self.writes("Halo")
        conversation.with_user(self.agent).action_roms_assign_to_me()
        conversation.with_user(self.agent).message_post(
            body="Ada yang bisa dibantu?", message_type="comment"
        )
        with freeze_time(MONDAY_10 + timedelta(minutes=1)):
            self.writes("1")
        self.assertEqual(len(self.automatic(conversation)), 1, "the first menu only")

    # loop guards and metrics
    # ------------------------------------------------------------------

    def test_loop_guards(self):
        with freeze_time(MONDAY_10):
            conversation = self.writes("harga")
        # another bot sends our own text back: never answered
        with freeze_time(MONDAY_10 + timedelta(minutes=1)):
            self.writes("Price list: Sari Auto")
            self.writes("Welcome Sari Auto!")
        self.assertEqual(len(self.automatic(conversation)), 2)
        self.env["ir.config_parameter"].sudo().set_param(
            "roms_whatsapp.auto_replies_per_hour", "4"
        )
        with freeze_time(MONDAY_10 + timedelta(minutes=2)):
            for _i in range(5):
                self.writes("berapa harga")
        self.assertEqual(len(self.automatic(conversation)), 4, "at most 4 per hour")
        with freeze_time(MONDAY_10 + timedelta(minutes=70)):
            self.writes("berapa harga")
        self.assertEqual(len(self.automatic(conversation)), 5)

    def test_welcome_spends_the_budget_of_the_keyword_reply(self):
        """The engine counts the hourly budget once and passes it down: the
        welcome spends the last one, the keyword reply of the same message
        waits for the next hour."""
        self.env["ir.config_parameter"].sudo().set_param(
            "roms_whatsapp.auto_replies_per_hour", "1"
        )
        with freeze_time(MONDAY_10):
            conversation = self.writes("harga")
        self.assertEqual(self.sent_texts(), ["Welcome Sari Auto!"])
        with freeze_time(MONDAY_10 + timedelta(minutes=1)):
            self.writes("harga")
        self.assertEqual(len(self.automatic(conversation)), 1, "at most 1 per hour")
        with freeze_time(MONDAY_10 + timedelta(minutes=62)):
            self.writes("harga")
        self.assertEqual(
            self.sent_texts(), ["Welcome Sari Auto!", "Price list: Sari Auto"]
        )

    def test_automatic_replies_wake_no_cron(self):
        """Automatic messages are queued and sent at once: ROMS's sending cron is
        not woken for them (no trigger, no NOTIFY)."""
        self.env.ref("roms_crm.ir_cron_roms_send_messages").active = True
        send_cron_triggers(self.env).unlink()
        with freeze_time(MONDAY_10):
            conversation = self.writes("harga")
            self.assertEqual(len(self.automatic(conversation)), 2)
            self.assertEqual(
                set(self.automatic(conversation).mapped("state")), {"sent"}
            )
            self.assertFalse(send_cron_triggers(self.env))

    def test_menu_answers_within_the_hourly_budget(self):
        """The answers to the menu are automatic messages too: counted in the
        same budget per hour as the welcome, the menu and the keyword rules."""
        self.env["ir.config_parameter"].sudo().set_param(
            "roms_whatsapp.auto_replies_per_hour", "2"
        )
        with freeze_time(MONDAY_10):
            conversation = self.writes("Halo")
        [menu] = self.automatic(conversation)
        self.assertTrue(menu.roms_wa_interactive)
        with freeze_time(MONDAY_10 + timedelta(minutes=1)):
            self.writes("3")
        self.assertEqual(len(self.automatic(conversation)), 2)
        self.assertEqual(self.sent_texts()[-1], "You have no loyalty points yet.")
        count = len(self.sent_texts())
        with freeze_time(MONDAY_10 + timedelta(minutes=2)):
            self.writes("3")
        self.assertEqual(len(self.automatic(conversation)), 2, "at most 2 per hour")
        self.assertEqual(len(self.sent_texts()), count)
        with freeze_time(MONDAY_10 + timedelta(minutes=62)):
            self.writes("3")
        self.assertEqual(len(self.automatic(conversation)), 3)
        self.assertEqual(self.sent_texts()[-1], "You have no loyalty points yet.")

    def test_not_an_agent_response(self):
        with freeze_time(MONDAY_10):
            conversation = self.writes("harga")
            self.assertEqual(len(self.automatic(conversation)), 2)
            report = self.env["roms.whatsapp.agent.report"]
            self.assertIsNone(
                report._roms_first_response_median(fields.Date.to_date("2030-01-07"))
            )
        self.assertEqual(conversation.roms_status, "open")
        self.assertFalse(conversation.roms_episode_id.resolved_at)

    def test_failure_keeps_the_customer_message(self):
        self.waha.fail_next(500, {"message": "boom"}, "/api/sendText", times=5)
        with freeze_time(MONDAY_10):
            conversation = self.writes("harga")
        self.assertIn(
            "harga",
            conversation.message_ids.filtered(
                lambda m: m.roms_wa_direction == "in"
            ).body,
        )

    def test_query_count(self):
        with freeze_time(MONDAY_10):
            self.writes("Halo")
        self.env.flush_all()
        with freeze_time(MONDAY_10 + timedelta(minutes=1)):
            response = self.post_webhook(
                self.waha,
                self.webhook_url(self.waha_account),
                self.waha.message_event(NUMBER, "harga kopi"),
            )
            self.assertEqual(response.status_code, 200)
            self.env.invalidate_all()
            # 40 without automation; the keyword reply (rule, loop guards and
            # the hourly budget counted once, the post in the thread, the
            # queue's send) adds 37
            with self.assertQueryCount(__system__=77):
                self.env["roms.whatsapp.inbound"]._cron_process()
        self.assertEqual(self.sent_texts()[-1], "Price list: Sari Auto")

    @freeze_time(MONDAY_10)
    def test_forged_and_foreign_reply_ids(self):
        conversation = self.writes("Halo", account=self.meta_account)
        count = len(self.automatic(conversation))
        other_rule = self.env["roms.whatsapp.keyword.rule"].search(
            [("account_id", "=", self.waha_account.id)], limit=1
        )
        for reply_id in (
            "bot:../orders",
            "bot:",
            "bot:template",
            f"rule:{other_rule.id}",  # a rule of another account
            "rule:99999999999999999999",
            "rule:-1",
            "x" * 200,
        ):
            self.deliver(
                self.meta,
                self.meta_account,
                self.meta.list_reply_payload(NUMBER, reply_id, "Cek"),
            )
        self.assertEqual(len(self.automatic(conversation)), count)
        # the points entry: the hook of the loyalty module, a plain text without
        self.deliver(
            self.meta,
            self.meta_account,
            self.meta.list_reply_payload(NUMBER, "bot:points", "Poin saya"),
        )
        answer = self.meta.sent("/messages")[-1].json["text"]["body"]
        self.assertEqual(
            answer,
            self.partner._roms_points_summary() or "You have no loyalty points yet.",
        )

    def test_demo_account(self):
        account = self.env.ref(
            "roms_whatsapp.roms_whatsapp_account_demo", raise_if_not_found=False
        )
        if not account:
            self.skipTest("installed without demo data")
        self.assertTrue(account.roms_auto_enabled and account.roms_bot_enabled)
        self.assertEqual(
            sorted(
                (int(h.weekday), h.hour_from, h.hour_to) for h in account.roms_hours_ids
            ),
            [(day, 8.0, 20.0) for day in range(6)],
        )
        Rule = self.env["roms.whatsapp.keyword.rule"]
        for text, name in (
            ("Kak harganya berapa?", "Harga"),
            ("ongkir ke Malang?", "Ongkir"),
            ("minta no rek dong", "Rekening"),
        ):
            self.assertEqual(Rule._roms_first_match(account, text).name, name)
        self.assertEqual(
            account.roms_bot_entry_ids.mapped("action"),
            ["orders", "catalog", "points", "human"],
        )
