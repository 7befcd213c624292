from freezegun import freeze_time

from odoo.tests import tagged

from .common import RomsReportsCase


@tagged("post_install", "-at_install")
class TestStockReport(RomsReportsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Product = cls.env["product.product"]
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.s1, cls.s2, cls.s3 = Product.create(
            [
                {"name": "S1", "is_storable": True, "roms_low_stock_threshold": 10},
                {"name": "S2", "is_storable": True, "roms_low_stock_threshold": 50},
                {"name": "S3", "is_storable": True},
            ]
        )
        Quant = cls.env["stock.quant"].sudo()
        for product, qty in ((cls.s1, 30), (cls.s2, 20), (cls.s3, 5)):
            Quant._update_available_quantity(product, cls.warehouse.lot_stock_id, qty)
        customer = cls.customer("Stock Buyer")
        with freeze_time("2026-03-18 05:00:00"):
            cls.order(customer, 1200, "2026-03-08 03:00:00", product=cls.s1, qty=12)
            cls.order(customer, 600, "2026-02-06 03:00:00", product=cls.s1, qty=6)
            cls.order(customer, 300, "2026-03-17 03:00:00", product=cls.s3, qty=3)

    def test_days_of_cover_low_first(self):
        self.env.flush_all()
        # the sales window is computed when the rows are read: read them now
        freezer = freeze_time("2026-03-18 05:00:00")
        freezer.start()
        self.addCleanup(freezer.stop)
        rows = self.env["roms.stock.report"].search(
            [("product_id", "in", (self.s1 | self.s2 | self.s3).ids)]
        )
        # S2 is under its threshold but sold nothing: not low, and no days of
        # cover (the list shows "—"), so it comes last
        self.assertEqual(rows.product_id.ids, [self.s3.id, self.s1.id, self.s2.id])
        s3, s1, s2 = rows
        self.assertEqual(
            (s1.qty_on_hand, s1.qty_forecast, s1.threshold, s1.qty_sold),
            (30, 12, 10, 12),
        )
        self.assertAlmostEqual(s1.daily_rate, 0.4)
        self.assertAlmostEqual(s1.days_of_cover, 75)
        self.assertFalse(s1.is_low)
        self.assertFalse(s2.is_low)
        self.assertEqual((s2.qty_on_hand, s2.qty_sold, s2.days_of_cover), (20, 0, 0))
        self.assertAlmostEqual(s3.days_of_cover, 50)
        self.assertEqual(s3.qty_forecast, 2)

    def test_low_when_selling_or_out_of_stock(self):
        """Under the threshold and selling, or out of stock: low."""
        Product = self.env["product.product"]
        selling, empty = Product.create(
            [
                {"name": "S4", "is_storable": True, "roms_low_stock_threshold": 10},
                {"name": "S5", "is_storable": True, "roms_low_stock_threshold": 10},
            ]
        )
        self.env["stock.quant"].sudo()._update_available_quantity(
            selling, self.warehouse.lot_stock_id, 4
        )
        with freeze_time("2026-03-18 05:00:00"):
            self.order(
                self.customer("S4 Buyer"), 100, "2026-03-10 03:00:00", product=selling
            )
            self.env.flush_all()
            rows = self.env["roms.stock.report"].search(
                [("product_id", "in", (selling | empty).ids)]
            )
            self.assertEqual(rows.mapped("is_low"), [True, True])
