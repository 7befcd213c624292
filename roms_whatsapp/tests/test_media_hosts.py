"""Where the provider clients may send their credentials and fetch media from
(issue 15): a webhook must not make the server carry the device token or the
gateway key to a URL of the sender's choosing."""

from odoo.tests import tagged
from odoo.tools import mute_logger

from ..tools import FonnteApi, WhatsAppProviderError
from .common import WhatsappCase
from .fake_providers import FakeAttacker, png_bytes

INBOUND_LOGGER = "odoo.addons.roms_whatsapp.models.roms_whatsapp_inbound"


@tagged("post_install", "-at_install")
class TestMediaHosts(WhatsappCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.attacker = FakeAttacker()
        cls.addClassCleanup(cls.attacker.stop)

    def setUp(self):
        super().setUp()
        self.attacker.requests.clear()
        self.attacker._failures.clear()

    def receive(self, fake, account, payload, query=""):
        response = self.post_webhook(fake, self.webhook_url(account, query), payload)
        self.assertEqual(response.status_code, 200)
        with mute_logger(INBOUND_LOGGER):
            self.env["roms.whatsapp.inbound"]._cron_process()
        inbound = self.inbound(account)[:1]
        self.assertEqual(inbound.state, "done", inbound.error)
        return inbound

    def receive_fonnte(self, number, url):
        return self.receive(
            self.fonnte,
            self.fonnte_account,
            self.fonnte.message_payload(number, "bukti transfer", url=url),
            "?token=fonnte-secret",
        )

    def assert_not_contacted(self):
        self.assertFalse(
            self.attacker.requests,
            "the server called a URL chosen by the webhook's sender",
        )

    def assert_refused(self, inbound):
        self.assertIn(inbound.media_state, ("refused", "failed"))
        self.assertFalse(inbound.message_id.attachment_ids)

    # Fonnte -------------------------------------------------------------------

    def test_fonnte_media_elsewhere_is_not_fetched_with_the_token(self):
        """The reported SSRF: a loopback URL in a Fonnte webhook."""
        inbound = self.receive_fonnte("+6281234567601", self.attacker.url + "/x.png")
        self.assert_not_contacted()
        self.assert_refused(inbound)
        for url in (
            "file:///etc/passwd",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]:1/x.png",
            "gopher://127.0.0.1:25/",
        ):
            client = self.fonnte_account._client()
            with self.assertRaises(WhatsAppProviderError, msg=url):
                client.download_media({"ref": url}, 10_000)

    def test_fonnte_media_on_the_api_host_is_fetched_with_the_token(self):
        url = self.fonnte.add_file(png_bytes(), "image/png")
        inbound = self.receive_fonnte("+6281234567602", url)
        self.assertEqual(inbound.media_state, "done", inbound.error)
        self.assertEqual(inbound.message_id.attachment_ids.raw, png_bytes())
        [request] = [r for r in self.fonnte.requests if r.path.startswith("/files/")]
        self.assertEqual(request.headers.get("Authorization"), self.fonnte.token)

    def test_fonnte_public_media_host_gets_no_token(self):
        client = FonnteApi(
            {"base_url": self.fonnte.url, "token": "device-token"}, timeout=2
        )
        self.assertEqual(
            client._media_policy("https://93.184.216.34/media/x.png"), (True, False)
        )
        self.assertEqual(
            client._media_policy(self.fonnte.url + "/files/a"), (True, True)
        )
        for url in (
            self.attacker.url + "/x.png",
            "http://10.1.2.3/x.png",
            "http://192.168.1.1/x.png",
            "http://169.254.169.254/",
            "http://0.0.0.0/",
            "ftp://93.184.216.34/x.png",
        ):
            self.assertFalse(client._media_policy(url)[0], url)

    def test_redirects_are_not_followed_elsewhere(self):
        url = self.fonnte.add_file(png_bytes(), "image/png")
        self.fonnte.redirect_next(self.attacker.url + "/x.png", "/files/")
        inbound = self.receive_fonnte("+6281234567603", url)
        self.assert_not_contacted()
        self.assert_refused(inbound)

        waha_url = self.waha.add_file(png_bytes(), "image/png")
        self.waha.redirect_next(self.attacker.url + "/x.png", "/api/files/")
        inbound = self.receive(
            self.waha,
            self.waha_account,
            self.waha.message_event("+6281234567604", "", media_url=waha_url),
        )
        self.assert_not_contacted()
        self.assert_refused(inbound)

    def test_api_calls_never_leave_the_base_url(self):
        client = self.fonnte_account._client()
        with self.assertRaises(WhatsAppProviderError):
            client._request("GET", self.attacker.url + "/x.png")
        self.assert_not_contacted()
        # an API that answers with a redirect does not take the key along
        self.waha.redirect_next(self.attacker.url + "/api/sessions/default", "/api/")
        client = self.waha_account._client()
        self.assertEqual(client.status()[0], "disconnected")
        self.assert_not_contacted()

    # WAHA ---------------------------------------------------------------------

    def test_waha_media_only_from_the_gateway(self):
        url = self.waha.add_file(png_bytes(), "image/png")
        inbound = self.receive(
            self.waha,
            self.waha_account,
            self.waha.message_event("+6281234567611", "foto", media_url=url),
        )
        self.assertEqual(inbound.media_state, "done", inbound.error)
        [request] = [r for r in self.waha.requests if r.path.startswith("/api/files/")]
        self.assertEqual(request.headers.get("X-Api-Key"), self.waha.api_key)

        inbound = self.receive(
            self.waha,
            self.waha_account,
            self.waha.message_event(
                "+6281234567612",
                "foto",
                media_url=self.attacker.url + "/api/files/x.png",
            ),
        )
        self.assert_not_contacted()
        self.assert_refused(inbound)

    # Meta ---------------------------------------------------------------------

    def test_meta_media_url_elsewhere_is_refused(self):
        media_id = self.meta.add_media(png_bytes(), "image/png")
        self.meta.fail_next(
            200,
            {
                "messaging_product": "whatsapp",
                "url": self.attacker.url + "/x.png",
                "mime_type": "image/png",
                "file_size": 100,
                "id": media_id,
            },
            f"/v21.0/{media_id}",
        )
        inbound = self.receive(
            self.meta,
            self.meta_account,
            self.meta.message_payload(
                "+6281234567621",
                media={"type": "image", "id": media_id, "mime_type": "image/png"},
            ),
        )
        self.assert_not_contacted()
        self.assert_refused(inbound)
        # a media id that is a path elsewhere in the Graph API
        inbound_before = self.inbound(self.meta_account)
        self.receive(
            self.meta,
            self.meta_account,
            self.meta.message_payload(
                "+6281234567622",
                media={
                    "type": "image",
                    "id": "../me/accounts",
                    "mime_type": "image/png",
                },
            ),
        )
        inbound = self.inbound(self.meta_account) - inbound_before
        self.assert_refused(inbound)
        self.assertFalse(
            [r for r in self.meta.requests if "accounts" in r.path],
            "the media id was used as a path",
        )
