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
