"""Interactive messages (reply buttons, lists, link buttons): the Cloud API sends
them as such, the QR gateways as numbered text whose numbered answer comes back
as the option's id."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import BaseCase, tagged

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
    that number through that account, within the reply window."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.waha.connect("default")
        cls.waha_account._check_status()
        cls.partner = cls.env["res.partner"].create(
            {"name": "Rina Menu", "mobile": "0812-3456-7811"}
        )

    def ask(self, account=None):
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
        return message

    def customer_writes(self, text, number=NUMBER):
        response = self.post_webhook(
            self.waha,
            self.webhook_url(self.waha_account),
            self.waha.message_event(number, text),
        )
        self.assertEqual(response.status_code, 200)
        inbound = self.inbound(self.waha_account)[:1]
        routed = []
        Channel = type(self.env["discuss.channel"])
        original = Channel._roms_wa_route_reply

        def record(channel, reply_id, message):
            routed.append((channel.id, reply_id, message.id))
            return original(channel, reply_id, message)

        # observe the routing (the behaviour itself is unchanged)
        Channel._roms_wa_route_reply = record
        try:
            self.env["roms.whatsapp.inbound"]._cron_process()
        finally:
            Channel._roms_wa_route_reply = original
        self.assertEqual(inbound.state, "done", inbound.error)
        return routed

    def setUp(self):
        super().setUp()
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
        [(channel, reply_id, _message)] = self.customer_writes(" 2. ")
        self.assertEqual((channel, reply_id), (self.conversation.id, "bot:catalog"))
        # the customer's text stays in the chat as they wrote it
        self.assertIn("2.", self.conversation.message_ids[0].body)

    def test_out_of_range_late_or_other_number_is_text(self):
        start = fields.Datetime.now()
        with freeze_time(start):
            self.ask()
        for text in ("5", "0", "22", "1e3", "１", "2 kak"):
            self.assertEqual(self.customer_writes(text), [], text)
        # another number got no question
        self.assertEqual(self.customer_writes("2", number="+6281234567812"), [])
        with freeze_time(start + timedelta(hours=73)):
            self.assertEqual(self.customer_writes("2"), [], "after the reply window")

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
            self.assertEqual(self.customer_writes("2"), [])
        with freeze_time(start + timedelta(minutes=7)):
            self.ask()
        with freeze_time(start + timedelta(minutes=8)):
            [(_channel, reply_id, _message)] = self.customer_writes("4")
        self.assertEqual(reply_id, "bot:human")
