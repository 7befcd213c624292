from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged

from odoo.addons.roms_crm.models.messaging.roms_message_template import format_rupiah


@tagged("post_install", "-at_install")
class TestMessageTemplate(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = new_test_user(
            cls.env, "roms_admin_tpl", groups="roms_crm.group_roms_admin"
        )
        cls.env = cls.env(user=cls.admin)
        cls.Template = cls.env["roms.message.template"]
        idr = cls.env.ref("base.IDR").sudo()
        idr.active = True
        pricelist = (
            cls.env["product.pricelist"]
            .sudo()
            .create({"name": "Rupiah", "currency_id": idr.id})
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Siti Aminah", "roms_category": "customer"}
        )
        cls.product = (
            cls.env["product.product"]
            .sudo()
            .create(
                {
                    "name": "Kopi Gayo 250g",
                    "list_price": 625000,
                    "roms_cross_sell_text": "Coba juga Gula Aren kami.",
                }
            )
        )
        cls.order = (
            cls.env["sale.order"]
            .sudo()
            .create(
                {
                    "partner_id": cls.customer.id,
                    "pricelist_id": pricelist.id,
                    "roms_tracking_number": "JNE0012345",
                    "order_line": [
                        Command.create(
                            {
                                "product_id": cls.product.id,
                                "product_uom_qty": 2,
                                "tax_id": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )

    def _template(self, body, **vals):
        return self.Template.create({"name": "Test", "body": body, **vals})

    def test_rupiah_format(self):
        self.assertEqual(format_rupiah(1250000), "Rp 1.250.000")
        self.assertEqual(format_rupiah(999), "Rp 999")
        self.assertEqual(format_rupiah(0), "Rp 0")
        self.assertEqual(format_rupiah(1000.6), "Rp 1.001")
        self.assertEqual(format_rupiah(-15000), "-Rp 15.000")

    def test_each_variable(self):
        self.assertEqual(self.order.currency_id.name, "IDR")
        cases = {
            "{customer_name}": "Siti Aminah",
            "{name}": "Siti Aminah",
            "{product_name}": "Kopi Gayo 250g",
            "{recommendation}": "Coba juga Gula Aren kami.",
            "{order_number}": self.order.name,
            "{order_total}": "Rp 1.250.000",
            "{tracking_number}": "JNE0012345",
        }
        template = self._template("x")
        for body, expected in cases.items():
            template.body = f"<{body}>"
            self.assertEqual(
                template._render(
                    partner=self.customer, order=self.order, product=self.product
                ),
                f"<{expected}>",
                body,
            )
        # nothing given: every variable renders empty
        template.body = "Halo {customer_name}, {order_total}!"
        self.assertEqual(template._render(), "Halo , !")
        # the partner comes from the order when not given
        self.assertEqual(
            template._render(order=self.order), "Halo Siti Aminah, Rp 1.250.000!"
        )

    def test_unknown_variable_and_unbalanced_braces_refused(self):
        bad_bodies = {
            "Halo {nama}": "Unknown variable {nama}",
            "Halo {Customer_Name}": "Unknown variable",
            "Halo {customer_name.__class__}": "Unknown variable",
            "Halo {customer_name!r}": "Unknown variable",
            "Total {0}": "Unknown variable {0}",
            "Halo {}": "Unknown variable",
            "Halo {customer_name": "Unbalanced brace",
            "Halo customer_name}": "Unbalanced brace",
            "Halo {{customer_name}}": "Unbalanced brace",
        }
        for body, error in bad_bodies.items():
            with self.subTest(body=body), self.assertRaises(ValidationError) as caught:
                self._template(body)
            self.assertIn(error, str(caught.exception.args[0]))
        template = self._template("Halo {customer_name}")
        with self.assertRaises(ValidationError):
            template.body = "Halo {customer_name.__init__.__globals__}"
        self.assertEqual(template.body, "Halo {customer_name}")

    def test_rendering_is_plain_substitution(self):
        template = self._template("Halo {customer_name}, pesanan {order_number}")
        # values that look like variables or format specs are not interpreted
        self.customer.name = "{order_number} {0.__class__}"
        self.assertEqual(
            template._render(partner=self.customer, order=self.order),
            f"Halo {{order_number}} {{0.__class__}}, pesanan {self.order.name}",
        )

    def test_translated_body_checked_and_rendered_in_language(self):
        self.env["res.lang"].sudo()._activate_lang("id_ID")
        template = self._template("Hello {customer_name}")
        template.update_field_translations("body", {"id_ID": "Halo {customer_name}"})
        self.assertEqual(
            template.with_context(lang="id_ID")._render(partner=self.customer),
            "Halo Siti Aminah",
        )
        with self.assertRaises(ValidationError):
            template.with_context(lang="id_ID").body = "Halo {nama}"

    def test_live_preview(self):
        form = Form(self.Template)
        form.name = "Konfirmasi"
        form.body = "Halo {customer_name}, total {order_total} untuk {product_name}."
        # before a customer is chosen: a sample customer and order
        self.assertEqual(
            form.preview,
            "Halo Budi Santoso, total Rp 250.000 untuk Kopi Arabika Gayo 250 g.",
        )
        self.assertTrue(form.preview_is_sample)
        form.preview_order_id = self.order
        self.assertEqual(
            form.preview, "Halo Siti Aminah, total Rp 1.250.000 untuk Kopi Gayo 250g."
        )
        form.body = "Halo {nama}"
        self.assertFalse(form.preview)
        form.body = "Hai {name}"
        template = form.save()
        self.assertEqual(template.body, "Hai {name}")

    def test_preview_order_follows_customer(self):
        """The order picker lists the chosen customer's orders; choosing another
        customer takes that customer's last order."""
        other = self.env["res.partner"].create(
            {"name": "Rina Lain", "roms_category": "customer"}
        )
        form = Form(self.Template)
        form.name = "Resi"
        form.body = "Halo {name}, pesanan {order_number}: {tracking_number}"
        form.preview_order_id = self.order
        form.preview_partner_id = other
        # no order of her own: the order's values stay samples
        self.assertFalse(form.preview_order_id)
        self.assertEqual(
            form.preview, "Halo Rina Lain, pesanan S00123: JNE CGK1234567890"
        )
        self.assertTrue(form.preview_is_sample)
        form.preview_partner_id = self.customer
        self.assertEqual(form.preview_order_id, self.order)
        self.assertEqual(
            form.preview, f"Halo Siti Aminah, pesanan {self.order.name}: JNE0012345"
        )
        view = self.env.ref("roms_crm.roms_message_template_view_form")
        arch = self.Template.get_view(view.id)["arch"]
        self.assertIn(
            "[('partner_id', 'child_of', preview_partner_id)] if preview_partner_id",
            arch,
        )
        self.assertIn('widget="roms_template_body"', arch)

    def test_seeded_templates(self):
        confirmation = self.env.ref("roms_crm.roms_message_template_order_confirmation")
        self.assertEqual(confirmation.template_type, "order_confirmation")
        self.assertIn(
            "terima kasih",
            confirmation._render(partner=self.customer, order=self.order),
        )
        self.assertIn(
            "Rp 1.250.000",
            confirmation._render(partner=self.customer, order=self.order),
        )
        types = set(self.Template.search([]).mapped("template_type"))
        self.assertLessEqual(
            {
                "order_confirmation",
                "reminder",
                "shipping",
                "broadcast",
                "quick_reply",
                "greeting",
                "payment_info",
            },
            types,
        )
        reminder = self.env.ref("roms_crm.roms_message_template_reminder")
        self.assertIn(
            "Coba juga Gula Aren kami.",
            reminder._render(partner=self.customer, product=self.product),
        )

    def test_access(self):
        cs_user = new_test_user(
            self.env(su=True), "roms_cs_tpl", groups="roms_crm.group_roms_cs"
        )
        Template = self.Template.with_user(cs_user)
        self.assertTrue(Template.search([]))
        with self.assertRaises(AccessError):
            Template.create({"name": "CS", "body": "Halo"})
