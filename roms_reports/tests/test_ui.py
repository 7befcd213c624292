import io

import openpyxl

from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestUi(HttpCase):
    def test_dashboard_tour_and_download(self):
        env = self.env
        admin = env.ref("base.user_admin")
        company = env["res.company"].create(
            {"name": "Toko Tur", "currency_id": admin.company_id.currency_id.id}
        )
        admin.write(
            {"company_ids": [Command.link(company.id)], "company_id": company.id}
        )
        env = env(user=admin, context={"allowed_company_ids": company.ids})
        product = env["product.product"].create({"name": "Kopi Tur", "list_price": 5})
        partner = env["res.partner"].create(
            {"name": "Tour Customer", "roms_category": "customer"}
        )
        for _index in range(2):
            order = env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "order_line": [
                        Command.create(
                            {"product_id": product.id, "tax_id": [Command.clear()]}
                        )
                    ],
                }
            )
            order.action_confirm()
        self.start_tour("/odoo", "roms_dashboard", login="admin")

        export = env["roms.report.export"].create({"report": "top_customers"})
        self.authenticate("admin", "admin")
        response = self.url_open(f"/roms_reports/export/{export.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("spreadsheetml", response.headers["Content-Type"])
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        self.assertEqual(sheet["B2"].value, "Tour Customer")
        self.assertEqual(sheet["E2"].value, 2)
