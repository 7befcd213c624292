"""What a webhook may make ROMS store or answer: names that display reversed,
bodies in another encoding than UTF-8, and the Cloud API's handshake."""

import json

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import WhatsappCase
from .fake_providers import PDF_BYTES

RLO, PDF, LRI, PDI = "\u202e", "\u202c", "\u2066", "\u2069"


@tagged("post_install", "-at_install")
class TestWebhookTrust(WhatsappCase):
    def meta_url(self, query=""):
        return self.webhook_url(self.meta_account, query)

    def receive(self, fake, account, payload):
        response = self.post_webhook(fake, self.webhook_url(account), payload)
        self.assertEqual(response.status_code, 200)
        self.env["roms.whatsapp.inbound"]._cron_process()

    def conversation(self, number):
        return self.env["discuss.channel"].search(
            [("channel_type", "=", "roms_whatsapp"), ("roms_wa_number", "=", number)]
        )

    def test_profile_names_lose_their_direction_overrides(self):
        """ "Budi <RLO>4321-DRO" displays as "Budi ORD-1234": a stranger's name
        that reads as an order number, or as another customer, in the contacts
        and the conversation list. The controls go; the customer's text keeps
        them (it is theirs, shown in its own bubble)."""
        document_id = self.meta.add_media(
            PDF_BYTES, "application/pdf", f"nota{RLO}fdp.exe"
        )
        self.receive(
            self.meta,
            self.meta_account,
            self.meta.message_payload(
                "+6281234567701",
                f"pesanan {RLO}4321-DRO{PDF}",
                name=f"Budi {RLO}4321-DRO{PDF}",
                media={
                    "type": "document",
                    "id": document_id,
                    "mime_type": "application/pdf",
                    "filename": f"nota{RLO}fdp.exe",
                },
            ),
        )
        self.receive(
            self.waha,
            self.waha_account,
            self.waha.message_event(
                "+6281234567702",
                "halo",
                name=f"{LRI}Siti{PDI} \u202a\u202b\u202dR\u200f",
            ),
        )
        meta_chat = self.conversation("+6281234567701")
        self.assertEqual(meta_chat.roms_partner_id.name, "Budi 4321-DRO")
        self.assertEqual(meta_chat.name, "Budi 4321-DRO (+6281234567701)")
        self.assertEqual(meta_chat.message_ids.attachment_ids.name, "notafdp.exe")
        said = meta_chat.message_ids.filtered(lambda m: m.roms_wa_direction == "in")
        self.assertIn(f"pesanan {RLO}4321-DRO{PDF}", said.body)
        waha_chat = self.conversation("+6281234567702")
        # the marks (U+200E/U+200F) only set a direction for neutral characters
        self.assertEqual(waha_chat.roms_partner_id.name, "Siti R\u200f")
        self.assertEqual(waha_chat.name, "Siti R\u200f (+6281234567702)")

    def test_names_already_stored_are_listed_without_overrides(self):
        partner = self.env["res.partner"].create(
            {"name": f"Ani {RLO}4321-DRO", "mobile": "+6281234567703"}
        )
        self.receive(
            self.meta,
            self.meta_account,
            self.meta.message_payload("+6281234567703", "halo", name="Ani"),
        )
        chat = self.conversation("+6281234567703")
        self.assertEqual(chat.roms_partner_id, partner)
        self.assertEqual(chat.name, "Ani 4321-DRO (+6281234567703)")

    @mute_logger("odoo.addons.roms_whatsapp.controllers.main")
    def test_bodies_not_in_utf8_are_bad_payloads(self):
        """Signed, and JSON once decoded as UTF-16 or UTF-32 (Python's decoder
        guesses the encoding of bytes): webhooks are UTF-8 JSON (RFC 8259)."""
        meta = self.meta.message_payload("+6281234567711", "Halo kak", name="Rina")
        waha = self.waha.message_event("+6281234567712", "Halo kak", name="Rina")
        for encoding in ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-be"):
            for fake, account, document in (
                (self.meta, self.meta_account, meta),
                (self.waha, self.waha_account, waha),
            ):
                body = json.dumps(document).encode(encoding)
                response = self.post_webhook(fake, self.webhook_url(account), body)
                self.assertEqual(response.status_code, 400, (fake, encoding))
                self.assertEqual(response.text, "bad payload")
        self.assertFalse(self.inbound())
        # the same documents in UTF-8, non-ASCII text included, are taken
        for fake, account, document in (
            (self.meta, self.meta_account, meta),
            (self.waha, self.waha_account, waha),
        ):
            body = json.dumps(document, ensure_ascii=False).replace(
                "Halo kak", "Halo kak ☕ é"
            )
            response = self.post_webhook(fake, self.webhook_url(account), body.encode())
            self.assertEqual(response.status_code, 200)
        self.assertEqual(
            sorted(self.inbound().mapped(lambda i: i.payload["body"])),
            ["Halo kak ☕ é"] * 2,
        )

    def test_handshake_challenge_is_bounded(self):
        token = "hub.mode=subscribe&hub.verify_token=verify-me"
        ok = self.url_open(self.meta_url(f"?{token}&hub.challenge=1158201444"))
        self.assertEqual((ok.status_code, ok.text), (200, "1158201444"))
        self.assertEqual(ok.headers["Content-Type"], "text/plain; charset=utf-8")
        for challenge in (
            "<script>alert(document.domain)</script>",
            "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
            "1" * 10240,
            "12%0D%0ASet-Cookie:%20x=1",
            "",
        ):
            response = self.url_open(
                self.meta_url(f"?{token}&hub.challenge={challenge}")
            )
            self.assertEqual(response.status_code, 403, challenge[:30])
            self.assertNotIn("script", response.text)
            self.assertLess(len(response.text), 100)
            self.assertTrue(
                response.headers["Content-Type"].startswith("text/plain"),
                response.headers["Content-Type"],
            )
        # every other answer of the webhook is plain text as well
        for response in (
            self.url_open(self.meta_url("?hub.mode=subscribe&hub.verify_token=x")),
            self.url_open(f"{self.base_url()}/roms/whatsapp/webhook/999999"),
            self.url_open(self.meta_url(), data=b"{}"),
        ):
            self.assertIn(response.status_code, (403, 404))
            self.assertTrue(
                response.headers["Content-Type"].startswith("text/plain"),
                response.headers["Content-Type"],
            )
