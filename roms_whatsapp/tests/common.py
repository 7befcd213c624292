from odoo.tests import HttpCase

from .fake_providers import start_fakes


class WhatsappCase(HttpCase):
    """Accounts of the three providers, each pointed at its fake server (real HTTP
    on 127.0.0.1)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.meta, cls.waha, cls.fonnte = start_fakes(cls, "waha-hmac-secret")
        Account = cls.env["roms.whatsapp.account"]
        # other accounts (demo data) must not take the messages of the tests
        Account.search([]).write({"active": False})
        cls.meta_account = Account.create(cls.meta.account_values("Meta test"))
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

    def post_webhook(self, fake, url, payload, **kwargs):
        """``fake`` sends a webhook to Odoo; the test's pending writes are
        flushed first and its cache is dropped after (the request ran in another
        environment)."""
        self.env.flush_all()
        response = fake.send_webhook(url, payload, **kwargs)
        self.env.invalidate_all()
        return response

    def automatic(self, conversation):
        """The automatic messages (welcome, away, rules, bot, answers to options)
        queued in ``conversation``, oldest first."""
        return self.env["roms.message"].search(
            [
                ("res_model", "=", "discuss.channel"),
                ("res_id", "=", conversation.id),
                ("roms_automatic", "=", True),
            ],
            order="id",
        )

    def inbound(self, account=None):
        domain = [("account_id", "=", account.id)] if account else []
        return self.env["roms.whatsapp.inbound"].search(domain)
