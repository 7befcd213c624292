from odoo.tests import tagged

from odoo.addons.roms_crm.tests.common import make_order

from .common import RomsReportsCase


@tagged("post_install", "-at_install")
class TestMultiCompany(RomsReportsCase):
    def test_reports_hide_other_companies_rows(self):
        main = self.env.ref("base.main_company")
        env_main = self.env(
            user=self.env.ref("base.user_admin"),
            context=dict(self.env.context, allowed_company_ids=main.ids),
        )
        customer = env_main["res.partner"].create(
            {"name": "Pelanggan Pusat", "roms_category": "customer"}
        )
        order = make_order(env_main, customer, self.product)
        self.assertEqual(order.company_id, main)
        for model in ("roms.geo.report", "roms.reminder.funnel.report"):
            with self.subTest(model=model):
                other = [("company_id", "not in", self.company.ids)]
                if model == "roms.geo.report":
                    self.assertTrue(
                        env_main[model].search([("order_id", "=", order.id)])
                    )
                self.assertFalse(self.env[model].search(other))
