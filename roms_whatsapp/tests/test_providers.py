"""The provider clients (``tools/``) against the fake servers: real HTTP, no ORM."""

import json

from odoo.tests import BaseCase, tagged

from ..tools import FonnteApi, MetaCloudApi, WahaApi, WhatsAppProviderError
from .fake_providers import PDF_BYTES, png_bytes, start_fakes


@tagged("post_install", "-at_install")
class TestProviderClients(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.meta, cls.waha, cls.fonnte = start_fakes(cls, "s3cret")

    def setUp(self):
        super().setUp()
        for fake in (self.meta, self.waha, self.fonnte):
            fake.requests.clear()
            fake._failures.clear()
        self.meta_client = MetaCloudApi(
            {
                "base_url": self.meta.url,
                "api_version": "v21.0",
                "phone_number_id": self.meta.phone_number_id,
                "access_token": self.meta.token,
                "app_secret": self.meta.app_secret,
                "verify_token": "v",
            },
            timeout=2,
        )

    def test_meta_send_text_json(self):
        wamid = self.meta_client.send_text("+6281234567890", "Halo Kak Budi")
        self.assertTrue(wamid.startswith("wamid."))
        [request] = self.meta.sent("/messages")
        self.assertEqual(request.path, f"/v21.0/{self.meta.phone_number_id}/messages")
        self.assertEqual(request.headers["Authorization"], f"Bearer {self.meta.token}")
        self.assertEqual(
            request.json,
            {
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": "6281234567890",
                "type": "text",
                "text": {"preview_url": False, "body": "Halo Kak Budi"},
            },
        )

    def test_meta_send_media_and_template(self):
        self.meta_client.send_media(
            "+6281234567890",
            "document",
            PDF_BYTES,
            "nota.pdf",
            "application/pdf",
            "Nota",
        )
        upload, message = self.meta.sent()
        self.assertTrue(upload.path.endswith("/media"))
        filename, data, mimetype = upload.form()["file"]
        self.assertEqual(
            (filename, data, mimetype), ("nota.pdf", PDF_BYTES, "application/pdf")
        )
        document = message.json["document"]
        self.assertEqual(document["caption"], "Nota")
        self.assertEqual(document["filename"], "nota.pdf")
        self.assertIn(document["id"], self.meta.media)
        self.meta_client.send_template(
            "+6281234567890", "pengingat", "id", ["Budi", "Kopi"]
        )
        template = self.meta.sent("/messages")[-1].json["template"]
        self.assertEqual(template["name"], "pengingat")
        self.assertEqual(template["language"], {"code": "id"})
        self.assertEqual(
            template["components"][0]["parameters"],
            [{"type": "text", "text": "Budi"}, {"type": "text", "text": "Kopi"}],
        )

    def test_meta_error_mapping(self):
        self.meta.fail_next(*self.meta.rate_limited())
        with self.assertRaises(WhatsAppProviderError) as caught:
            self.meta_client.send_text("+6281234567890", "x")
        self.assertEqual(caught.exception.code, "130429")
        self.assertTrue(caught.exception.temporary)
        self.assertIn("throughput", caught.exception.message)

        self.meta.fail_next(*self.meta.invalid_number())
        with self.assertRaises(WhatsAppProviderError) as caught:
            self.meta_client.send_text("+6281234567890", "x")
        self.assertEqual(caught.exception.code, "131026")
        self.assertFalse(caught.exception.temporary)
        self.assertIn("not a WhatsApp user", caught.exception.message)

        for status, payload, temporary in (
            (
                400,
                {"error": {"code": 131047, "message": "Re-engagement message"}},
                False,
            ),
            (400, {"error": {"code": 131056, "message": "Pair rate limit hit"}}, True),
            (503, {"error": {"code": 131016, "message": "Service unavailable"}}, True),
            (502, b"<html>Bad gateway</html>", True),
            (404, b"", False),
        ):
            self.meta.fail_next(status, payload)
            with self.assertRaises(WhatsAppProviderError) as caught:
                self.meta_client.send_text("+6281234567890", "x")
            self.assertEqual(caught.exception.temporary, temporary, (status, payload))

        self.meta_client.config["access_token"] = "expired"
        with self.assertRaises(WhatsAppProviderError) as caught:
            self.meta_client.send_text("+6281234567890", "x")
        self.assertEqual(caught.exception.code, "190")
        self.assertFalse(caught.exception.temporary)
        self.assertEqual(self.meta_client.status(), ("disconnected", "token_expired"))

    def test_meta_timeout_is_temporary(self):
        self.meta_client.timeout = 0.3
        self.meta.fail_next(200, {"messages": [{"id": "late"}]}, delay=1)
        with self.assertRaises(WhatsAppProviderError) as caught:
            self.meta_client.send_text("+6281234567890", "x")
        self.assertEqual(caught.exception.code, "timeout")
        self.assertTrue(caught.exception.temporary)

    def test_meta_webhook_parsing_and_media(self):
        media_id = self.meta.add_media(png_bytes(), "image/png")
        payload = self.meta.message_payload(
            "+6281234567890",
            "foto produk",
            name="Budi",
            media={"type": "image", "id": media_id, "mime_type": "image/png"},
        )
        [event] = self.meta_client.parse_webhook({}, json.dumps(payload).encode())
        self.assertEqual(event.kind, "message")
        self.assertEqual(event.number, "+6281234567890")
        self.assertEqual(event.body, "foto produk")
        self.assertEqual(event.media["ref"], media_id)
        data, mimetype = self.meta_client.download_media(event.media, 10_000)
        self.assertEqual((data, mimetype), (png_bytes(), "image/png"))
        with self.assertRaises(WhatsAppProviderError) as caught:
            self.meta_client.download_media(event.media, 10)
        self.assertEqual(caught.exception.code, "too_large")

        payload = self.meta.status_payload(
            "wamid.X", "failed", error=(131047, "Re-engagement message")
        )
        [event] = self.meta_client.parse_webhook({}, json.dumps(payload).encode())
        self.assertEqual(
            (event.kind, event.status, event.error_code),
            ("status", "failed", "131047"),
        )
        self.assertIn("Re-engagement message", event.error_message)

    def test_waha_session_send_and_qr(self):
        client = WahaApi(
            {
                "base_url": self.waha.url,
                "api_key": self.waha.api_key,
                "session": "toko",
                "webhook_secret": "s3cret",
            },
            timeout=2,
        )
        self.assertEqual(client.status(), ("disconnected", "stopped"))
        client.start_session("http://127.0.0.1:1/roms/whatsapp/webhook/1", "s3cret")
        config = self.waha.sessions["toko"]["config"]
        self.assertEqual(config["webhooks"][0]["hmac"], {"key": "s3cret"})
        self.assertIn("session.status", config["webhooks"][0]["events"])
        self.assertEqual(client.status(), ("disconnected", "scan_needed"))
        self.assertTrue(client.qr_code().startswith(b"\x89PNG"))
        with self.assertRaises(WhatsAppProviderError) as caught:
            client.send_text("+6281234567890", "Halo")
        self.assertFalse(caught.exception.temporary)
        self.waha.connect("toko")
        self.assertEqual(client.status(), ("connected", ""))
        self.assertIsNone(client.qr_code())
        sent_id = client.send_text("+6281234567890", "Halo")
        self.assertTrue(sent_id.startswith("true_6281234567890@c.us_"))
        request = self.waha.sent("/api/sendText")[-1]
        self.assertEqual(request.headers["X-Api-Key"], self.waha.api_key)
        self.assertEqual(
            request.json,
            {"session": "toko", "chatId": "6281234567890@c.us", "text": "Halo"},
        )
        client.send_media(
            "+6281234567890", "image", png_bytes(), "a.png", "image/png", "Foto"
        )
        image = self.waha.sent("/api/sendImage")[-1].json
        self.assertEqual(image["file"]["mimetype"], "image/png")
        self.assertEqual(image["caption"], "Foto")
        client.logout()
        self.assertEqual(client.status(), ("disconnected", "stopped"))
        client.config["api_key"] = "wrong"
        self.assertEqual(client.status(), ("disconnected", "token_expired"))

    def test_fonnte_send_and_errors(self):
        client = FonnteApi(
            {
                "base_url": self.fonnte.url,
                "token": self.fonnte.token,
                "webhook_secret": "x",
            },
            timeout=2,
        )
        self.assertEqual(client.status(), ("connected", ""))
        sent_id = client.send_text("+6281234567890", "Halo")
        self.assertTrue(sent_id.isdigit())
        form = self.fonnte.sent("/send")[-1].form()
        self.assertEqual(form["target"], "6281234567890")
        self.assertEqual(form["message"], "Halo")
        self.fonnte.fail_next(200, {"status": False, "reason": "target invalid"})
        with self.assertRaises(WhatsAppProviderError) as caught:
            client.send_text("+6281234567890", "Halo")
        self.assertEqual(caught.exception.code, "invalid_number")
        self.assertFalse(caught.exception.temporary)
        self.fonnte.fail_next(429, {"status": False, "reason": "rate limit"})
        with self.assertRaises(WhatsAppProviderError) as caught:
            client.send_text("+6281234567890", "Halo")
        self.assertTrue(caught.exception.temporary)
        client.config["token"] = "wrong"
        self.assertEqual(client.status(), ("disconnected", "token_expired"))

    def test_signature_checks(self):
        body = b'{"entry": []}'
        self.assertTrue(
            self.meta_client.verify_webhook(
                {"X-Hub-Signature-256": self.meta.sign(body)}, body, {}
            )
        )
        self.assertFalse(self.meta_client.verify_webhook({}, body, {}))
        self.meta_client.config["app_secret"] = ""
        # an account without its app secret accepts nothing
        self.assertFalse(
            self.meta_client.verify_webhook(
                {"X-Hub-Signature-256": self.meta.sign(body, secret="")}, body, {}
            )
        )
