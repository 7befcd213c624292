from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import RomsReportsCase


@tagged("post_install", "-at_install")
class TestTopCustomers(RomsReportsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-03-18 05:00:00"):
            cls.ana = cls.customer("Ana")
            cls.budi = cls.customer("Budi")
            cls.citra = cls.customer("Citra")
            cls.dewi = cls.customer("Dewi")
            cls.order(cls.ana, 50000, "2026-01-10 03:00:00")
            cls.order(cls.ana, 100000, "2026-03-18 01:00:00")
            cls.order(cls.citra, 60000, "2026-03-11 02:00:00")
            cls.order(cls.budi, 50000, "2026-03-18 03:00:00")
            cls.order(cls.dewi, 40000, "2026-03-11 08:00:00")
            # outside the period
            cls.order(cls.dewi, 900000, "2025-12-31 16:59:00")
            # twelve customers of one order each; two tie for the tenth place
            cls.extra = {}
            for index, thousands in enumerate(
                [20, 19, 18, 17, 16, 15, 15, 12, 11, 10, 9, 8]
            ):
                partner = cls.customer(f"Extra {index:02d}")
                cls.extra[index] = partner
                cls.order(partner, thousands * 1000, "2026-02-01 03:00:00")

    def wizard(self, rank_by):
        return self.env["roms.top.customers"].create(
            {"date_from": "2026-01-01", "date_to": "2026-03-18", "rank_by": rank_by}
        )

    def test_spend_in_the_company_currency(self):
        """The spend column reads as money ("Rp 150.000"), not as a bare
        number: an amount in the company's currency."""
        lines = self.wizard("amount").line_ids
        self.assertEqual(lines[0].amount, 150000)
        self.assertEqual(lines.currency_id, self.env.company.currency_id)
        self.assertEqual(lines._fields["amount"].type, "monetary")
        self.assertEqual(
            lines._fields["amount"].get_currency_field(lines), "currency_id"
        )

    def test_by_spend_with_tie_at_tenth(self):
        lines = self.wizard("amount").line_ids
        self.assertEqual(
            [(line.rank, line.partner_id.name, line.amount) for line in lines],
            [
                (1, "Ana", 150000),
                (2, "Citra", 60000),
                (3, "Budi", 50000),
                (4, "Dewi", 40000),
                (5, "Extra 00", 20000),
                (6, "Extra 01", 19000),
                (7, "Extra 02", 18000),
                (8, "Extra 03", 17000),
                (9, "Extra 04", 16000),
                (10, "Extra 05", 15000),
                (10, "Extra 06", 15000),
            ],
        )
        self.assertEqual(lines[0].order_count, 2)

    def test_by_order_count(self):
        lines = self.wizard("count").line_ids
        # Ana alone has two orders; the fifteen others tie at rank 2, ordered by spend
        self.assertEqual(lines[0].partner_id, self.ana)
        self.assertEqual(len(lines), 16)
        self.assertEqual(set(lines[1:].mapped("rank")), {2})
        self.assertEqual(
            lines[1:5].partner_id.mapped("name"), ["Citra", "Budi", "Dewi", "Extra 00"]
        )
        self.assertEqual(lines[-1].partner_id.name, "Extra 11")

    def test_period_bounds_in_local_time(self):
        # 2025-12-31 16:59 UTC is 23:59 on 31 December in Jakarta: not in January
        wizard = self.env["roms.top.customers"].create(
            {"date_from": "2025-12-31", "date_to": "2025-12-31", "rank_by": "amount"}
        )
        self.assertEqual(wizard.line_ids.partner_id, self.dewi)
        wizard.write({"date_from": "2026-01-01", "date_to": "2026-01-01"})
        self.assertFalse(wizard.line_ids)
        with self.assertRaises(UserError):
            wizard.action_open_customers()

    def test_open_customers_and_bad_period(self):
        action = self.wizard("amount").action_open_customers()
        found = self.env["res.partner"].search(action["domain"])
        self.assertEqual(len(found), 11)
        self.assertIn(self.ana, found)
        with self.assertRaises(ValidationError):
            self.env["roms.top.customers"].create(
                {"date_from": "2026-03-18", "date_to": "2026-01-01"}
            )

    def test_segments_shown(self):
        line = self.wizard("amount").line_ids[0]
        self.assertEqual(line.segment_ids, self.ana.roms_segment_ids)
        self.assertTrue(line.segment_ids)

    def test_broadcast_to_these(self):
        wizard = self.wizard("amount")
        action = wizard.action_broadcast()
        expected = wizard.line_ids.partner_id
        self.assertEqual(len(expected), 11)
        self.assertEqual(action["res_model"], "roms.broadcast")
        broadcast = self.env["roms.broadcast"].browse(action["res_id"])
        self.assertEqual(broadcast.state, "draft")
        self.assertEqual(broadcast.partner_ids, expected)
        # the audience is exactly these customers
        self.assertEqual(broadcast.audience_count, len(expected))

    def test_a_company_ranks_with_its_contacts_orders(self):
        company = self.customer("CV Laris Manis", is_company=True)
        for name, amount in (("Eka", 30000), ("Fajar", 25000), ("Gita", 45000)):
            contact = self.customer(name, parent_id=company.id)
            with freeze_time("2026-03-18 05:00:00"):
                self.order(contact, amount, "2026-03-02 03:00:00")
        lines = self.wizard("amount").line_ids
        self.assertEqual(
            (lines[1].rank, lines[1].partner_id, lines[1].amount, lines[1].order_count),
            (2, company, 100000, 3),
        )
        self.assertFalse(lines.partner_id.filtered("parent_id"))
        lines = self.wizard("count").line_ids
        self.assertEqual(lines[0].partner_id, company)
