from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import RomsReportsCase


@tagged("post_install", "-at_install")
class TestGeoAndSales(RomsReportsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        segments = cls.env["roms.segment"].search([])
        cls.loyal = segments.filtered(lambda s: s.code == "loyal")
        cls.big = segments.filtered(lambda s: s.code == "big_spender")
        with freeze_time("2026-03-18 05:00:00"):
            cls.sel1 = cls.customer("Selatan 1", city="Jaksel")
            cls.sel2 = cls.customer("Selatan 2", city="jakarta selatan")
            cls.bdg1 = cls.customer("Bandung 1", city="Bdg")
            cls.bdg2 = cls.customer(
                "Bandung 2", city_id=cls.env.ref("roms_crm.city_id_3273").id
            )
            cls.nowhere = cls.customer(
                "Nowhere", city="Atlantis", roms_category="reseller"
            )
            cls.o1 = cls.order(cls.sel1, 100000, "2026-03-01 03:00:00")
            cls.o2 = cls.order(cls.sel1, 50000, "2026-03-02 03:00:00", stage="shipped")
            cls.o3 = cls.order(cls.sel2, 30000, "2026-03-03 03:00:00")
            cls.o4 = cls.order(cls.bdg1, 20000, "2026-03-04 03:00:00")
            cls.o5 = cls.order(cls.bdg2, 10000, "2026-02-04 03:00:00")
            cls.o6 = cls.order(cls.nowhere, 5000, "2026-03-05 03:00:00")
        cls.o1.roms_payment_method = "cod"
        cls.o2.write({"roms_payment_method": "ewallet", "roms_payment_status": "paid"})
        # customers carry several segments; the report uses the first (sequence)
        first, second = (cls.big | cls.loyal).sorted(lambda s: (s.sequence, s.id))
        cls.first_segment, cls.second_segment = first, second
        (cls.sel1 | cls.bdg1).write(
            {"roms_segment_ids": [Command.set((first | second).ids)]}
        )
        cls.sel2.roms_segment_ids = [Command.set(second.ids)]
        (cls.bdg2 | cls.nowhere).roms_segment_ids = [Command.clear()]
        cls.partners = cls.sel1 | cls.sel2 | cls.bdg1 | cls.bdg2 | cls.nowhere

    def geo(self, extra=()):
        self.env.flush_all()
        return {
            city.name: (customers, orders, amount)
            for city, customers, orders, amount in self.env[
                "roms.geo.report"
            ]._read_group(
                [("partner_id", "in", self.partners.ids), *extra],
                ["city_id"],
                ["partner_id:count_distinct", "order_count:sum", "amount:sum"],
            )
        }

    def test_one_row_per_city(self):
        self.assertEqual(
            self.geo(),
            {
                "Kota Administrasi Jakarta Selatan": (2, 3, 180000),
                "Kota Bandung": (2, 2, 30000),
                False: (1, 1, 5000),
            },
        )

    def test_by_province_period_and_segment(self):
        groups = self.env["roms.geo.report"]._read_group(
            [
                ("partner_id", "in", self.partners.ids),
                ("date_order", ">=", "2026-03-01 00:00:00"),
            ],
            ["province_id"],
            ["partner_id:count_distinct", "amount:sum"],
        )
        self.assertEqual(
            {p.name: (c, a) for p, c, a in groups},
            {"Jakarta": (2, 180000), "Jawa Barat": (1, 20000), False: (1, 5000)},
        )
        # members of the second segment, whether or not it is their first one
        self.assertEqual(
            self.geo([("segment_ids", "in", self.second_segment.ids)]),
            {
                "Kota Administrasi Jakarta Selatan": (2, 3, 180000),
                "Kota Bandung": (1, 1, 20000),
            },
        )

    def test_sale_report_dimensions(self):
        self.env.flush_all()
        lines = self.env["sale.report"].search(
            [("name", "in", (self.o1 | self.o2 | self.o3).mapped("name"))]
        )
        by_order = {line.name: line for line in lines}
        o1, o2, o3 = (by_order[o.name] for o in (self.o1, self.o2, self.o3))
        self.assertEqual(o1.roms_city_id.name, "Kota Administrasi Jakarta Selatan")
        self.assertEqual(o1.roms_province_id, self.env.ref("base.state_id_jk"))
        self.assertEqual(o1.roms_category, "customer")
        self.assertEqual(o1.roms_segment_id, self.first_segment)
        self.assertEqual(o3.roms_segment_id, self.second_segment)
        self.assertEqual(o1.roms_payment_method, "cod")
        self.assertEqual(o1.roms_stage, "processed")
        self.assertEqual((o2.roms_stage, o2.roms_payment_status), ("shipped", "paid"))
        self.assertEqual(o2.roms_payment_method, "ewallet")
        # a customer with two segments counts once: no line is duplicated
        groups = self.env["sale.report"]._read_group(
            [("partner_id", "in", self.partners.ids)],
            ["roms_segment_id"],
            ["price_total:sum"],
        )
        self.assertEqual(sum(total for _seg, total in groups), 215000)
        self.assertEqual(dict(groups)[self.first_segment], 170000)
        groups = self.env["sale.report"]._read_group(
            [("partner_id", "in", self.partners.ids)],
            ["roms_payment_method"],
            ["__count"],
        )
        self.assertEqual(dict(groups), {"cod": 1, "ewallet": 1, False: 4})
