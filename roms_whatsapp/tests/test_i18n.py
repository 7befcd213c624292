from odoo.tests import TransactionCase, tagged

from odoo.addons.roms_crm.tests.common import TranslationCompletenessMixin


@tagged("post_install", "-at_install")
class TestI18n(TranslationCompletenessMixin, TransactionCase):
    def test_indonesian_translation_complete(self):
        self.assertModuleTranslated("roms_whatsapp")

    def test_web_client_terms_unambiguous(self):
        self.assertWebClientTermsUnambiguous("roms_whatsapp")
