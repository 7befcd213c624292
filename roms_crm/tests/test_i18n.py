from odoo.tests import TransactionCase, tagged

from .common import TranslationCompletenessMixin, untranslated_terms


@tagged("post_install", "-at_install")
class TestI18n(TranslationCompletenessMixin, TransactionCase):
    def test_indonesian_translation_complete(self):
        self.assertModuleTranslated("roms_crm")

    def test_missing_translation_is_detected(self):
        # No French catalogue ships with ROMS: every term counts as missing, which
        # proves the check above looks at real terms.
        missing, not_in_pot = untranslated_terms(self.env, "roms_crm", lang="fr_FR")
        self.assertIn("Customer Category", missing)
        self.assertIn("Fulfilment Stage", missing)
        self.assertFalse(not_in_pot)
