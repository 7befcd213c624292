"""Interactive messages (reply buttons, lists, link buttons): the Cloud API sends
them as such, the QR gateways as numbered text whose numbered answer comes back
as the option's id."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import BaseCase, tagged

from odoo.addons.roms_crm.tests.common import make_order

from ..tools import MetaCloudApi, WahaApi, WhatsAppProviderError
from .common import WhatsappCase
from .fake_providers import start_fakes

NUMBER = "+6281234567811"
MENU = {
    "type": "list",
    "header": "Toko Kopi",
    "footer": "Ketik angka",
    "button": "Lihat menu",
    "options": [
        {"id": "bot:orders", "title": "Cek pesanan", "description": "3 terakhir"},
        {"id": "bot:catalog", "title": "Katalog"},
        {"id": "bot:points", "title": "Poin saya"},
        {"id": "bot:human", "title": "Bicara dengan CS"},
    ],
    "numbered_hint": "Balas 1–4",
}


@tagged("post_install", "-at_install")
class TestInteractiveClients(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.meta, cls.waha, cls.fonnte = start_fakes(cls, "s3cret")

    def setUp(self):
        super().setUp()
        self.meta.requests.clear()
        self.client = MetaCloudApi(
            {
                "base_url": self.meta.url,
                "api_version": "v21.0",
                "phone_number_id": self.meta.phone_number_id,
                "access_token": self.meta.token,
            },
            timeout=2,
        )

    def test_meta_list_buttons_and_link(self):
        self.client.send_interactive("+6281234567890", "Mau apa, Kak?", MENU)
        sent = self.meta.sent("/messages")[-1].json["interactive"]
        self.assertEqual(sent["type"], "list")
        self.assertEqual(sent["header"], {"type": "text", "text": "Toko Kopi"})
        self.assertEqual(sent["action"]["button"], "Lihat menu")
        rows = sent["action"]["sections"][0]["rows"]
        self.assertEqual(
            [row["id"] for row in rows],
            ["bot:orders", "bot:catalog", "bot:points", "bot:human"],
        )
        self.assertEqual(rows[0]["description"], "3 terakhir")
        self.assertNotIn("description", rows[1])
        # long titles are cut to Meta's limits, never refused
        self.client.send_interactive(
            "+6281234567890",
            "x" * 2000,
            {
                "type": "button",
                "options": [{"id": f"b{i}", "title": "T" * 40} for i in range(5)],
            },
        )
        sent = self.meta.sent("/messages")[-1].json["interactive"]
        self.assertEqual(len(sent["action"]["buttons"]), 3)
        self.assertEqual(len(sent["body"]["text"]), 1024)
        self.client.send_interactive(
            "+6281234567890",
            "Katalog kami",
            {"type": "cta_url", "url": "https://toko.test/shop", "url_label": "Buka"},
        )
        sent = self.meta.sent("/messages")[-1].json["interactive"]
        self.assertEqual(
            sent["action"],
            {
                "name": "cta_url",
                "parameters": {"display_text": "Buka", "url": "https://toko.test/shop"},
            },
        )
        # the old reply-button call is the same message
        self.client.send_buttons("+6281234567890", "Ya?", [("a", "Ya"), ("b", "Tidak")])
        sent = self.meta.sent("/messages")[-1].json["interactive"]
        self.assertEqual(sent["type"], "button")
        self.assertEqual(
            sent["action"]["buttons"][1]["reply"], {"id": "b", "title": "Tidak"}
        )

    def test_meta_refuses_bad_interactive(self):
        for interactive in (
            {"type": "carousel", "options": [{"id": "a", "title": "A"}]},
            {"type": "list", "options": []},
            {"type": "list", "options": "bot:orders"},
            None,
        ):
            with self.assertRaises(WhatsAppProviderError):
                self.client.send_interactive("+6281234567890", "Hi", interactive)
        # the fake Cloud API checks the documented limits (duplicate row ids)
        with self.assertRaises(WhatsAppProviderError) as caught:
            self.client.send_interactive(
                "+6281234567890",
                "Hi",
                {"type": "list", "options": [{"id": "a", "title": "A"}] * 2},
            )
        self.assertEqual(caught.exception.code, "131009")

    def test_waha_numbered_text(self):
        self.waha.connect("default")
        client = WahaApi(
            {
                "base_url": self.waha.url,
                "api_key": self.waha.api_key,
                "session": "default",
            },
            timeout=2,
        )
        client.send_interactive("+6281234567890", "Mau apa, Kak?", MENU)
        text = self.waha.sent("/api/sendText")[-1].json["text"]
        self.assertEqual(
            text,
            "Toko Kopi\n\nMau apa, Kak?\n\n1. Cek pesanan (3 terakhir)\n2. Katalog\n"
            "3. Poin saya\n4. Bicara dengan CS\n\nBalas 1–4\n\nKetik angka",
        )
        client.send_interactive(
            "+6281234567890",
            "Katalog kami",
            {"type": "cta_url", "url": "https://toko.test/shop", "url_label": "Buka"},
        )
        text = self.waha.sent("/api/sendText")[-1].json["text"]
        self.assertEqual(text, "Katalog kami\n\nBuka: https://toko.test/shop")


@tagged("post_install", "-at_install")
class TestNumberedAnswers(WhatsappCase):
    """A number typed on a QR gateway answers the latest numbered question sent to
    that number through that account, within the reply window: the menu bot
    answers the option it chose. Any other text stays the customer's chat
    message, which nothing answers here (the menu was just offered)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.waha.connect("default")
        cls.waha_account._check_status()
        # the menu bot with the entries of MENU's options (bot:<action>); the
        # menu is offered again only after a week (``ask`` offers it)
        cls.waha_account.write(
            {
                "roms_auto_enabled": True,
                "roms_bot_enabled": True,
                "roms_auto_cooldown_hours": 24 * 7,
                "roms_bot_catalog_url": "https://toko.test/shop",
                "roms_bot_entry_ids": [
                    Command.create(
                        {
                            "name": option["title"],
                            "action": option["id"].removeprefix("bot:"),
                            "sequence": sequence,
                        }
                    )
                    for sequence, option in enumerate(MENU["options"])
                ],
            }
        )
        cls.partner = env["res.partner"].create(
            {"name": "Rina Menu", "mobile": "0812-3456-7811", "lang": "en_US"}
        )
        product = env["product.product"].create(
            {"name": "Kopi Menu", "list_price": 50000, "taxes_id": [Command.clear()]}
        )
        cls.order = make_order(env, cls.partner, product)

    def ask(self):
        """The menu MENU, sent to the customer as the bot does."""
        message = self.env["roms.message"].create(
            {
                "partner_id": self.partner.id,
                "channel": "whatsapp",
                "kind": "chat",
                "body": "Mau apa, Kak?",
                "recipient": NUMBER,
                "roms_wa_interactive": MENU,
                "roms_automatic": True,
                "res_model": "discuss.channel",
                "res_id": self.conversation.id,
            }
        )
        message._send_now()
        self.assertEqual(message.state, "sent", message.error_message)
        self.conversation.roms_menu_at = fields.Datetime.now()
        return message

    def customer_writes(self, text, number=NUMBER):
        """``text`` comes from ``number`` through the gateway's webhook and the
        inbound cron handles it; it is in the conversation as written. Returns
        the automatic messages that answered it."""
        Message = self.env["roms.message"]
        last = Message.search([], order="id desc", limit=1).id
        response = self.post_webhook(
            self.waha,
            self.webhook_url(self.waha_account),
            self.waha.message_event(number, text),
        )
        self.assertEqual(response.status_code, 200)
        inbound = self.inbound(self.waha_account)[:1]
        self.env["roms.whatsapp.inbound"]._cron_process()
        self.assertEqual(inbound.state, "done", inbound.error)
        post = inbound.message_id
        self.assertEqual(post.roms_wa_direction, "in")
        self.assertIn(text.strip(), post.body)
        return Message.search(
            [("id", ">", last), ("roms_automatic", "=", True)], order="id"
        )

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param(
            "roms_whatsapp.auto_replies_per_hour", "20"
        )
        self.env["discuss.channel"]._roms_wa_receive(
            self.waha_account,
            {
                "number": NUMBER,
                "body": "Halo",
                "provider_message_id": f"hello-{fields.Datetime.now()}",
            },
        )
        self.conversation = self.env["discuss.channel"].search(
            [
                ("roms_wa_number", "=", NUMBER),
                ("roms_account_id", "=", self.waha_account.id),
            ]
        )

    def test_number_becomes_the_option(self):
        self.ask()
        [answer] = self.customer_writes(" 2. ")
        # the catalogue (option 2), sent to the customer at once
        self.assertEqual(answer.body, "Here is our catalogue, with the prices for you.")
        self.assertEqual(answer.state, "sent", answer.error_message)
        self.assertEqual(answer.recipient, NUMBER)
        self.assertEqual(
            self.waha.sent("/api/sendText")[-1].json["text"],
            "Here is our catalogue, with the prices for you.\n\n"
            "Open: https://toko.test/shop",
        )
        # in the thread: OdooBot's automatic message after the customer's text,
        # which stays in the chat as they wrote it
        bot_post, customer_post = self.conversation.message_ids[:2]
        self.assertEqual(bot_post.author_id, self.env.ref("base.partner_root"))
        self.assertEqual(bot_post.roms_message_id, answer)
        self.assertTrue(bot_post._roms_wa_ticks_values()["roms_wa_automatic"])
        self.assertIn("Here is our catalogue", bot_post.body)
        self.assertIn("2.", customer_post.body)
        self.assertEqual(customer_post.roms_wa_direction, "in")

    def test_each_number_chooses_its_option(self):
        self.ask()
        [orders] = self.customer_writes("1")
        self.assertTrue(orders.body.startswith("Your last orders:"), orders.body)
        self.assertIn(self.order.name, orders.body)
        [points] = self.customer_writes("3")
        self.assertIn("points", points.body)
        self.assertFalse(self.conversation.roms_bot_paused)
        [human] = self.customer_writes("4")
        self.assertEqual(
            human.body, "Thank you, one of our team will answer you shortly."
        )
        # handed over: the bot steps aside, the agents answer the numbers now
        self.assertTrue(self.conversation.roms_bot_paused)
        self.assertFalse(self.customer_writes("2"))

    def test_out_of_range_late_or_other_number_is_text(self):
        start = fields.Datetime.now()
        with freeze_time(start):
            self.ask()
        for text in ("5", "0", "22", "1e3", "１", "2 kak"):
            self.assertFalse(self.customer_writes(text), text)
        # another number got no question: its "2" is a first message, which the
        # bot answers with its menu
        [menu] = self.customer_writes("2", number="+6281234567812")
        self.assertEqual(menu.recipient, "+6281234567812")
        self.assertEqual(
            [option["id"] for option in menu.roms_wa_interactive["options"]],
            [option["id"] for option in MENU["options"]],
        )
        with freeze_time(start + timedelta(hours=73)):
            self.assertFalse(self.customer_writes("2"), "after the reply window")
        # the question itself was answerable all along
        self.assertTrue(self.customer_writes("2"))

    def test_later_question_takes_the_digit(self):
        start = fields.Datetime.now()
        with freeze_time(start):
            self.ask()
        with freeze_time(start + timedelta(minutes=5)):
            csat = self.env["roms.message"].create(
                {
                    "partner_id": self.partner.id,
                    "channel": "whatsapp",
                    "kind": "csat",
                    "body": "Balas 1–5",
                    "recipient": NUMBER,
                }
            )
            csat._send_now()
        with freeze_time(start + timedelta(minutes=6)):
            # the satisfaction score, not the menu's option 2
            self.assertFalse(self.customer_writes("2"))
        with freeze_time(start + timedelta(minutes=7)):
            self.ask()
        with freeze_time(start + timedelta(minutes=8)):
            [answer] = self.customer_writes("4")
        self.assertEqual(
            answer.body, "Thank you, one of our team will answer you shortly."
        )
        self.assertTrue(self.conversation.roms_bot_paused)

    def test_latest_question_among_many_link_buttons(self):
        """Link buttons (and malformed options) sent after the question ask
        nothing: the number still answers the question, found by one query that
        reads the question alone, however many were sent."""
        start = fields.Datetime.now()
        with freeze_time(start):
            question = self.ask()
        sent = {
            "partner_id": self.partner.id,
            "channel": "whatsapp",
            "kind": "chat",
            "recipient": NUMBER,
            "res_model": "discuss.channel",
            "res_id": self.conversation.id,
            "state": "sent",
            "sent_at": start + timedelta(minutes=1),
            "roms_wa_account_id": self.waha_account.id,
        }
        link = {"type": "cta_url", "url": "https://toko.test/shop", "url_label": "Buka"}
        noise = self.env["roms.message"].create(
            [
                dict(sent, body=f"Katalog {index}", roms_wa_interactive=link)
                for index in range(50)
            ]
            + [
                dict(sent, body="Tanpa judul", roms_wa_interactive=interactive)
                for interactive in (
                    {"type": "button", "options": [{"id": "bot:orders"}]},
                    {"type": "list", "options": {"id": "bot:orders", "title": "x"}},
                    {"type": "cta_url", "options": MENU["options"]},
                    ["bot:orders"],
                )
            ]
        )
        with freeze_time(start + timedelta(minutes=2)):
            [answer] = self.customer_writes("2")
        self.assertEqual(answer.body, "Here is our catalogue, with the prices for you.")
        inbound = self.inbound(self.waha_account)[:1]
        self.env.invalidate_all()
        Message = self.env["roms.message"]
        interactive = Message._fields["roms_wa_interactive"]
        # the inbound's account, the question
        with freeze_time(start + timedelta(minutes=3)), self.assertQueryCount(2):
            self.assertEqual(inbound._latest_question(NUMBER), question)
        self.assertFalse(
            any(self.env.cache.contains(m, interactive) for m in noise | answer),
            "the link buttons are not read",
        )
