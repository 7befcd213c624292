"""Hostile and careless webhook requests: far timestamps, wrong types, NUL bytes,
deep JSON, form encodings, oversized bodies and receipts aimed at another
account's messages (issue 15)."""

import json
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import WhatsappCase

NUMBER = "+6281234567501"
FAR_FUTURE = 253402300799  # 9999-12-31 23:59:59 UTC
DAY = timedelta(days=1)


class SentMessageMixin:
    """A customer and ROMS messages really sent through an account."""

    @classmethod
    def _setup_customer(cls):
        # the queue sends the oldest first: demo messages must not take the batch
        cls.env["roms.message"].search([("state", "=", "queued")]).write(
            {"state": "cancelled"}
        )
        cls.partner = cls.env["res.partner"].create(
            {"name": "Budi Santoso", "mobile": NUMBER, "roms_category": "customer"}
        )

    def sent_message(self, account):
        """A message sent to the customer through ``account`` (its conversation
        exists, so the message leaves through it)."""
        account._set_state("connected")
        if account.provider == "waha":
            self.waha.connect("default")
        self.env["discuss.channel"]._roms_wa_receive(
            account,
            {
                "number": NUMBER,
                "profile_name": "Budi",
                "body": "Halo",
                "provider_message_id": f"in.{account.id}",
                "timestamp": fields.Datetime.now(),
                "attachment_ids": [],
            },
        )
        conversation = self.env["discuss.channel"].search(
            [("roms_account_id", "=", account.id), ("roms_wa_number", "=", NUMBER)]
        )
        message = self.env["roms.message"].create(
            {
                "partner_id": self.partner.id,
                "kind": "chat",
                "channel": "whatsapp",
                "body": "Pesanan kakak sudah dikirim.",
                "res_model": "discuss.channel",
                "res_id": conversation.id,
            }
        )
        message._send_now()
        self.assertEqual(message.state, "sent", message.error_message)
        self.assertTrue(message.provider_message_id)
        return message


@tagged("post_install", "-at_install")
class TestWebhookHardening(SentMessageMixin, WhatsappCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_customer()

    def meta_post(self, payload):
        return self.post_webhook(
            self.meta, self.webhook_url(self.meta_account), payload
        )

    def fonnte_url(self):
        return self.webhook_url(self.fonnte_account, "?token=fonnte-secret")

    def assert_near_now(self, moment):
        now = fields.Datetime.now()
        self.assertTrue(moment, "no date stored")
        self.assertLessEqual(moment, now + DAY + timedelta(minutes=1))
        self.assertGreaterEqual(moment, now - DAY - timedelta(minutes=1))

    # defect 1 ----------------------------------------------------------------

    def test_far_provider_timestamps_are_clamped(self):
        """A read receipt dated 9999-12-31 stored that date and broke the
        reports grouped by day; inbound messages alike."""
        message = self.sent_message(self.meta_account)
        message.sent_at = False  # a receipt that arrives before our own mark
        payload = self.meta.status_payload(message.provider_message_id, "read")
        payload["entry"][0]["changes"][0]["value"]["statuses"][0]["timestamp"] = str(
            FAR_FUTURE
        )
        self.assertEqual(self.meta_post(payload).status_code, 200)
        self.assertEqual(message.state, "read")
        for moment in (message.sent_at, message.delivered_at, message.read_at):
            self.assert_near_now(moment)
        groups = self.env["roms.message"].read_group(
            [("id", "=", message.id)], ["sent_at"], ["sent_at:day"]
        )
        self.assertEqual(len(groups), 1)

        waha_message = self.sent_message(self.waha_account)
        waha_message.sent_at = False
        self.post_webhook(
            self.waha,
            self.webhook_url(self.waha_account),
            self.waha.ack_event(waha_message.provider_message_id, 3, timestamp=-1e12),
        )
        self.assertEqual(waha_message.state, "read")
        self.assert_near_now(waha_message.sent_at)
        self.assert_near_now(waha_message.read_at)

        for index, timestamp in enumerate((FAR_FUTURE, "-99999999999", "nan", "1e400")):
            self.meta_post(
                self.meta.message_payload(
                    "+6281234567502",
                    "Halo",
                    message_id=f"wamid.far.{index}",
                    timestamp=timestamp,
                )
            )
        self.post_webhook(
            self.waha,
            self.webhook_url(self.waha_account),
            self.waha.message_event("+6281234567503", "Halo", timestamp=FAR_FUTURE),
        )
        self.post_webhook(
            self.fonnte,
            self.fonnte_url(),
            self.fonnte.message_payload(
                "+6281234567504", "Halo", timestamp=-FAR_FUTURE
            ),
        )
        inbound = self.inbound().filtered(lambda i: i.payload["number"] != NUMBER)
        self.assertEqual(len(inbound), 6)
        for row in inbound:
            self.assert_near_now(fields.Datetime.to_datetime(row.payload["timestamp"]))
        self.env["roms.whatsapp.inbound"]._cron_process()
        conversations = inbound.message_id.mapped("res_id")
        for channel in self.env["discuss.channel"].browse(conversations):
            self.assert_near_now(channel.roms_last_inbound_at)

    # defect 5 ----------------------------------------------------------------

    def test_receipts_match_within_the_receiving_account(self):
        """A Fonnte (or WAHA) receipt carrying the id of a Meta message must not
        touch it: provider ids are only unique per account."""
        message = self.sent_message(self.meta_account)
        wamid = message.provider_message_id
        response = self.post_webhook(
            self.fonnte, self.fonnte_url(), self.fonnte.status_payload(wamid, "failed")
        )
        self.assertEqual(response.status_code, 200)
        self.post_webhook(
            self.waha,
            self.webhook_url(self.waha_account),
            self.waha.ack_event(wamid, -1),
        )
        self.assertEqual(message.state, "sent")
        self.assertFalse(message.error_code)
        self.meta_post(self.meta.status_payload(wamid, "delivered"))
        self.assertEqual(message.state, "delivered")
        # an email's id is no WhatsApp message either
        email = self.env["roms.message"].create(
            {
                "partner_id": self.partner.id,
                "channel": "email",
                "kind": "manual",
                "body": "Halo",
                "state": "sent",
                "provider_message_id": "<mail-1@roms>",
            }
        )
        self.meta_post(self.meta.status_payload("<mail-1@roms>", "read"))
        self.assertEqual(email.state, "sent")
        # the Fonnte account's own messages still get their receipts
        fonnte_message = self.sent_message(self.fonnte_account)
        self.post_webhook(
            self.fonnte,
            self.fonnte_url(),
            self.fonnte.status_payload(fonnte_message.provider_message_id, "read"),
        )
        self.assertEqual(fonnte_message.state, "read")

    # defect 3 ----------------------------------------------------------------

    def test_fonnte_form_encoded_webhooks_are_read(self):
        for encoding, number in (
            ("form", "+6281234567511"),
            ("multipart", "+6281234567512"),
        ):
            payload = self.fonnte.message_payload(
                number, f"Halo via {encoding}", name="Ani"
            )
            response = self.post_webhook(
                self.fonnte, self.fonnte_url(), payload, encoding=encoding
            )
            self.assertEqual(response.status_code, 200, encoding)
            [inbound] = self.inbound(self.fonnte_account).filtered(
                lambda i, number=number: i.payload["number"] == number
            )
            self.assertEqual(inbound.payload["body"], f"Halo via {encoding}")
            self.assertEqual(inbound.payload["profile_name"], "Ani")
            self.assertEqual(inbound.provider_message_id, payload["inboxid"])
            # a replay is recognised
            self.post_webhook(
                self.fonnte, self.fonnte_url(), payload, encoding=encoding
            )
            self.assertEqual(
                len(self.inbound(self.fonnte_account)), 1 if encoding == "form" else 2
            )
        # a form-encoded receipt
        message = self.sent_message(self.fonnte_account)
        self.post_webhook(
            self.fonnte,
            self.fonnte_url(),
            self.fonnte.status_payload(message.provider_message_id, "delivered"),
            encoding="form",
        )
        self.assertEqual(message.state, "delivered")
        # without a message id, the same form delivered twice is one message
        payload = self.fonnte.message_payload("+6281234567513", "tanpa id")
        del payload["inboxid"]
        for _attempt in range(2):
            self.post_webhook(self.fonnte, self.fonnte_url(), payload, encoding="form")
        self.assertEqual(
            len(
                self.inbound(self.fonnte_account).filtered(
                    lambda i: i.payload["number"] == "+6281234567513"
                )
            ),
            1,
        )

    # defect 4 ----------------------------------------------------------------

    @mute_logger(
        "odoo.addons.roms_whatsapp.tools.wa_provider",
        "odoo.addons.roms_whatsapp.models.roms_whatsapp_account",
    )
    def test_hostile_events_are_skipped_alone(self):
        """An object as message id, a NUL byte, an oversized text: each event is
        judged alone, its siblings are stored, the answer is 200 (a provider
        retries anything else forever)."""
        good = self.meta.message_payload(
            "+6281234567521", "Halo", message_id="wamid.ok1"
        )
        value = good["entry"][0]["changes"][0]["value"]
        template = value["messages"][0]
        value["messages"] = [
            template,
            {**template, "id": {"$gt": ""}},
            {**template, "id": ["wamid.list"]},
            {**template, "id": "x" * 5000},
            {**template, "id": "wamid.nul", "text": {"body": "a\u0000b\u0007c"}},
            {**template, "id": "wamid.long", "text": {"body": "k" * 10000}},
            {**template, "id": "wamid.type", "text": {"body": {"nested": True}}},
            {**template, "id": "wamid.from", "from": {"wa_id": 1}},
            "not an object",
            {**template, "id": "wamid.ok2"},
        ]
        value["contacts"][0]["profile"]["name"] = "N\u0000ama " + "panjang " * 50
        value["statuses"] = [
            {"id": {"a": 1}, "status": "read", "timestamp": "1"},
            {"id": "wamid.unknown", "status": ["read"]},
        ]
        response = self.meta_post(good)
        self.assertEqual(response.status_code, 200, response.text)
        inbound = self.inbound(self.meta_account)
        self.assertEqual(
            sorted(inbound.mapped("provider_message_id")),
            ["wamid.long", "wamid.nul", "wamid.ok1", "wamid.ok2"],
        )
        by_id = {row.provider_message_id: row.payload for row in inbound}
        self.assertEqual(by_id["wamid.nul"]["body"], "abc")
        self.assertEqual(len(by_id["wamid.long"]["body"]), 4096)
        self.assertLessEqual(len(by_id["wamid.ok1"]["profile_name"]), 128)
        self.assertNotIn("\x00", by_id["wamid.ok1"]["profile_name"])
        self.env["roms.whatsapp.inbound"]._cron_process()
        self.assertEqual(set(inbound.mapped("state")), {"done"})

        # WAHA: an id object of no known engine, a number as text
        url = self.webhook_url(self.waha_account)
        event = self.waha.message_event("+6281234567522", "Halo")
        event["payload"]["id"] = {"id": {"deeper": 1}}
        self.assertEqual(self.post_webhook(self.waha, url, event).status_code, 200)
        event = self.waha.message_event("+6281234567522", "Halo")
        event["payload"]["body"] = 12345
        self.assertEqual(self.post_webhook(self.waha, url, event).status_code, 200)
        self.assertFalse(self.inbound(self.waha_account))
        event = self.waha.message_event("+6281234567522", "Halo\u0000 kak")
        self.assertEqual(self.post_webhook(self.waha, url, event).status_code, 200)
        self.assertEqual(self.inbound(self.waha_account).payload["body"], "Halo kak")

    @mute_logger("odoo.addons.roms_whatsapp.controllers.main")
    def test_deep_or_malformed_json_is_a_bad_request(self):
        bodies = [
            b"[" * 100000 + b"]" * 100000,
            b'{"entry": ' * 5000 + b"1" + b"}" * 5000,
            b'{"entry": [',
            b"\xff\xfe not utf-8",
            b'{"entry": NaN}',
            b'{"entry": [], "x": ' + b"9" * 5000 + b"}",
            b'"just a string"',
        ]
        for body in bodies:
            response = self.meta_post(body)
            self.assertEqual(response.status_code, 400, body[:20])
            response = self.post_webhook(
                self.waha, self.webhook_url(self.waha_account), body
            )
            self.assertEqual(response.status_code, 400, body[:20])
            response = self.post_webhook(self.fonnte, self.fonnte_url(), body)
            self.assertIn(response.status_code, (200, 400), body[:20])
            self.assertNotEqual(response.status_code, 500)
        self.assertFalse(self.inbound())

    # defect 6 ----------------------------------------------------------------

    @mute_logger("odoo.addons.roms_whatsapp.controllers.main")
    def test_body_size_checked_before_signature(self):
        self.assertIn(
            "roms_wa_webhook_max_body_bytes", self.env["res.config.settings"]._fields
        )
        self.env["ir.config_parameter"].set_param(
            "roms_whatsapp.webhook_max_body_bytes", "4096"
        )
        url = self.webhook_url(self.meta_account)
        small = self.meta.message_payload(
            "+6281234567531", "Halo", message_id="wamid.s"
        )
        big = self.meta.message_payload(
            "+6281234567532", "x" * 5000, message_id="wamid.big"
        )
        body = json.dumps(big).encode()
        self.assertEqual(self.meta_post(big).status_code, 413)
        # unsigned: refused for its size, before any signature work
        response = self.post_webhook(self.meta, url, body, signature=False)
        self.assertEqual(response.status_code, 413)
        # no Content-Length (chunked): capped while reading
        self.env.flush_all()
        response = self.meta.post(
            url,
            (body[i : i + 1000] for i in range(0, len(body), 1000)),
            {
                "Content-Type": "application/json",
                "X-Hub-Signature-256": self.meta.sign(body),
            },
        )
        self.assertEqual(response.status_code, 413)
        response = self.post_webhook(
            self.fonnte,
            self.fonnte_url(),
            self.fonnte.message_payload("+6281234567533", "y" * 5000),
            encoding="form",
        )
        self.assertEqual(response.status_code, 413)
        self.assertEqual(self.meta_post(small).status_code, 200)
        self.assertEqual(self.inbound().mapped("provider_message_id"), ["wamid.s"])
