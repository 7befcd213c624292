from freezegun import freeze_time

from odoo.tests import tagged

from .common import RomsReportsCase


@tagged("post_install", "-at_install")
class TestRetention(RomsReportsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        dates = {
            # cohort January 2025
            "P1": ["2025-01-05", "2025-02-03", "2025-03-10"],
            "P2": ["2025-01-08", "2025-03-02"],
            "P3": ["2025-01-20"],
            "P4": ["2025-01-25", "2025-01-28"],
            # cohort February 2025
            "P5": ["2025-02-01", "2025-02-20", "2025-04-01"],
            "P6": ["2025-02-14"],
        }
        with freeze_time("2025-05-01 05:00:00"):
            for name, days in dates.items():
                partner = cls.customer(name)
                for day in days:
                    cls.order(partner, 1000, f"{day} 05:00:00")
            # 18:00 UTC on 31 January is 1 February in Jakarta: February's cohort
            cls.order(cls.customer("P7"), 1000, "2025-01-31 18:00:00")

    def test_cohort_table(self):
        self.env.flush_all()
        matrix = self.env["roms.cohort.report"]._matrix()
        self.assertEqual(
            [(str(month), size, cells) for month, size, cells in matrix],
            [
                ("2025-01-01", 4, {0: 100.0, 1: 25.0, 2: 50.0}),
                ("2025-02-01", 3, {0: 100.0, 2: 33.3}),
            ],
        )

    def test_repeat_rate_per_month(self):
        self.env.flush_all()
        rows = self.env["roms.repeat.report"].search([], order="month")
        self.assertEqual(
            [
                (
                    str(r.month),
                    r.customer_count,
                    r.new_count,
                    r.returning_count,
                    r.repeat_rate,
                )
                for r in rows
            ],
            [
                ("2025-01-01", 4, 4, 0, 0.0),
                ("2025-02-01", 4, 3, 1, 25.0),
                ("2025-03-01", 2, 0, 2, 100.0),
                ("2025-04-01", 1, 0, 1, 100.0),
            ],
        )

    def test_pivot_over_cohorts(self):
        self.env.flush_all()
        groups = self.env["roms.cohort.report"]._read_group(
            [], ["cohort_month:month", "month_offset"], ["retention:avg"]
        )
        self.assertIn((groups[0][0], 2, 50.0), groups)

    def test_a_company_is_one_customer(self):
        """Contacts of one company ordering in January and March 2024: one
        customer of the January cohort, returning in March."""
        company = self.customer("CV Laris Manis", is_company=True)
        with freeze_time("2025-05-01 05:00:00"):
            for name, day in (
                ("Eka", "2024-01-10"),
                ("Fajar", "2024-01-20"),
                ("Gita", "2024-03-05"),
            ):
                self.order(
                    self.customer(name, parent_id=company.id), 1000, f"{day} 05:00:00"
                )
        self.env.flush_all()
        rows = self.env["roms.repeat.report"].search(
            [("month", "<", "2025-01-01")], order="month"
        )
        self.assertEqual(
            [
                (str(r.month), r.customer_count, r.new_count, r.returning_count)
                for r in rows
            ],
            [("2024-01-01", 1, 1, 0), ("2024-03-01", 1, 0, 1)],
        )
        matrix = self.env["roms.cohort.report"]._matrix(
            [("cohort_month", "<", "2025-01-01")]
        )
        self.assertEqual(
            [(str(month), size, cells) for month, size, cells in matrix],
            [("2024-01-01", 1, {0: 100.0, 2: 100.0})],
        )
