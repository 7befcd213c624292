from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import WhatsappCase
from .fake_providers import png_bytes

NUMBER = "+6281234567301"


@tagged("post_install", "-at_install")
class TestSend(WhatsappCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.meta_account._set_state("connected")
        # the queue sends the oldest first: demo messages must not take the batch
        cls.env["roms.message"].search([("state", "=", "queued")]).write(
            {"state": "cancelled"}
        )
        cls.partner = cls.env["res.partner"].create(
            {
                "name": "Budi Santoso",
                "mobile": "0812-3456-7301",
                "roms_category": "customer",
            }
        )

    def customer_writes(self, account=None, number=NUMBER):
        account = account or self.meta_account
        self.env["discuss.channel"]._roms_wa_receive(
            account,
            {
                "number": number,
                "profile_name": "Budi",
                "body": "Halo",
                "provider_message_id": "wamid.in",
                "timestamp": fields.Datetime.now(),
                "attachment_ids": [],
            },
        )

    def queue(self, **vals):
        return self.env["roms.message"].create(
            {
                "partner_id": self.partner.id,
                "kind": "reminder",
                "body": "Kak Budi, kopi gayo-nya sudah habis?",
                **vals,
            }
        )

    def send(self):
        self.env["roms.message"]._cron_roms_send_messages()

    def test_default_channel(self):
        Message = self.env["roms.message"]
        self.assertEqual(Message._default_channel(self.partner), "whatsapp")
        self.assertEqual(Message._recipient(self.partner, "whatsapp"), NUMBER)
        no_number = self.env["res.partner"].create({"name": "Tanpa Nomor"})
        self.assertEqual(Message._default_channel(no_number), "email")
        self.meta_account._set_state("disconnected", "token_expired")
        self.assertEqual(Message._default_channel(self.partner), "email")

    def test_reminder_leaves_through_cloud_api(self):
        self.customer_writes()
        message = self.queue()
        self.assertEqual((message.channel, message.recipient), ("whatsapp", NUMBER))
        self.send()
        self.assertEqual(message.state, "sent")
        [request] = self.meta.sent("/messages")
        self.assertEqual(request.headers["Authorization"], f"Bearer {self.meta.token}")
        # within the 24-hour window a reminder carries its reply buttons
        self.assertEqual(
            request.json,
            {
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": NUMBER.lstrip("+"),
                "type": "interactive",
                "interactive": {
                    "type": "button",
                    "body": {"text": "Kak Budi, kopi gayo-nya sudah habis?"},
                    "action": {
                        "buttons": [
                            {"type": "reply", "reply": {"id": payload, "title": title}}
                            for payload, title in message._wa_reply_buttons()
                        ]
                    },
                },
            },
        )
        self.assertTrue(message.provider_message_id.startswith("wamid."))

    def test_status_webhooks_never_downgrade(self):
        self.customer_writes()
        message = self.queue()
        self.send()
        url = self.webhook_url(self.meta_account)
        wamid = message.provider_message_id
        for status in ("delivered", "read", "sent", "delivered"):
            response = self.post_webhook(
                self.meta, url, self.meta.status_payload(wamid, status)
            )
            self.assertEqual(response.status_code, 200)
        self.assertEqual(message.state, "read")
        self.assertTrue(message.delivered_at and message.read_at)
        self.post_webhook(
            self.meta,
            url,
            self.meta.status_payload(wamid, "failed", error=(131026, "Undeliverable")),
        )
        self.assertEqual(message.state, "read")
        other = self.queue()
        self.send()
        self.post_webhook(
            self.meta,
            url,
            self.meta.status_payload(
                other.provider_message_id,
                "failed",
                error=(131026, "Message undeliverable"),
            ),
        )
        self.assertEqual(other.state, "failed")
        self.assertEqual(other.error_code, "131026")
        self.assertIn("Message undeliverable", other.error_message)

    def test_rate_limit_retried_invalid_number_failed(self):
        self.customer_writes()
        message = self.queue()
        self.meta.fail_next(*self.meta.rate_limited())
        before = fields.Datetime.now()
        self.send()
        self.assertEqual(message.state, "queued")
        self.assertEqual(message.attempts, 1)
        self.assertEqual(message.error_code, "130429")
        self.assertGreater(message.next_attempt_at, before)
        with freeze_time(message.next_attempt_at + timedelta(seconds=1)):
            self.send()
        self.assertEqual(message.state, "sent")
        self.assertEqual(message.attempts, 2)

        invalid = self.queue()
        self.meta.fail_next(*self.meta.invalid_number())
        self.send()
        self.assertEqual(invalid.state, "failed")
        self.assertEqual(invalid.error_code, "131026")
        self.assertIn("not a WhatsApp user", invalid.error_message)

    def test_24_hour_window(self):
        with freeze_time(fields.Datetime.now() - timedelta(hours=25)):
            self.customer_writes()
        message = self.queue()
        self.send()
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.error_code, "outside_window")
        self.assertIn("24 hours", message.error_message)
        self.assertFalse(self.meta.sent("/messages"))
        # an approved template may go
        template = self.env["roms.message.template"].create(
            {
                "name": "Pengingat",
                "template_type": "reminder",
                "body": "Halo {customer_name}, stok kopi sudah menipis?",
                "roms_meta_template_name": "pengingat_kopi",
                "roms_meta_template_lang": "id",
            }
        )
        templated = self.queue(template_id=template.id)
        self.send()
        self.assertEqual(templated.state, "sent")
        [request] = self.meta.sent("/messages")
        self.assertEqual(request.json["type"], "template")
        self.assertEqual(request.json["template"]["name"], "pengingat_kopi")
        self.assertEqual(
            request.json["template"]["components"][0]["parameters"],
            [{"type": "text", "text": "Budi Santoso"}],
        )

    def test_image_with_caption(self):
        self.customer_writes()
        attachment = self.env["ir.attachment"].create(
            {"name": "promo.png", "raw": png_bytes(), "mimetype": "image/png"}
        )
        message = self.queue(
            kind="broadcast", attachment_ids=[Command.set(attachment.ids)]
        )
        self.send()
        self.assertEqual(message.state, "sent")
        upload, sent = self.meta.sent()
        self.assertEqual(upload.form()["file"][1], png_bytes())
        self.assertEqual(sent.json["type"], "image")
        self.assertEqual(sent.json["image"]["caption"], message.body)

    def test_waha_send_without_window(self):
        self.meta_account._set_state("disconnected", "token_expired")
        self.waha_account.is_default = True
        self.waha.connect("default")
        self.waha_account._check_status()
        self.assertEqual(self.waha_account.state, "connected")
        message = self.queue()
        self.send()
        self.assertEqual(message.state, "sent")
        [request] = self.waha.sent("/api/sendText")
        self.assertEqual(request.json["chatId"], NUMBER.lstrip("+") + "@c.us")
        # a reminder asks for a numbered reply (a gateway has no buttons)
        self.assertEqual(
            request.json["text"],
            f"{message.body}\n\n{message._wa_numbered_replies_text()}",
        )
        response = self.post_webhook(
            self.waha,
            self.webhook_url(self.waha_account),
            self.waha.ack_event(message.provider_message_id, 3),
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(message.state, "read")

    @mute_logger("odoo.addons.roms_crm.models.messaging.roms_message")
    def test_disconnected_account_waits(self):
        self.customer_writes()
        message = self.queue()
        self.meta_account._set_state("disconnected", "token_expired")
        message.channel = "whatsapp"
        self.send()
        self.assertEqual(message.state, "queued")
        self.assertEqual(message.error_code, "no_account")
        self.assertFalse(self.meta.sent())
