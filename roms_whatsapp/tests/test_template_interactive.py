"""Reply buttons, lists and link buttons composed in a ROMS message template,
sent by agents from the chat within the window, and the customer's answers
routed back to the template's options (``tpl:<template id>:<n>``)."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import WhatsappCase

NUMBER = "+6281234567911"


@tagged("post_install", "-at_install")
class TestTemplateInteractive(WhatsappCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.meta_account._set_state("connected")
        cls.waha.connect("default")
        cls.waha_account._check_status()
        cls.env["res.users"].search([("roms_online", "=", True)]).roms_online = False
        cls.agent = new_test_user(
            cls.env,
            "roms_tpl_agent",
            groups="base.group_user,roms_crm.group_roms_cs",
            name="Agen Tpl",
        )
        cls.agent.roms_online = True
        cls.partner = cls.env["res.partner"].create(
            {"name": "Dewi Lestari", "mobile": "0812-3456-7911"}
        )
        Template = cls.env["roms.message.template"]
        cls.answer = Template.create(
            {
                "name": "Jawab rekening",
                "template_type": "quick_reply",
                "body": "Transfer ke BCA 123 a.n. Toko Kopi ya, {customer_name}.",
            }
        )
        cls.buttons = Template.create(
            {
                "name": "Tanya pembayaran",
                "template_type": "other",
                "body": "Kak {customer_name}, mau bayar lewat apa?",
                "roms_wa_interactive_type": "button",
                "roms_wa_footer": "Toko Kopi Nusantara",
                "roms_wa_option_ids": [
                    Command.create(
                        {"title": "Transfer", "reply_template_id": cls.answer.id}
                    ),
                    Command.create({"title": "COD"}),
                ],
            }
        )
        cls.menu = Template.create(
            {
                "name": "Menu kopi",
                "template_type": "other",
                "body": "Pilih kopi favorit kakak:",
                "roms_wa_interactive_type": "list",
                "roms_wa_list_button": "Lihat kopi",
                "roms_wa_option_ids": [
                    Command.create({"title": "Gayo", "description": "Aceh"}),
                    Command.create(
                        {"title": "Toraja", "reply_template_id": cls.answer.id}
                    ),
                ],
            }
        )

    def conversation(self, account):
        message = self.env["discuss.channel"]._roms_wa_receive(
            account,
            {
                "number": NUMBER,
                "profile_name": "Dewi",
                "body": "Halo kak",
                "provider_message_id": f"in-{account.id}-{fields.Datetime.now()}",
                "timestamp": fields.Datetime.now(),
                "attachment_ids": [],
            },
        )
        return self.env["discuss.channel"].browse(message.res_id)

    def test_cloud_api_buttons_and_answer(self):
        channel = self.conversation(self.meta_account)
        channel.with_user(self.agent).roms_wa_send_template(self.buttons.id)
        [sent] = self.meta.sent("/messages")
        interactive = sent.json["interactive"]
        self.assertEqual(interactive["type"], "button")
        self.assertEqual(
            interactive["body"]["text"], "Kak Dewi Lestari, mau bayar lewat apa?"
        )
        self.assertEqual(interactive["footer"], {"text": "Toko Kopi Nusantara"})
        self.assertEqual(
            [b["reply"] for b in interactive["action"]["buttons"]],
            [
                {"id": f"tpl:{self.buttons.id}:1", "title": "Transfer"},
                {"id": f"tpl:{self.buttons.id}:2", "title": "COD"},
            ],
        )
        outbound = self.env["roms.message"].search(
            [("res_id", "=", channel.id), ("template_id", "=", self.buttons.id)]
        )
        self.assertEqual(outbound.state, "sent")
        self.assertFalse(outbound.roms_automatic)

        # the customer taps "Transfer": the option's answer goes automatically
        self.meta.requests.clear()
        response = self.post_webhook(
            self.meta,
            self.webhook_url(self.meta_account),
            self.meta.button_reply_payload(
                NUMBER, f"tpl:{self.buttons.id}:1", "Transfer"
            ),
        )
        self.assertEqual(response.status_code, 200)
        self.env["roms.whatsapp.inbound"]._cron_process()
        [auto] = self.automatic(channel)
        self.assertEqual(auto.template_id, self.answer)
        self.assertEqual(auto.state, "sent")
        self.assertIn(
            "Transfer ke BCA", self.meta.sent("/messages")[0].json["text"]["body"]
        )
        # "COD" has no answer: it stays for the agent
        self.meta.requests.clear()
        self.post_webhook(
            self.meta,
            self.webhook_url(self.meta_account),
            self.meta.button_reply_payload(NUMBER, f"tpl:{self.buttons.id}:2", "COD"),
        )
        self.env["roms.whatsapp.inbound"]._cron_process()
        self.assertEqual(len(self.automatic(channel)), 1)
        self.assertFalse(self.meta.sent("/messages"))
        self.assertIn("COD", channel.message_ids[0].body)

    def test_qr_gateway_numbered_list_answered_by_number(self):
        channel = self.conversation(self.waha_account)
        channel.with_user(self.agent).roms_wa_send_template(self.menu.id)
        [sent] = self.waha.sent("/api/sendText")
        self.assertEqual(
            sent.json["text"],
            "Pilih kopi favorit kakak:\n\n1. Gayo (Aceh)\n2. Toraja\n\n"
            # "Balas 1–2" in Indonesian
            + self.env._("Reply 1–%(count)s", count=2),
        )
        self.waha.requests.clear()
        response = self.post_webhook(
            self.waha,
            self.webhook_url(self.waha_account),
            self.waha.message_event(NUMBER, "2"),
        )
        self.assertEqual(response.status_code, 200)
        self.env["roms.whatsapp.inbound"]._cron_process()
        [auto] = self.automatic(channel)
        self.assertEqual(auto.template_id, self.answer)
        [answer] = self.waha.sent("/api/sendText")
        self.assertIn("Transfer ke BCA", answer.json["text"])
        self.assertIn("Dewi Lestari", answer.json["text"])

    def answers(self, text):
        response = self.post_webhook(
            self.waha,
            self.webhook_url(self.waha_account),
            self.waha.message_event(NUMBER, text),
        )
        self.assertEqual(response.status_code, 200)
        self.env["roms.whatsapp.inbound"]._cron_process()

    def test_answer_counts_in_the_hourly_budget(self):
        """The option's answer is an automatic message as any other: posted once
        in the thread by OdooBot, queued once, and within the conversation's
        budget of automatic messages per hour."""
        self.env["ir.config_parameter"].sudo().set_param(
            "roms_whatsapp.auto_replies_per_hour", "1"
        )
        start = fields.Datetime.now()
        with freeze_time(start):
            channel = self.conversation(self.waha_account)
            channel.with_user(self.agent).roms_wa_send_template(self.menu.id)
        self.waha.requests.clear()
        with freeze_time(start + timedelta(minutes=1)):
            self.answers("2")
        [auto] = self.automatic(channel)
        self.assertEqual(auto.template_id, self.answer)
        self.assertEqual(auto.state, "sent", auto.error_message)
        [posted] = channel.message_ids.filtered("roms_message_id.roms_automatic")
        self.assertEqual(posted.roms_message_id, auto)
        self.assertEqual(posted.author_id, self.env.ref("base.partner_root"))
        self.assertEqual(posted.roms_wa_direction, "out")
        self.assertIn("Transfer ke BCA 123 a.n. Toko Kopi ya, Dewi", posted.body)
        self.assertEqual(len(self.waha.sent("/api/sendText")), 1)

        # the same answer again within the hour: the budget (1) is spent, the
        # customer's message stays for the agent
        with freeze_time(start + timedelta(minutes=30)):
            self.answers("2")
        self.assertEqual(self.automatic(channel), auto)
        self.assertEqual(len(self.waha.sent("/api/sendText")), 1)
        self.assertEqual(
            channel.message_ids.filtered("roms_message_id.roms_automatic"), posted
        )
        latest = channel.message_ids.filtered(lambda m: m.roms_wa_direction)[:1]
        self.assertEqual(latest.roms_wa_direction, "in")
        self.assertIn("2", latest.body)

        # an hour after the first answer, the budget is back
        with freeze_time(start + timedelta(minutes=62)):
            self.answers("2")
        self.assertEqual(len(self.automatic(channel)), 2)
        self.assertEqual(len(self.waha.sent("/api/sendText")), 2)

    def test_answer_with_options_shows_them_in_the_thread(self):
        """An answer that is itself a menu reads in the thread as the customer
        reads it on a QR gateway: the text with its numbered options."""
        self.answer.write(
            {
                "roms_wa_interactive_type": "button",
                "roms_wa_option_ids": [
                    Command.create({"title": "Sudah"}),
                    Command.create({"title": "Belum"}),
                ],
            }
        )
        channel = self.conversation(self.waha_account)
        channel.with_user(self.agent).roms_wa_send_template(self.menu.id)
        self.waha.requests.clear()
        self.answers("2")
        [auto] = self.automatic(channel)
        [sent] = self.waha.sent("/api/sendText")
        self.assertIn("1. Sudah\n2. Belum", sent.json["text"])
        posted = channel.message_ids.filtered(lambda m: m.roms_message_id == auto)
        self.assertEqual(len(posted), 1)
        self.assertIn("1. Sudah<br>2. Belum", posted.body)

    def test_forged_or_foreign_answers_do_nothing(self):
        channel = self.conversation(self.meta_account)
        for reply_id in (
            f"tpl:{self.buttons.id}:1",  # never sent to this number
            f"tpl:{self.buttons.id}:9",
            "tpl:99999999:1",
            "tpl:0:1",
            "tpl:1:1:1",
            "tpl:" + "9" * 40 + ":1",
            "tpl:abc:1",
        ):
            self.assertFalse(
                channel._roms_wa_route_reply(reply_id, channel.message_ids[:1])
            )
        self.assertFalse(self.automatic(channel))
        self.assertFalse(self.meta.sent("/messages"))

    def test_limits_checked_at_save(self):
        Template = self.env["roms.message.template"]
        with self.assertRaises(ValidationError):
            Template.create(
                {
                    "name": "Empat tombol",
                    "body": "Pilih",
                    "roms_wa_interactive_type": "button",
                    "roms_wa_option_ids": [
                        Command.create({"title": f"Opsi {n}"}) for n in range(4)
                    ],
                }
            )
        with self.assertRaises(ValidationError):
            self.buttons.roms_wa_option_ids[
                0
            ].title = "Judul yang terlalu panjang sekali"
        with self.assertRaises(ValidationError):
            Template.create(
                {
                    "name": "Tautan",
                    "body": "Lihat",
                    "roms_wa_interactive_type": "cta_url",
                    "roms_wa_url": "javascript:alert(1)",
                    "roms_wa_url_label": "Buka",
                }
            )
        with self.assertRaises(ValidationError):
            Template.create(
                {
                    "name": "Daftar",
                    "body": "Lihat",
                    "roms_wa_interactive_type": "list",
                    "roms_wa_option_ids": [Command.create({"title": "A"})],
                }
            )

    def test_link_button_with_order_link_and_window(self):
        link = self.env["roms.message.template"].create(
            {
                "name": "Lacak pesanan",
                "body": "Pesanan {order_number} bisa dilacak di sini:",
                "roms_wa_interactive_type": "cta_url",
                "roms_wa_url": "{order_link}",
                "roms_wa_url_label": "Lacak",
            }
        )
        channel = self.conversation(self.meta_account)
        # no order yet: the link would be empty, refused before anything is written
        with self.assertRaises(UserError):
            channel.with_user(self.agent).roms_wa_send_template(link.id)
        self.assertFalse(self.meta.sent("/messages"))
        order = self.env["sale.order"].create(
            {
                "partner_id": self.partner.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.env["product.product"]
                            .create({"name": "Kopi Gayo"})
                            .id,
                            "product_uom_qty": 1,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        channel.with_user(self.agent).roms_wa_send_template(link.id)
        [sent] = self.meta.sent("/messages")
        action = sent.json["interactive"]["action"]
        self.assertEqual(action["name"], "cta_url")
        self.assertEqual(action["parameters"]["display_text"], "Lacak")
        self.assertIn(
            f"/my/orders/{order.id}?access_token=", action["parameters"]["url"]
        )
        # outside the window an interactive template is no longer offered
        channel.roms_last_inbound_at = "2020-01-01 00:00:00"
        with self.assertRaises(UserError):
            channel.with_user(self.agent).roms_wa_send_template(self.buttons.id)
