import socket
from datetime import datetime, timedelta

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import WhatsappCase


@tagged("post_install", "-at_install")
class TestAccount(WhatsappCase):
    def test_waha_start_qr_and_logout(self):
        account = self.waha_account
        action = account.action_waha_start()
        self.assertEqual(action["tag"], "soft_reload")
        session = self.waha.sessions["default"]
        webhook = session["config"]["webhooks"][0]
        self.assertEqual(
            webhook["url"],
            self.webhook_url(account).replace(self.base_url(), account.get_base_url()),
        )
        self.assertEqual(webhook["hmac"], {"key": self.waha.webhook_secret})
        self.assertEqual(
            (account.state, account.state_reason), ("disconnected", "scan_needed")
        )
        self.assertTrue(account.waha_qr_image)
        # the admin scans: the gateway reports the session working
        self.waha.connect("default")
        account.action_waha_poll()
        self.assertEqual(account.state, "connected")
        self.assertFalse(account.waha_qr_image)
        account.action_waha_logout()
        self.assertEqual(self.waha.sessions["default"]["status"], "STOPPED")
        self.assertEqual(
            (account.state, account.state_reason), ("disconnected", "scan_needed")
        )
        with self.assertRaises(UserError):
            self.meta_account.action_waha_start()

    def test_status_check_and_cron(self):
        self.meta_account.action_check_status()
        self.assertEqual(self.meta_account.state, "connected")
        self.fonnte.connected = False
        self.env["roms.whatsapp.account"]._cron_check_status()
        self.assertEqual(
            (self.fonnte_account.state, self.fonnte_account.state_reason),
            ("disconnected", "scan_needed"),
        )
        self.fonnte.connected = True
        self.env.ref("roms_whatsapp.ir_cron_roms_wa_status").method_direct_trigger()
        self.assertEqual(self.fonnte_account.state, "connected")
        self.meta_account.meta_access_token = "expired"
        self.meta_account.action_check_status()
        self.assertEqual(
            (self.meta_account.state, self.meta_account.state_reason),
            ("disconnected", "token_expired"),
        )
        empty = self.env["roms.whatsapp.account"].create(
            {"name": "Empty", "provider": "meta"}
        )
        empty.action_check_status()
        self.assertEqual(empty.state_reason, "not_configured")

    def _connect_waha(self):
        """The fake gateway's session working, as after a scan (and stopped
        again when the test ends: the fake serves the whole class)."""
        self.waha.connect("default")
        self.addCleanup(self.waha.sessions.pop, "default", None)
        self.waha_account.action_waha_poll()

    def _silent_url(self):
        """A loopback address where nothing listens: a gateway that stopped."""
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def test_cron_rechecks_connected_gateway(self):
        """A WAHA gateway that stopped listening sends no webhook: the cron asks
        it anyway, and the account no longer reads Connected."""
        self._connect_waha()
        self.assertEqual(self.waha_account.state, "connected")
        self.waha_account.waha_base_url = self._silent_url()
        with freeze_time("2026-12-06 10:00:00"):
            self.env["roms.whatsapp.account"]._cron_check_status()
        self.assertEqual(
            (self.waha_account.state, self.waha_account.state_reason),
            ("disconnected", "unreachable"),
        )
        self.assertEqual(
            self.waha_account.state_checked_at, datetime(2026, 12, 6, 10, 0, 0)
        )

    def test_check_on_open_at_most_once_a_minute(self):
        cs = new_test_user(self.env, "roms_cs_wa_open", groups="roms_crm.group_roms_cs")
        account = self.waha_account
        self._connect_waha()
        start = datetime(2026, 12, 6, 10, 0, 0)
        with freeze_time(start):
            # customer service opens the account: checked, though it may not write
            self.assertTrue(account.with_user(cs).action_check_status_on_open())
        self.assertEqual(account.state_checked_at, start)
        self.assertEqual(account.state, "connected")
        account.waha_base_url = self._silent_url()
        with freeze_time(start + timedelta(seconds=30)):
            self.assertFalse(account.action_check_status_on_open())
        self.assertEqual(account.state, "connected")
        with freeze_time(start + timedelta(minutes=2)):
            self.assertTrue(account.action_check_status_on_open())
        self.assertEqual(
            (account.state, account.state_reason), ("disconnected", "unreachable")
        )
        self.assertEqual(account.state_checked_at, start + timedelta(minutes=2))

    def test_status_bar_order_and_secret_fields(self):
        """The status bar reads Disconnected → Connected; webhook secrets are
        password fields on the form."""
        Account = self.env["roms.whatsapp.account"]
        self.assertEqual(
            [key for key, _label in Account._fields["state"].selection],
            ["disconnected", "connected"],
        )
        arch = Account.get_view(
            self.env.ref("roms_whatsapp.roms_whatsapp_account_view_form").id
        )["arch"]
        form = etree.fromstring(arch)
        for name in ("waha_webhook_secret", "fonnte_webhook_secret"):
            nodes = form.xpath(f"//field[@name='{name}']")
            self.assertTrue(nodes)
            self.assertTrue(all(node.get("password") == "True" for node in nodes))

    def test_one_default_and_validation(self):
        self.assertTrue(self.meta_account.is_default)
        self.fonnte_account.is_default = True
        self.assertFalse(self.meta_account.is_default)
        with self.assertRaises(ValidationError):
            self.meta_account.meta_base_url = "ftp://graph.facebook.com"

    def test_cs_sees_no_secret(self):
        cs = new_test_user(self.env, "roms_cs_wa", groups="roms_crm.group_roms_cs")
        account = self.meta_account.with_user(cs)
        self.assertEqual(account.name, "Meta test")
        self.assertEqual(account.state, "disconnected")
        for secret in (
            "meta_access_token",
            "meta_app_secret",
            "waha_api_key",
            "fonnte_token",
        ):
            with self.assertRaises(AccessError):
                account.read([secret])
        with self.assertRaises(AccessError):
            account.write({"name": "Hacked"})
        with self.assertRaises(AccessError):
            self.env["roms.whatsapp.inbound"].with_user(cs).search([])

    def test_webhook_url_of_several_accounts(self):
        accounts = self.meta_account | self.waha_account | self.fonnte_account
        rows = accounts.search_read([("id", "in", accounts.ids)], ["webhook_url"])
        urls = {row["id"]: row["webhook_url"] for row in rows}
        for account in accounts:
            self.assertTrue(
                urls[account.id].endswith(f"/roms/whatsapp/webhook/{account.id}")
                or urls[account.id].endswith(
                    f"/roms/whatsapp/webhook/{account.id}?token=fonnte-secret"
                )
            )
        self.assertTrue(urls[self.fonnte_account.id].endswith("?token=fonnte-secret"))
