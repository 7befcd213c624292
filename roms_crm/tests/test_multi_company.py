"""Multi-company record rules: a user of company B sees none of company A's ROMS
records (as Odoo's own sale_order_comp_rule)."""

from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestMultiCompany(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Toko Cabang B"})
        cls.user_b = new_test_user(
            cls.env,
            "roms_company_b",
            groups="roms_crm.group_roms_admin,sales_team.group_sale_manager",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.user_a = new_test_user(
            cls.env,
            "roms_company_a",
            groups="roms_crm.group_roms_admin,sales_team.group_sale_manager",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )
        customer = cls.env["res.partner"].create(
            {"name": "Pelanggan A", "roms_category": "customer"}
        )
        product = cls.env["product.product"].create(
            {"name": "Kopi A", "type": "consu", "list_price": 10000}
        )
        order = cls.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "company_id": cls.company_a.id,
                "order_line": [Command.create({"product_id": product.id})],
            }
        )
        order.action_confirm()
        template = cls.env["roms.message.template"].search(
            [("template_type", "=", "reminder")], limit=1
        )
        cls.records = {
            "roms.broadcast": cls.env["roms.broadcast"].create(
                {"name": "Promo A", "body": "Halo", "company_id": cls.company_a.id}
            ),
            "roms.reminder.rule": cls.env["roms.reminder.rule"].create(
                {
                    "name": "Pengingat A",
                    "template_id": template.id,
                    "company_id": cls.company_a.id,
                }
            ),
            "roms.refund.request": cls.env["roms.refund.request"].create(
                {
                    "order_id": order.id,
                    "reason": "Rusak",
                    "amount": 1000,
                    "line_ids": [
                        Command.create(
                            {"sale_line_id": order.order_line.id, "quantity": 1}
                        )
                    ],
                }
            ),
            "roms.product.review": cls.env["roms.product.review"].create(
                {
                    "product_tmpl_id": product.product_tmpl_id.id,
                    "partner_id": customer.id,
                    "order_id": order.id,
                    "rating": 5,
                }
            ),
        }

    def test_company_b_sees_no_record_of_company_a(self):
        for model, record in self.records.items():
            with self.subTest(model=model):
                self.assertEqual(record.company_id, self.company_a)
                self.assertEqual(
                    self.env[model]
                    .with_user(self.user_a)
                    .search([("id", "=", record.id)]),
                    record,
                )
                self.assertFalse(
                    self.env[model]
                    .with_user(self.user_b)
                    .search([("id", "=", record.id)]),
                    f"a user of company B sees {model} of company A",
                )
