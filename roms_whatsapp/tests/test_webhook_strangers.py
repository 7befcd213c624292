"""What strangers (and providers' odd days) send to the WhatsApp webhook beyond
the hardening tests: events for a phone number of another account, senders'
numbers in other digits, ids that collide across accounts or hold LIKE
wildcards, out-of-order receipts, huge chunked bodies. After each: the answer,
then the inbound cron, the conversation list and the customer panel read back."""

import json

import requests

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import WhatsappCase
from .test_webhook_hardening import NUMBER, SentMessageMixin

LOGGERS = (
    "odoo.addons.roms_whatsapp.tools.wa_provider",
    "odoo.addons.roms_whatsapp.controllers.main",
    "odoo.addons.roms_whatsapp.models.roms_whatsapp_account",
    "odoo.addons.roms_whatsapp.models.roms_whatsapp_inbound",
)


@tagged("post_install", "-at_install")
class TestWebhookStrangers(SentMessageMixin, WhatsappCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_customer()

    def meta_post(self, payload, account=None):
        return self.post_webhook(
            self.meta, self.webhook_url(account or self.meta_account), payload
        )

    @staticmethod
    def for_number(payload, phone_number_id):
        """``payload`` as Meta sends it for the phone number ``phone_number_id``."""
        for entry in payload["entry"]:
            for change in entry["changes"]:
                change["value"]["metadata"]["phone_number_id"] = phone_number_id
        return payload

    def assert_readable(self):
        """The inbound cron runs over what was stored; the conversations list
        and every conversation's customer panel read back."""
        Inbound = self.env["roms.whatsapp.inbound"]
        Inbound._cron_process()
        self.assertFalse(Inbound.search([("state", "!=", "done")]))
        Channel = self.env["discuss.channel"]
        conversations = Channel.search([("roms_account_id", "!=", False)])
        rows = conversations.search_read(
            [("id", "in", conversations.ids)],
            ["name", "roms_wa_number", "roms_partner_id", "roms_status"],
        )
        for row in rows:
            self.assertRegex(row["roms_wa_number"], r"^\+[0-9]{8,15}$")
        for conversation in conversations:
            panel = conversation.roms_wa_panel_data()
            self.assertTrue(panel["partner"], conversation.name)
        return conversations

    @mute_logger(*LOGGERS)
    def test_events_for_another_phone_number(self):
        """Meta sends every number of an app to one callback URL: an event names
        its number (``metadata.phone_number_id``). It belongs to the account of
        that number when that account has the same app (its secret signed the
        request); else it is no event of ours and is dropped. Before: every
        event was taken as the receiving account's, so a customer writing to
        the second number was answered from the first, and the second number's
        receipts were lost."""
        Account = self.env["roms.whatsapp.account"]
        sibling = Account.create(
            self.meta.account_values(
                "Meta second number", is_default=False, meta_phone_number_id="5550001"
            )
        )
        stranger = Account.create(
            self.meta.account_values(
                "Meta of another app",
                is_default=False,
                meta_phone_number_id="5550002",
                meta_app_secret="another-app-secret",
            )
        )
        message = self.sent_message(self.meta_account)
        payloads = {
            "sibling": self.for_number(
                self.meta.message_payload(
                    "+6281234567601", "ke nomor kedua", message_id="wamid.n2"
                ),
                "5550001",
            ),
            "stranger": self.for_number(
                self.meta.message_payload(
                    "+6281234567602", "ke aplikasi lain", message_id="wamid.n3"
                ),
                "5550002",
            ),
            "nobody": self.for_number(
                self.meta.message_payload(
                    "+6281234567603", "ke nomor asing", message_id="wamid.n4"
                ),
                "999",
            ),
            "object": self.for_number(
                self.meta.message_payload(
                    "+6281234567604", "nomor objek", message_id="wamid.n5"
                ),
                {"id": "1234567890"},
            ),
        }
        for name, payload in payloads.items():
            self.assertEqual(self.meta_post(payload).status_code, 200, name)
        self.assertFalse(
            self.inbound(self.meta_account).filtered(
                lambda i: i.provider_message_id != f"in.{self.meta_account.id}"
            )
        )
        self.assertEqual(
            self.inbound(sibling).mapped("provider_message_id"), ["wamid.n2"]
        )
        self.assertFalse(self.inbound(stranger))
        # receipts: only for the number that sent the message
        for phone_number_id in ("999", "5550002", "5550001"):
            self.meta_post(
                self.for_number(
                    self.meta.status_payload(message.provider_message_id, "read"),
                    phone_number_id,
                )
            )
            self.assertEqual(message.state, "sent", phone_number_id)
        self.meta_post(
            self.for_number(
                self.meta.status_payload(message.provider_message_id, "delivered"),
                "1234567890",
            )
        )
        self.assertEqual(message.state, "delivered")
        # the same document posted to the stranger's own URL is refused: signed
        # with the wrong app secret
        response = self.meta_post(payloads["stranger"], account=stranger)
        self.assertEqual(response.status_code, 403)
        conversations = self.assert_readable()
        [second] = conversations.filtered(
            lambda c: c.roms_wa_number == "+6281234567601"
        )
        self.assertEqual(second.roms_account_id, sibling)

    @mute_logger(*LOGGERS)
    def test_sender_numbers_in_other_digits(self):
        """A sender written in other digits (Arabic-Indic, superscripts, full
        width): stored as an E.164 number of ASCII digits or skipped, never
        a number the cron, the list or the panel chokes on."""
        senders = {
            "arabic": "\u0666\u0662\u0668\u0661\u0662\u0663\u0664\u0665\u0666\u0667"
            "\u0666\u0661\u0661",
            "superscript": "62812345676\u00b2\u00b2",
            "fullwidth": "\uff16\uff12\uff18\uff11\uff12\uff13\uff14\uff15\uff16"
            "\uff17\uff16\uff13\uff13",
        }
        for index, sender in enumerate(senders.values()):
            payload = self.meta.message_payload(
                "+6281234567699", "Halo", message_id=f"wamid.digits.{index}"
            )
            value = payload["entry"][0]["changes"][0]["value"]
            value["messages"][0]["from"] = sender
            value["contacts"][0]["wa_id"] = sender
            self.assertEqual(self.meta_post(payload).status_code, 200, sender)
        for row in self.inbound(self.meta_account):
            self.assertRegex(row.payload["number"], r"^\+[0-9]{8,15}$")
        self.assert_readable()

    @mute_logger(*LOGGERS)
    def test_ids_collide_across_accounts_or_hold_wildcards(self):
        """Provider ids are unique per account only, and hold what the provider
        likes: ``%`` and ``_`` match nothing but themselves."""
        meta_message = self.sent_message(self.meta_account)
        for account, fake in (
            (self.meta_account, self.meta),
            (self.waha_account, self.waha),
        ):
            url = self.webhook_url(account)
            for message_id in ("same-id-1", "%", "_"):
                payload = (
                    self.meta.message_payload(NUMBER, "Halo", message_id=message_id)
                    if fake is self.meta
                    else self.waha.message_event(NUMBER, "Halo", message_id=message_id)
                )
                self.assertEqual(self.post_webhook(fake, url, payload).status_code, 200)
        for account in (self.meta_account, self.waha_account):
            self.assertEqual(
                sorted(
                    self.inbound(account)
                    .filtered(lambda i: not i.provider_message_id.startswith("in."))
                    .mapped("provider_message_id")
                ),
                ["%", "_", "same-id-1"],
            )
        for wildcard in ("%", "_", "%%", meta_message.provider_message_id[:-1] + "_"):
            self.meta_post(self.meta.status_payload(wildcard, "failed"))
        self.assertEqual(meta_message.state, "sent")
        self.assert_readable()

    @mute_logger(*LOGGERS)
    def test_receipts_out_of_order_unknown_and_backwards(self):
        message = self.sent_message(self.meta_account)
        wamid = message.provider_message_id
        for status in ("read", "delivered", "sent"):
            self.assertEqual(
                self.meta_post(self.meta.status_payload(wamid, status)).status_code,
                200,
            )
        self.assertEqual(message.state, "read")
        self.assertTrue(message.delivered_at and message.read_at)
        # a failure after it was read does not undo the reading
        self.meta_post(
            self.meta.status_payload(wamid, "failed", error=(131026, "Undeliverable"))
        )
        self.assertEqual(message.state, "read")
        response = self.meta_post(self.meta.status_payload("wamid.unknown", "read"))
        self.assertEqual(response.status_code, 200)
        # a replayed receipt changes nothing
        read_at = message.read_at
        self.meta_post(self.meta.status_payload(wamid, "read"))
        self.assertEqual(message.read_at, read_at)

    @mute_logger(*LOGGERS)
    def test_huge_bodies_are_refused_without_being_read(self):
        """50 MB announced (with Content-Length) or streamed (chunked, without):
        413 or the connection closed, nothing stored, and the next request is
        served."""
        url = self.webhook_url(self.meta_account)
        chunk = b"x" * (1024 * 1024)
        self.env.flush_all()
        for announced in (True, False):
            body = (
                b"".join([chunk] * 50)
                if announced
                else (chunk for _i in range(50))  # chunked transfer
            )
            try:
                response = requests.post(
                    url,
                    data=body,
                    headers={"Content-Type": "application/json"},
                    timeout=60,
                )
            except requests.ConnectionError:
                continue  # the server stopped reading: as good as a 413
            self.assertEqual(response.status_code, 413, announced)
        payload = self.meta.message_payload(NUMBER, "Halo", message_id="wamid.after")
        self.assertEqual(self.meta_post(payload).status_code, 200)
        self.assertEqual(
            self.inbound(self.meta_account).mapped("provider_message_id"),
            ["wamid.after"],
        )

    @mute_logger(*LOGGERS)
    def test_get_handshake_abuse(self):
        """The handshake answers only Meta's subscription check with the verify
        token; anything else gets 403 and no echo, whatever the method, the
        account or the size."""
        url = self.webhook_url(self.meta_account)
        for query in (
            "?hub.mode=subscribe&hub.verify_token=&hub.challenge=echo",
            "?hub.mode=subscribe&hub.verify_token=verify-m&hub.challenge=echo",
            "?hub.mode=subscribe&hub.verify_token=verify-me%00&hub.challenge=echo",
            "?hub.mode=subscribe&hub.verify_token=%ff%fe&hub.challenge=echo",
            "?hub.mode=subscribe&hub.verify_token[]=verify-me&hub.challenge=echo",
            "?hub.mode=unsubscribe&hub.verify_token=verify-me&hub.challenge=echo",
        ):
            response = self.url_open(url + query)
            self.assertEqual(response.status_code, 403, query)
            self.assertNotIn("echo", response.text)
        for account in (self.waha_account, self.fonnte_account):
            response = self.url_open(
                self.webhook_url(account, "?token=fonnte-secret&hub.challenge=echo")
            )
            self.assertEqual(response.status_code, 403)
        response = self.url_open(f"{self.base_url()}/roms/whatsapp/webhook/0")
        self.assertEqual(response.status_code, 404)
        response = self.url_open(
            f"{self.base_url()}/roms/whatsapp/webhook/99999999999999999999"
        )
        self.assertLess(response.status_code, 500)
        self.assertNotIn("verify-me", json.dumps(dict(response.headers)))

    @mute_logger(*LOGGERS)
    def test_fonnte_broken_forms(self):
        """Fonnte posts forms: broken multipart bodies, thousands of fields,
        invalid UTF-8 and NUL bytes in a form get a 4xx or are read as text,
        never a 500; a form's sender is still an E.164 number."""
        url = self.webhook_url(self.fonnte_account, "?token=fonnte-secret")
        self.env.flush_all()
        cases = [
            ("multipart/form-data; boundary=xyz", b"--xyz\r\ngarbage without end"),
            ("multipart/form-data", b"no boundary at all"),
            (
                "multipart/form-data; boundary=b",
                b"".join(
                    b'--b\r\nContent-Disposition: form-data; name="f%d"\r\n\r\nx\r\n'
                    % i
                    for i in range(3000)
                )
                + b"--b--\r\n",
            ),
            (
                "application/x-www-form-urlencoded",
                b"&".join(b"f%d=x" % i for i in range(3000)),
            ),
            (
                "application/x-www-form-urlencoded",
                b"sender=62812345676%00%ff01&message=Halo%00%ff%fe&inboxid=nul%00id",
            ),
        ]
        for content_type, body in cases:
            response = requests.post(
                url, data=body, headers={"Content-Type": content_type}, timeout=30
            )
            self.assertLess(response.status_code, 500, (content_type, body[:40]))
        self.env.invalidate_all()
        for row in self.inbound(self.fonnte_account):
            self.assertRegex(row.payload["number"], r"^\+[0-9]{8,15}$")
            self.assertNotIn("\x00", row.payload["body"] + row.provider_message_id)
        self.assert_readable()
