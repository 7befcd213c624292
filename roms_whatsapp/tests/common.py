from odoo.tests import HttpCase

from .fake_providers import FakeFonnte, FakeMetaCloud, FakeWaha


class WhatsappCase(HttpCase):
    """Accounts of the three providers, each pointed at its fake server (real HTTP
    on 127.0.0.1)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.meta = FakeMetaCloud()
        cls.addClassCleanup(cls.meta.stop)
        cls.waha = FakeWaha(webhook_secret="waha-hmac-secret")
        cls.addClassCleanup(cls.waha.stop)
        cls.fonnte = FakeFonnte()
        cls.addClassCleanup(cls.fonnte.stop)
        Account = cls.env["roms.whatsapp.account"]
        # other accounts (demo data) must not take the messages of the tests
        Account.search([]).write({"active": False})
        cls.meta_account = Account.create(
            {
                "name": "Meta test",
                "provider": "meta",
                "is_default": True,
                "meta_phone_number_id": cls.meta.phone_number_id,
                "meta_business_account_id": "102290129340398",
                "meta_access_token": cls.meta.token,
                "meta_app_secret": cls.meta.app_secret,
                "meta_verify_token": "verify-me",
                "meta_base_url": cls.meta.url,
            }
        )
        cls.waha_account = Account.create(
            {
                "name": "WAHA test",
                "provider": "waha",
                "sequence": 20,
                "waha_base_url": cls.waha.url,
                "waha_api_key": cls.waha.api_key,
                "waha_session": "default",
                "waha_webhook_secret": cls.waha.webhook_secret,
            }
        )
        cls.fonnte_account = Account.create(
            {
                "name": "Fonnte test",
                "provider": "fonnte",
                "sequence": 30,
                "fonnte_token": cls.fonnte.token,
                "fonnte_base_url": cls.fonnte.url,
                "fonnte_webhook_secret": "fonnte-secret",
            }
        )

    def setUp(self):
        super().setUp()
        for fake in (self.meta, self.waha, self.fonnte):
            fake.requests.clear()
            fake._failures.clear()

    def webhook_url(self, account, query=""):
        return f"{self.base_url()}/roms/whatsapp/webhook/{account.id}{query}"

    def inbound(self, account=None):
        domain = [("account_id", "=", account.id)] if account else []
        return self.env["roms.whatsapp.inbound"].search(domain)
