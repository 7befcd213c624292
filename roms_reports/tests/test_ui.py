import io
from datetime import timedelta

import openpyxl

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.web.tests.test_js import unit_test_error_checker

DASHBOARD = "/odoo/action-roms_reports.roms_dashboard_action"


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

    def test_leave_dashboard_while_loading(self):
        """Leaving the dashboard before its chart library or its figures have
        come logs no "Component is destroyed" error (the tour's browser fails on
        any console error), and the dashboard opened afterwards shows its figures."""
        env, _company, partner, product = self._shop()
        self._confirmed(env, partner, product, 50000)
        self.start_tour("/odoo", "roms_dashboard_leave", login="admin")

    def _shop(self):
        """A company of its own (demo orders never count) with its admin."""
        admin = self.env.ref("base.user_admin")
        company = self.env["res.company"].create(
            {"name": "Toko Angka", "currency_id": self.env.ref("base.IDR").id}
        )
        self.env.ref("base.IDR").active = True
        admin.write(
            {"company_ids": [Command.link(company.id)], "company_id": company.id}
        )
        env = self.env(user=admin, context={"allowed_company_ids": company.ids})
        partner = env["res.partner"].create(
            {"name": "Pelanggan Angka", "roms_category": "customer"}
        )
        product = env["product.product"].create({"name": "Barang Angka"})
        return env, company, partner, product

    def _confirmed(self, env, partner, product, price, qty=1, when=None):
        order = env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": qty,
                            "price_unit": price,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        if when:
            order.date_order = when
        return order

    def test_extreme_figures_stay_readable(self):
        """An order of Rp 2,5 × 10³⁴ today against Rp 1 last week: the tile,
        its change and the chart's axis read without an exponent."""
        env, _company, partner, product = self._shop()
        self._confirmed(
            env,
            partner,
            product,
            1,
            when=fields.Datetime.now() - timedelta(days=7, seconds=1),
        )
        self._confirmed(env, partner, product, 2.5e18, qty=1e16)
        self.start_tour(DASHBOARD, "roms_dashboard_extreme", login="admin")

    def test_customer_service_dashboard(self):
        env, company, partner, product = self._shop()
        self._confirmed(env, partner, product, 50000)
        new_test_user(
            self.env,
            "roms_cs_dash",
            groups="base.group_user,roms_crm.group_roms_cs",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )
        self.start_tour(DASHBOARD, "roms_dashboard_cs", login="roms_cs_dash")

    def _hoot(self, tag):
        """Run the hoot tests (Odoo's JavaScript unit tests) tagged ``tag``."""
        self.browser_js(
            f"/web/tests?headless&loglevel=2&preset=desktop&timeout=15000&tag={tag}",
            "",
            "",
            login="admin",
            timeout=900,
            success_signal="[HOOT] test suite succeeded",
            error_checker=unit_test_error_checker,
        )

    def test_format_unit(self):
        """The number formatting helpers (static/tests/format.test.js) and the
        reports' month column (month_field.test.js)."""
        self._hoot("roms_format")

    def test_dashboard_unit(self):
        """The dashboard's reloads (static/tests/dashboard.test.js): the latest
        request's figures win."""
        self._hoot("roms_dashboard")
