"""What a webhook may make ROMS store or answer: bodies in another encoding
than UTF-8, and the Cloud API's handshake."""

import json

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import WhatsappCase


@tagged("post_install", "-at_install")
class TestWebhookTrust(WhatsappCase):
    def meta_url(self, query=""):
        return self.webhook_url(self.meta_account, query)

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
