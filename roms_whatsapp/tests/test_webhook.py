import json
import logging

from odoo.tests import tagged
from odoo.tools import mute_logger

from ..controllers.main import _RedactWebhookSecrets
from .common import WhatsappCase


@tagged("post_install", "-at_install")
class TestWebhookSecurity(WhatsappCase):
    def test_meta_handshake(self):
        url = self.webhook_url(self.meta_account)
        ok = self.url_open(
            url
            + "?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444"
        )
        self.assertEqual(ok.status_code, 200)
        self.assertEqual(ok.text, "1158201444")
        self.assertTrue(ok.headers["Content-Type"].startswith("text/plain"))
        bad = self.url_open(
            url + "?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1158201444"
        )
        self.assertEqual(bad.status_code, 403)
        self.assertNotIn("1158201444", bad.text)
        no_mode = self.url_open(url + "?hub.verify_token=verify-me&hub.challenge=1")
        self.assertEqual(no_mode.status_code, 403)
        # gateways have no handshake
        waha = self.url_open(
            self.webhook_url(self.waha_account)
            + "?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1"
        )
        self.assertEqual(waha.status_code, 403)

    def test_unknown_account(self):
        response = self.url_open(
            f"{self.base_url()}/roms/whatsapp/webhook/999999", data=b"{}"
        )
        self.assertEqual(response.status_code, 404)

    @mute_logger("odoo.addons.roms_whatsapp.controllers.main")
    def test_meta_bad_or_missing_signature(self):
        url = self.webhook_url(self.meta_account)
        payload = self.meta.message_payload("+6281234567001", "Halo kak", name="Budi")
        body = json.dumps(payload).encode()
        for signature in (
            False,
            "sha256=" + "0" * 64,
            self.meta.sign(body, secret="another-secret"),
            self.meta.sign(body)[7:],  # without the sha256= prefix
        ):
            response = self.post_webhook(self.meta, url, body, signature=signature)
            self.assertEqual(response.status_code, 403, signature)
        # a body changed after signing
        signature = self.meta.sign(body)
        response = self.post_webhook(self.meta, url, body + b" ", signature=signature)
        self.assertEqual(response.status_code, 403)
        self.assertFalse(self.inbound())

    @mute_logger("odoo.addons.roms_whatsapp.controllers.main")
    def test_waha_and_fonnte_secrets(self):
        event = self.waha.message_event("+6281234567002", "Halo")
        response = self.post_webhook(
            self.waha, self.webhook_url(self.waha_account), event, secret="wrong"
        )
        self.assertEqual(response.status_code, 403)
        response = self.post_webhook(
            self.waha, self.webhook_url(self.waha_account), event, signature=False
        )
        self.assertEqual(response.status_code, 403)
        payload = self.fonnte.message_payload("+6281234567003", "Halo")
        for query in ("", "?token=wrong"):
            response = self.post_webhook(
                self.fonnte, self.webhook_url(self.fonnte_account, query), payload
            )
            self.assertEqual(response.status_code, 403)
        self.assertFalse(self.inbound())
        response = self.post_webhook(
            self.fonnte,
            self.webhook_url(self.fonnte_account, "?token=fonnte-secret"),
            payload,
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(self.inbound(self.fonnte_account)), 1)

    def test_signed_message_queued_once(self):
        url = self.webhook_url(self.meta_account)
        payload = self.meta.message_payload(
            "+6281234567004", "Kopi gayo masih ada?", name="Siti", message_id="wamid.A1"
        )
        for _attempt in range(3):  # Meta retries deliveries
            response = self.post_webhook(self.meta, url, payload)
            self.assertEqual(response.status_code, 200)
        inbound = self.inbound(self.meta_account)
        self.assertEqual(len(inbound), 1)
        self.assertEqual(inbound.provider_message_id, "wamid.A1")
        self.assertEqual(inbound.state, "pending")
        self.assertEqual(inbound.payload["number"], "+6281234567004")
        self.assertEqual(inbound.payload["profile_name"], "Siti")
        self.assertEqual(inbound.payload["body"], "Kopi gayo masih ada?")
        # the same id on another account is another message
        self.post_webhook(
            self.waha,
            self.webhook_url(self.waha_account),
            self.waha.message_event("+6281234567004", "Halo", message_id="wamid.A1"),
        )
        self.assertEqual(len(self.inbound()), 2)

    def test_signed_message_queries(self):
        """The hot path of inbound traffic (./setup/load's webhook scenario):
        the account's provider and secrets from the worker's cache, the public
        user from its cached xmlid, the message queued by one statement that
        also finds the cron's due trigger; a message of the same burst adds no
        trigger."""
        url = self.webhook_url(self.meta_account)
        first = self.meta.message_payload(
            "+6281234567005", "Halo", message_id="wamid.Q1"
        )
        self.post_webhook(self.meta, url, first)  # warm the route and the caches
        cron = self.env.ref("roms_whatsapp.ir_cron_roms_wa_inbound")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        self.assertTrue(triggers)
        payload = self.meta.message_payload(
            "+6281234567005", "Lagi", message_id="wamid.Q2"
        )
        # ours: the INSERT (was six: the public user, the account, savepoint,
        # insert, release, the due trigger)
        with self.assertQueryCount(1):
            response = self.post_webhook(self.meta, url, payload)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            self.inbound(self.meta_account).mapped("provider_message_id"),
            ["wamid.Q2", "wamid.Q1"],
        )
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]),
            triggers,
        )
        # written as the public user, as with auth="public"
        self.assertEqual(
            self.inbound(self.meta_account).create_uid,
            self.env.ref("base.public_user"),
        )

    @mute_logger("odoo.addons.roms_whatsapp.controllers.main")
    def test_account_changes_reach_the_cached_webhook(self):
        """The webhook's per-worker cache of the account never answers with a
        stale secret, a deleted or archived account, or a 404 for an account
        created after its id was asked for."""
        url = self.webhook_url(self.meta_account)
        payload = self.meta.message_payload(
            "+6281234567006", "Halo", message_id="wamid.C1"
        )
        body = json.dumps(payload).encode()
        self.assertEqual(self.post_webhook(self.meta, url, body).status_code, 200)
        # a new app secret: the old signature is refused at once
        self.meta_account.meta_app_secret = "rotated-secret"
        body = json.dumps(
            self.meta.message_payload("+6281234567006", "Lagi", message_id="wamid.C2")
        ).encode()
        old = self.post_webhook(self.meta, url, body)
        self.assertEqual(old.status_code, 403)
        new = self.post_webhook(
            self.meta,
            url,
            body,
            signature=self.meta.sign(body, secret="rotated-secret"),
        )
        self.assertEqual(new.status_code, 200)
        # archived: unknown
        self.meta_account.active = False
        self.assertEqual(self.post_webhook(self.meta, url, body).status_code, 404)
        self.meta_account.active = True
        # an id asked for before its account existed
        next_id = self.meta_account.id + 1000
        missing = f"{self.base_url()}/roms/whatsapp/webhook/{next_id}"
        self.assertEqual(self.post_webhook(self.meta, missing, body).status_code, 404)
        self.env.cr.execute(
            "SELECT setval('roms_whatsapp_account_id_seq', %s, false)", [next_id]
        )
        created = self.env["roms.whatsapp.account"].create(
            self.meta.account_values("Meta later", is_default=False)
        )
        self.assertEqual(created.id, next_id)
        body = json.dumps(
            self.meta.message_payload("+6281234567007", "Halo", message_id="wamid.C3")
        ).encode()
        self.assertEqual(self.post_webhook(self.meta, missing, body).status_code, 200)
        # deleted
        created.unlink()
        self.assertEqual(self.post_webhook(self.meta, missing, body).status_code, 404)

    def test_waha_session_status_drives_account_state(self):
        url = self.webhook_url(self.waha_account)
        self.assertEqual(self.waha_account.state, "disconnected")
        response = self.post_webhook(self.waha, url, self.waha.status_event("WORKING"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.waha_account.state, "connected")
        self.assertFalse(self.waha_account.state_reason)
        since = self.waha_account.state_since
        self.post_webhook(self.waha, url, self.waha.status_event("SCAN_QR_CODE"))
        self.assertEqual(self.waha_account.state, "disconnected")
        self.assertEqual(self.waha_account.state_reason, "scan_needed")
        self.assertGreaterEqual(self.waha_account.state_since, since)
        self.post_webhook(self.waha, url, self.waha.status_event("FAILED"))
        self.assertEqual(self.waha_account.state_reason, "failed")
        # another session's events are not ours
        self.post_webhook(
            self.waha, url, self.waha.status_event("WORKING", session="other")
        )
        self.assertEqual(self.waha_account.state, "disconnected")

    def test_secrets_not_in_access_log(self):
        lines = [
            '"POST /roms/whatsapp/webhook/3?token=s3cret HTTP/1.1" 200 -',
            '"GET /roms/whatsapp/webhook/3?hub.verify_token=s3cret&hub.challenge=1"',
        ]
        for line in lines:
            for msg, args in ((line, ()), ("%s %s %s", (line, "200", "-"))):
                record = logging.LogRecord(
                    "werkzeug", logging.INFO, __file__, 1, msg, args, None
                )
                _RedactWebhookSecrets().filter(record)
                self.assertNotIn("s3cret", record.getMessage())
                self.assertIn("/roms/whatsapp/webhook/3", record.getMessage())
