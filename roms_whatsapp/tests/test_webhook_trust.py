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
