from datetime import timedelta
from unittest import SkipTest

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoShop(TransactionCase):
    """The demo shop of roms_crm: every ROMS screen shows something on first login."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        module = cls.env["ir.module.module"].search([("name", "=", "roms_crm")])
        if not module.demo:
            raise SkipTest("the database was installed without demo data")

    def test_products(self):
        products = self.env["product.template"].search(
            [("default_code", "!=", False), ("roms_cross_sell_text", "!=", False)]
        )
        self.assertGreaterEqual(len(products), 20)
        self.assertEqual(len(set(products.mapped("default_code"))), len(products))
        in_stock = products.filtered(lambda p: p.qty_available > 0)
        self.assertGreaterEqual(len(in_stock), 15)

    def test_customers(self):
        Partner = self.env["res.partner"]
        customers = Partner.search(
            [("roms_category", "!=", False), ("mobile", "=like", "+62%")]
        )
        self.assertGreaterEqual(len(customers), 60)
        self.assertEqual(
            set(customers.mapped("roms_category")),
            {"lead", "customer", "reseller", "dropshipper", "agent", "distributor"},
        )
        self.assertGreaterEqual(len(set(customers.mapped("city"))), 10)

    def test_orders_in_every_stage_over_six_months(self):
        orders = self.env["sale.order"].search(
            [("partner_id.roms_category", "!=", False)]
        )
        self.assertEqual(
            set(orders.mapped("roms_stage")),
            {"pending", "processed", "shipped", "delivered", "cancelled"},
        )
        dates = orders.mapped("date_order")
        self.assertGreaterEqual((max(dates) - min(dates)).days, 150)
        self.assertEqual(orders.currency_id, self.env.ref("base.IDR"))
        delivered = orders.filtered(lambda o: o.roms_stage == "delivered")
        self.assertTrue(all(delivered.mapped("roms_delivered_date")))

    def test_parcels_left_the_day_after_their_order(self):
        """The demo data ship orders through their deliveries, then date them back:
        every shipped or delivered order's pickings are done, the day after the
        order (or earlier, for yesterday's)."""
        orders = self.env["sale.order"].search(
            [
                ("partner_id.roms_category", "!=", False),
                ("roms_stage", "in", ("shipped", "delivered")),
            ]
        )
        self.assertGreaterEqual(len(orders), 10)
        for order in orders:
            pickings = order.picking_ids
            self.assertEqual(set(pickings.mapped("state")), {"done"}, order.name)
            for picking in pickings:
                self.assertGreater(picking.date_done, order.date_order, order.name)
                self.assertLessEqual(
                    picking.date_done, order.date_order + timedelta(days=1), order.name
                )
