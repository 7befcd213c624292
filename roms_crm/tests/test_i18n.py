from odoo.tests import TransactionCase, tagged

from .common import CoreTermsMixin, TranslationCompletenessMixin, untranslated_terms


@tagged("post_install", "-at_install")
class TestI18n(CoreTermsMixin, TranslationCompletenessMixin, TransactionCase):
    def test_core_terms_on_roms_screens(self):
        """Odoo's terms on ROMS's screens that Odoo's Indonesian leaves in
        English, or reads oddly, read in ROMS's wording."""
        self.assertCoreTermsTranslated(
            "roms_crm",
            [
                ("sale.view_order_form", "Add a section"),
                ("base.view_partner_form", "Sales & Purchase"),
                (
                    "sale_pdf_quote_builder.sale_order_form_inherit_sale_pdf_quote_builder",
                    "Quote Builder",
                ),
                ("spreadsheet_dashboard.spreadsheet_dashboard_menu_root", "Dashboards"),
                ("sale.field_sale_order__fiscal_position_id", "Fiscal Position"),
                # the heading of the portal's list of orders (Odoo: "Sale Order #")
                (
                    "sale.portal_my_orders",
                    (
                        '<span class="d-none d-md-inline">Sales Order #</span>\n'
                        '                            <span class="d-block d-md-none">'
                        "Ref.</span>"
                    ),
                ),
                # the header's link of a visitor's pages (the payment page)
                ("portal.user_sign_in", "Sign in"),
                # its empty state (Odoo: "tidak ada sale order")
                (
                    "sale.portal_my_orders",
                    "There are currently no sales orders for your account.",
                ),
            ],
        )

    def test_roms_labels_over_odd_core_wording(self):
        """Core labels whose Indonesian reads oddly ("Kutipan Template") or
        that count something else than ROMS's figures are relabelled in ROMS's
        own views, so they are ROMS's terms (translated, checked above)."""
        # the combined views, whoever reads them: the quotation template is
        # shown to the group of quotation templates only (a demo setting)
        order_arch = self.env.ref("sale.view_order_form").get_combined_arch()
        self.assertIn('string="Quotation Template"', order_arch)
        partner_arch = self.env.ref("base.view_partner_form").get_combined_arch()
        self.assertIn('string="Quotations &amp; Orders"', partner_arch)
        self.assertIn('string="Confirmed Orders"', partner_arch)
        # the chatter's first line: ROMS's own term, not mail's "%s created"
        # around the model's name ("Sales Order dibuat")
        order = self.env["sale.order"].create(
            {"partner_id": self.env.user.partner_id.id}
        )
        self.assertIn("Sales order created", str(order.message_ids[-1:].body))

    def test_indonesian_translation_complete(self):
        self.assertModuleTranslated("roms_crm")

    def test_missing_translation_is_detected(self):
        # No French catalogue ships with ROMS: every term counts as missing, which
        # proves the check above looks at real terms.
        missing, not_in_pot = untranslated_terms(self.env, "roms_crm", lang="fr_FR")
        self.assertIn("Customer Category", missing)
        self.assertIn("Fulfilment Stage", missing)
        self.assertFalse(not_in_pot)
