"""Hostile and careless workbooks: zip bombs, blank-row and column floods, formula
errors and formulas, overlong and control-character texts, dates out of the
window. The import refuses the file or lists row errors; it never writes what it
should not, never raises anything but a UserError, and never sends a formula back."""

import base64
import datetime
import io
import os
import re
import zipfile

import openpyxl
import xlsxwriter
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ERROR_CODES

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import visible_menus
from .test_customer_import import HEADERS, make_xlsx


def rezip(content, replace):
    """``content`` (an .xlsx) with the parts of ``replace`` (path: bytes)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = replace.get(item.filename, source.read(item.filename))
            target.writestr(item.filename, data)
    return output.getvalue()


def with_cells(content, cells):
    """``content`` (an .xlsx written by openpyxl) whose cells named in ``cells``
    (coordinate: the XML of its ``<c>`` element, ``{date}`` standing for the
    style of the sheet's date cells) are replaced as another program could
    write them."""
    part = "xl/worksheets/sheet1.xml"
    sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read(part).decode()
    date_style = re.search(r'<c r="[A-Z]+\d+" s="(\d+)" t="n">', sheet_xml)[1]
    for coordinate, xml in cells.items():
        sheet_xml, count = re.subn(
            rf'<c r="{coordinate}"[^>]*?(?:/>|>.*?</c>)',
            xml.replace("{date}", date_style),
            sheet_xml,
        )
        assert count == 1, coordinate
    return rezip(content, {part: sheet_xml.encode()})


def openpyxl_xlsx(rows):
    """An .xlsx written by openpyxl: formulas have no stored value, error codes
    are real error cells."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Customers"
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


@tagged("post_install", "-at_install")
class TestCustomerImportBounds(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin_user = new_test_user(
            cls.env, "roms_bomb_admin", groups="roms_crm.group_roms_admin"
        )
        cls.cs_user = new_test_user(
            cls.env, "roms_bomb_cs", groups="roms_crm.group_roms_cs"
        )
        cls.Import = cls.env["roms.customer.import"].with_user(cls.admin_user)

    def _import(self, content, skip=False):
        record = self.Import.create(
            {
                "file": base64.b64encode(content),
                "file_name": "hostile.xlsx",
                "skip_invalid": skip,
            }
        )
        record.action_import()
        return record

    def _messages(self, record):
        return " | ".join(record.error_ids.mapped("message"))

    def _partners(self, name_like):
        return (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search([("name", "=like", name_like)])
        )

    def _set(self, key, value):
        self.env["ir.config_parameter"].sudo().set_param(key, value)

    # ------------------------------------------------------------------
    # who
    # ------------------------------------------------------------------

    def test_cs_agents_cannot_import(self):
        with self.assertRaises(AccessError):
            self.env["roms.customer.import"].with_user(self.cs_user).create(
                {"file_name": "x.xlsx"}
            )
        self.assertNotIn(
            "roms_crm.roms_customer_import_menu",
            visible_menus(self.env(user=self.cs_user)),
        )
        self.assertIn(
            "roms_crm.roms_customer_import_menu",
            visible_menus(self.env(user=self.admin_user)),
        )

    # ------------------------------------------------------------------
    # bombs
    # ------------------------------------------------------------------

    def test_shared_strings_bomb_is_refused_before_parsing(self):
        content = make_xlsx([{"name": "Bom", "mobile": "081299990001"}])
        huge = b"A" * (60 << 20)
        strings = (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
            b' count="1" uniqueCount="1"><si><t>' + huge + b"</t></si></sst>"
        )
        bomb = rezip(content, {"xl/sharedStrings.xml": strings})
        del huge, strings
        self.assertLess(len(bomb), 1 << 20, "a small file")
        record = self._import(bomb)
        self.assertIn("unpacks", self._messages(record))
        self.assertFalse(self._partners("AAAA%") | self._partners("Bom"))
        self.assertEqual(record.created_count, 0)

    def test_tightly_packed_part_is_refused(self):
        content = make_xlsx([{"name": "Bom", "mobile": "081299990001"}])
        blank = b"<row/>" * (2 << 20)  # 12 MB of nothing, packed ~1000 times
        sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
        sheet = sheet.replace(b"</sheetData>", blank + b"</sheetData>")
        record = self._import(rezip(content, {"xl/worksheets/sheet1.xml": sheet}))
        self.assertIn("packed", self._messages(record))

    def test_blank_rows_count_toward_the_row_limit(self):
        self._set("roms_crm.import_max_raw_rows", 1000)
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
        sheet = workbook.add_worksheet("Customers")
        sheet.write_row(0, 0, HEADERS)
        sheet.write_row(1, 0, ["Kosong", "081299990002"])
        sheet.write_row(5000, 0, ["Jauh", "081299990003"])
        workbook.close()
        record = self._import(output.getvalue())
        self.assertIn("blank rows", self._messages(record))
        self.assertFalse(self._partners("Kosong") | self._partners("Jauh"))

    def test_too_many_columns_refused(self):
        headers = list(HEADERS) + [f"Extra {i}" for i in range(60)]
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output)
        sheet = workbook.add_worksheet("Customers")
        sheet.write_row(0, 0, HEADERS)
        sheet.write_row(1, 0, ["Lebar", "081299990004"])
        sheet.write(1, len(headers), "far right")
        workbook.close()
        record = self._import(output.getvalue())
        self.assertIn("columns", self._messages(record))
        self.assertFalse(self._partners("Lebar"))

    # ------------------------------------------------------------------
    # cells
    # ------------------------------------------------------------------

    def test_overlong_cells_and_names_are_row_errors(self):
        record = self._import(
            make_xlsx(
                [
                    {"name": "N" * 1500, "mobile": "081299990005"},
                    {"name": "M" * 200, "mobile": "081299990006"},
                    {"name": "Budi\u2028 Santoso\x7f", "mobile": "081299990007"},
                ]
            ),
            skip=True,
        )
        self.assertEqual(record.created_count, 1, self._messages(record))
        self.assertIn("1,000", self._messages(record))
        self.assertIn("128", self._messages(record))
        self.assertFalse(self._partners("NNNN%") | self._partners("MMMM%"))
        self.assertTrue(self._partners("Budi Santoso"))

    def test_names_lose_their_bidirectional_controls(self):
        """A right-to-left override would show the name reversed in the customer
        list ("Budi <U+202E>4321-DRO" reads "Budi ORD-1234"): the name column
        loses the embeddings, overrides and isolates, the notes keep them (the
        shop's own text); a customer updated by phone gets the cleaned name."""
        sari = self.env["res.partner"].create(
            {"name": "Sari Lama", "mobile": "+6281299990032", "roms_category": "lead"}
        )
        notes = "Suka \u202ekopi\u202c"
        record = self._import(
            openpyxl_xlsx(
                [
                    ["Budi \u202e4321-DRO\u202c", "081299990031"]
                    + [None] * 12
                    + [notes],
                    ["\u2067Sari\u2069 \u202aBaru\u202c", "081299990032"],
                ]
            )
        )
        self.assertEqual(record.created_count, 1, self._messages(record))
        self.assertEqual(record.updated_count, 1, self._messages(record))
        budi = self.env["res.partner"].search(
            [("roms_whatsapp_number", "=", "+6281299990031")]
        )
        self.assertEqual(budi.name, "Budi 4321-DRO")
        self.assertIn(notes, budi.comment or "")
        self.assertEqual(sari.name, "Sari Baru")

    def test_join_date_outside_the_window_is_a_row_error(self):
        record = self._import(
            make_xlsx(
                [
                    {
                        "name": "Kuno",
                        "mobile": "081299990008",
                        "join_date": datetime.date(1905, 1, 1),
                    }
                ]
            )
        )
        self.assertEqual(record.created_count, 0)
        self.assertIn("between", self._messages(record))

    def test_formula_errors_and_formulas_without_value_are_row_errors(self):
        record = self._import(
            openpyxl_xlsx(
                [
                    ["#DIV/0!", "081299990009"],
                    ['=HYPERLINK("http://evil.example/x","click")', "081299990010"],
                    ["Biasa", "081299990011"],
                ]
            ),
            skip=True,
        )
        self.assertEqual(record.created_count, 1, self._messages(record))
        self.assertIn("#DIV/0!", self._messages(record))
        self.assertIn("formula", self._messages(record))
        self.assertFalse(self._partners("#%"))

    def test_error_report_never_sends_a_formula_back(self):
        hyperlink = '=HYPERLINK("http://evil.example/x","click")'
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output)
        sheet = workbook.add_worksheet("Customers")
        sheet.write_row(0, 0, HEADERS)
        # a text cell that reads like a formula, with a bad number
        sheet.write_string(1, 0, hyperlink)
        sheet.write_string(1, 1, "bukan nomor")
        sheet.write_string(1, 5, "@SUM(1+1)")
        workbook.close()
        record = self._import(output.getvalue())
        self.assertTrue(record.error_ids)
        action = record.action_download_error_report()
        export = self.env["roms.customer.export"].browse(
            int(action["url"].split("/")[4])
        )
        report = openpyxl.load_workbook(io.BytesIO(base64.b64decode(export.file)))
        for sheet in report.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    self.assertNotEqual(cell.data_type, "f", (sheet.title, cell))
        self.assertEqual(report.worksheets[0]["A2"].value, hyperlink)

    def test_customer_export_writes_texts_as_texts(self):
        partner = self.env["res.partner"].create(
            {
                "name": '=HYPERLINK("http://evil.example/x","click")',
                "mobile": "081299990012",
                "street": "+62 Jalan",
                "comment": "<p>-1+1</p>",
            }
        )
        action = (
            self.env.ref("roms_crm.res_partner_action_export_xlsx")
            .with_user(self.cs_user)
            .with_context(active_model="res.partner", active_ids=partner.ids)
            .run()
        )
        export = self.env["roms.customer.export"].browse(
            int(action["url"].split("/")[4])
        )
        sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(export.file)))[
            "Customers"
        ]
        for row in sheet.iter_rows():
            for cell in row:
                self.assertNotEqual(cell.data_type, "f", cell)
        self.assertEqual(sheet["A2"].value, partner.name)

    # ------------------------------------------------------------------
    # files that are no workbook, cells no person typed
    # ------------------------------------------------------------------

    def test_files_that_are_no_workbook(self):
        """Whatever the extension says: a CSV, a PNG, an encrypted or old .xls
        (OLE), a Word document, an OpenDocument sheet, a zip whose parts point
        outside it, a workbook with an entity bomb. One clear message, nothing
        written, nothing unpacked to disk."""
        content = make_xlsx([{"name": "Bukan Buku", "mobile": "081299991101"}])

        def zipped(parts):
            output = io.BytesIO()
            with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
                for name, data in parts.items():
                    archive.writestr(name, data)
            return output.getvalue()

        entities = '<!ENTITY a0 "hahahahaha">' + "".join(
            f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
        )
        laughs = (
            f'<?xml version="1.0"?><!DOCTYPE sst [{entities}]><sst xmlns="http:'
            '//schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
            'uniqueCount="1"><si><t>&a9;</t></si></sst>'
        ).encode()
        rels = zipfile.ZipFile(io.BytesIO(content)).read("xl/_rels/workbook.xml.rels")
        files = {
            "csv": b"Name,Mobile/WhatsApp\nBukan Buku,081299991101\n",
            "png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
            "ole": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096,
            "docx": zipped(
                {
                    "[Content_Types].xml": b"<Types/>",
                    "word/document.xml": b"<w:document/>",
                }
            ),
            "ods": zipped(
                {
                    "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                    "content.xml": b"<office:document-content/>",
                }
            ),
            "escape": rezip(
                content,
                {
                    "xl/_rels/workbook.xml.rels": rels.replace(
                        b"worksheets/sheet1.xml", b"../../../../../etc/passwd"
                    ),
                    "../../../../tmp/roms_import_escape": b"x",
                },
            ),
            "laughs": rezip(content, {"xl/sharedStrings.xml": laughs}),
        }
        for kind, data in files.items():
            record = self._import(data, skip=True)
            self.assertEqual(record.state, "validated", kind)
            self.assertEqual(record.created_count, 0, kind)
            self.assertRegex(
                self._messages(record), "not an Excel workbook|has no sheet", kind
            )
            self.assertEqual(len(record.error_ids), 1, kind)
        self.assertFalse(self._partners("Bukan Buku"))
        self.assertFalse(os.path.exists("/tmp/roms_import_escape"))

    def test_document_type_declarations_are_refused_before_parsing(self):
        """An entity expands inside Python's XML parser: expat stops a bomb
        only past 8 MB of output, then at 100 times the input, so a 50 MB part
        could still unpack to gigabytes. OOXML parts carry no document type
        declaration (nor another encoding than UTF-8 or UTF-16): such a file is
        refused before openpyxl reads it, here a 5 KB part that expands to 4 MB."""
        content = make_xlsx([{"name": "Entitas", "mobile": "081299991301"}])
        sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
        root = sheet.index(b"<worksheet")
        entities = (
            '<!ENTITY e0 "'
            + "x" * 4000
            + '">'
            + "".join(f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, 4))
        )
        cases = {
            "dtd": sheet[:root]
            + f"<!DOCTYPE worksheet [{entities}]>".encode()
            + sheet[root:].replace(
                b"</sheetData>",
                b'<row r="3"><c r="A3" t="inlineStr"><is><t>&e3;</t></is></c>'
                b'<c r="B3" t="inlineStr"><is><t>081299991302</t></is></c></row>'
                b"</sheetData>",
            ),
            "utf-16 dtd": (
                '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE worksheet '
                '[<!ENTITY e "Entitas">]>'
            ).encode("utf-16")
            + sheet[root:].decode().encode("utf-16-le"),
            "ebcdic": b'<?xml version="1.0" encoding="cp037"?>'
            + sheet[root:].decode().encode("cp037"),
        }
        for kind, part in cases.items():
            record = self._import(rezip(content, {"xl/worksheets/sheet1.xml": part}))
            self.assertIn("not an Excel workbook", self._messages(record), kind)
            self.assertEqual(record.created_count, 0, kind)
        self.assertFalse(self._partners("Entitas") | self._partners("xxxx%"))

    def test_cells_no_person_typed(self):
        """Cells as a program may write them: join dates as numbers far out
        (1e10, -1, 0, NaN, 1e400), a number of 400 digits, phone numbers with
        LIKE wildcards, an escaped NUL (``_x0000_``). Each is an error naming
        its row and column, the good rows are imported with skip, and every
        stored value reads back."""

        def cell(column, row, value):
            if isinstance(value, str):
                escaped = value.replace("&", "&amp;").replace("<", "&lt;")
                return (
                    f'<c r="{column}{row}" t="inlineStr"><is><t>{escaped}</t></is></c>'
                )
            return f'<c r="{column}{row}"><v>{value[0]}</v></c>'

        rows = [
            ("Tanggal Besar", "081299991201", ("1e10",)),
            ("Tanggal Negatif", "081299991202", ("-1",)),
            ("Tanggal Nol", "081299991203", ("0",)),
            ("Tanggal Mikro", "081299991204", ("1e-300",)),
            ("Tanggal Tak Hingga", "081299991205", ("1e400",)),
            ("Nomor Liar", "0812%9999_1206", None),
            ("Nomor Raksasa", ("9" * 400,), None),
            ("Nul_x0000_Byte", "081299991208", None),
            ("Wajar", "081299991209", ("45000",)),
        ]
        xml = [
            '<row r="1">'
            + "".join(
                cell(c, 1, h)
                for c, h in zip(
                    "ABK", (HEADERS[0], HEADERS[1], HEADERS[10]), strict=True
                )
            )
            + "</row>"
        ]
        for number, (name, mobile, join_date) in enumerate(rows, start=2):
            cells = cell("A", number, name) + cell("B", number, mobile)
            if join_date:
                cells += cell("K", number, join_date)
            xml.append(f'<row r="{number}">{cells}</row>')
        sheet = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            '2006/main"><sheetData>' + "".join(xml) + "</sheetData></worksheet>"
        ).encode()
        content = make_xlsx([{"name": "x", "mobile": "081299991299"}])
        record = self._import(
            rezip(content, {"xl/worksheets/sheet1.xml": sheet}), skip=True
        )
        errors = {(e.row, e.column) for e in record.error_ids}
        self.assertEqual(
            errors,
            {(2, "K"), (3, "K"), (4, "K"), (5, "K"), (6, "K"), (7, "B"), (8, "B")},
            self._messages(record),
        )
        self.assertEqual(record.created_count, 2, self._messages(record))
        created = self._partners("Nul%") | self._partners("Wajar")
        self.assertEqual(len(created), 2)
        for values in created.read(["name", "mobile", "roms_join_date"]):
            self.assertNotIn("\x00", values["name"])
        self.assertEqual(
            self._partners("Wajar").roms_join_date, datetime.date(2023, 3, 15)
        )
        self.assertFalse(self._partners("Tanggal%") | self._partners("Nomor%"))

    def test_numbers_that_are_no_number_are_row_errors(self):
        """A number cell holding NaN, inf, -inf, 1e400 or 5,000 digits (as a
        program writes them; openpyxl writes placeholders, replaced in its XML):
        an error on its row and column naming the cell, the other rows checked
        and, with skip, imported, as for any bad cell."""
        bad = {
            111101: "NaN",
            111102: "inf",
            111103: "-inf",
            111104: "1e400",
            111105: "9" * 5000,
            111106: "-1E400",
        }
        rows = [
            # name, mobile, ..., postal code (J), join date (K)
            ["Kode NaN", "081299991301", *[None] * 7, 111101],
            ["Nomor Inf", 111102],
            ["Tanggal MinInf", "081299991303", *[None] * 8, 111103],
            [111104, "081299991304"],
            ["Nomor Panjang", 111105],
            ["Wajar Satu", "081299991306", *[None] * 7, 40132, 45000],
            ["Kode Teks", "081299991307", *[None] * 7, "NaN"],
            ["Tanggal Besar", "081299991308", *[None] * 8, 111106],
            ["Wajar Dua", 81299991309],
        ]
        content = openpyxl_xlsx(rows)
        part = "xl/worksheets/sheet1.xml"
        sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read(part)
        for placeholder, value in bad.items():
            self.assertIn(f"<v>{placeholder}</v>".encode(), sheet_xml)
            sheet_xml = sheet_xml.replace(
                f"<v>{placeholder}</v>".encode(), f"<v>{value}</v>".encode()
            )
        content = rezip(content, {part: sheet_xml})
        expected = {
            (2, "J"): "J2",
            (3, "B"): "B3",
            (4, "K"): "K4",
            (5, "A"): "A5",
            (6, "B"): "B6",
            (9, "K"): "K9",
        }

        checked = self._import(content)
        self.assertEqual(checked.state, "validated")
        self.assertEqual(checked.created_count, 0)
        self.assertFalse(self._partners("Wajar%"))
        # every row was checked: the bad cells, and the postal code typed as text
        errors = {(e.row, e.column): e for e in checked.error_ids}
        self.assertEqual(set(errors), {*expected, (8, "J")}, self._messages(checked))
        self.assertEqual(checked.row_count, 9)
        self.assertEqual(checked.error_row_count, 7)
        self.assertEqual(checked.to_create_count, 2)
        for (row, column), cell in expected.items():
            error = errors[row, column]
            self.assertIn(cell, error.message)
            self.assertIn("not a number", error.message)
            self.assertTrue(error.header)
        self.assertEqual(errors[2, "J"].value, "NaN")
        self.assertEqual(errors[2, "J"].header, "Postal Code")

        record = self._import(content, skip=True)
        self.assertEqual(record.state, "done", self._messages(record))
        self.assertEqual(record.created_count, 2, self._messages(record))
        self.assertEqual(self._partners("Wajar Satu").zip, "40132")
        self.assertEqual(self._partners("Wajar Dua").mobile, "+6281299991309")
        for refused in ("Kode%", "Nomor%", "Tanggal%", "inf", "1e400"):
            self.assertFalse(self._partners(refused), refused)
        # the error report reads the file again and names the rows to fix
        action = record.action_download_error_report()
        export = self.env["roms.customer.export"].browse(
            int(action["url"].split("/")[4])
        )
        report = openpyxl.load_workbook(io.BytesIO(base64.b64decode(export.file)))
        names = [row[0] for row in report.worksheets[0].iter_rows(values_only=True)]
        self.assertIn("Kode NaN", names)
        self.assertNotIn("Wajar Satu", names)

    def test_cells_openpyxl_cannot_read_are_row_errors(self):
        """A date cell whose serial is no date (1e10, -5), a typed date or time
        cell that is none, a TRUE/FALSE cell holding another value, a text
        pointing past the workbook's shared texts, error cells (#DIV/0!, #N/A,
        #REF!, also with a number's type in a date cell), as programs and damaged
        files write them: each an error of its row and column, the other rows
        checked and, with skip, imported. openpyxl raised on most of them and the
        whole workbook was refused as "not an Excel workbook"."""
        day = datetime.datetime(2020, 1, 2)
        rows = [
            # name (A), mobile (B), category (D), join date (K), notes (O)
            ["Tanggal Jauh", "081299991401", *[None] * 8, day],
            ["Tanggal Minus", "081299991402", *[None] * 8, day],
            ["Tanggal Ketik", "081299991403", *[None] * 8, day],
            ["Jam Ketik", "081299991404", *[None] * 8, day],
            ["Benar Salah", "081299991405", *[None] * 12, "x"],
            ["Teks Hilang", "081299991406", *[None] * 12, "x"],
            ["x", "081299991407"],
            ["Galat Kategori", "081299991408", None, "x", *[None] * 6, day],
            ["Galat Angka", "081299991409", *[None] * 8, day],
            ["Wajar Tiga", "081299991410", *[None] * 8, day],
            ["Wajar Empat", "081299991411", *[None] * 8, day],
        ]
        content = with_cells(
            openpyxl_xlsx(rows),
            {
                "K2": '<c r="K2" s="{date}"><v>1e10</v></c>',
                "K3": '<c r="K3" s="{date}" t="n"><v>-5</v></c>',
                "K4": '<c r="K4" t="d"><v>2024-13-45</v></c>',
                "K5": '<c r="K5" t="d"><v>25:61:00</v></c>',
                "O6": '<c r="O6" t="b"><v>ya</v></c>',
                "O7": '<c r="O7" t="s"><v>7</v></c>',
                "A8": '<c r="A8" t="s"><v>-1</v></c>',
                "D9": '<c r="D9" t="e"><v>#N/A</v></c>',
                "K9": '<c r="K9" s="{date}" t="e"><v>#DIV/0!</v></c>',
                "K10": '<c r="K10" s="{date}"><v>#REF!</v></c>',
                "K12": '<c r="K12" t="d"><v>2021-05-06</v></c>',
            },
        )
        expected = {
            (2, "K"): ("K2", "1e10"),
            (3, "K"): ("K3", "-5"),
            (4, "K"): ("K4", "2024-13-45"),
            (5, "K"): ("K5", "25:61:00"),
            (6, "O"): ("O6", "ya"),
            (7, "O"): ("O7", "7"),
            (8, "A"): ("A8", "-1"),
            (9, "D"): ("#N/A", "#N/A"),
            (9, "K"): ("#DIV/0!", "#DIV/0!"),
            (10, "K"): ("#REF!", "#REF!"),
        }

        checked = self._import(content)
        self.assertEqual(checked.state, "validated", self._messages(checked))
        self.assertEqual(checked.created_count, 0)
        self.assertFalse(self._partners("Wajar%"))
        errors = {}
        for error in checked.error_ids:
            errors.setdefault((error.row, error.column), []).append(error)
        self.assertEqual(set(errors), set(expected), self._messages(checked))
        self.assertEqual(checked.row_count, 11)
        self.assertEqual(checked.error_row_count, 9)
        self.assertEqual(checked.to_create_count, 2)
        for (row, column), (named, value) in expected.items():
            (error,) = errors[row, column]
            self.assertIn(named, error.message)
            self.assertEqual(error.value, value)
            self.assertTrue(error.header)
            self.assertNotIn("not an Excel workbook", error.message)
        self.assertIn("no date", errors[2, "K"][0].message)
        self.assertIn("TRUE/FALSE", errors[6, "O"][0].message)

        record = self._import(content, skip=True)
        self.assertEqual(record.state, "done", self._messages(record))
        self.assertEqual(record.created_count, 2, self._messages(record))
        self.assertEqual(
            self._partners("Wajar Tiga").roms_join_date, datetime.date(2020, 1, 2)
        )
        self.assertEqual(
            self._partners("Wajar Empat").roms_join_date, datetime.date(2021, 5, 6)
        )
        for refused in ("Tanggal%", "Jam%", "Benar%", "Teks%", "Galat%"):
            self.assertFalse(self._partners(refused), refused)
        self.assertFalse(
            self.env["res.partner"].search([("mobile", "=", "+6281299991407")])
        )
        # the error report reads the file again and names the rows to fix
        action = record.action_download_error_report()
        export = self.env["roms.customer.export"].browse(
            int(action["url"].split("/")[4])
        )
        report = openpyxl.load_workbook(io.BytesIO(base64.b64decode(export.file)))
        names = [row[0] for row in report.worksheets[0].iter_rows(values_only=True)]
        self.assertIn("Tanggal Jauh", names)
        self.assertNotIn("Wajar Tiga", names)

    # ------------------------------------------------------------------
    # any workbook
    # ------------------------------------------------------------------

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        derandomize=True,
    )
    @given(
        rows=st.lists(
            st.one_of(
                st.just("BLANK_RUN"),
                st.lists(
                    st.one_of(
                        st.none(),
                        st.text(max_size=40),
                        st.text(min_size=100, max_size=1500).map(str.strip),
                        st.integers(min_value=-(10**15), max_value=10**15),
                        st.floats(allow_nan=False, allow_infinity=False),
                        st.dates(),
                        st.sampled_from(
                            ["#DIV/0!", "#N/A", "=1/0", '=HYPERLINK("http://x","y")']
                        ),
                        st.from_regex(r"08[1-9][0-9]{7,10}", fullmatch=True),
                    ),
                    max_size=60,
                ),
            ),
            max_size=12,
        ),
        skip=st.booleans(),
    )
    def test_any_workbook_imports_bounded_or_is_refused(self, rows, skip):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = "Customers"
        sheet.append(list(HEADERS))
        for row in rows:
            if row == "BLANK_RUN":
                sheet.append([])
                sheet.append([None, None])
                continue
            try:
                sheet.append(row)
            except Exception:  # noqa: BLE001 characters openpyxl cannot store
                sheet.append(["Tidak valid", "081200000000"])
        output = io.BytesIO()
        try:
            workbook.save(output)
        except Exception:  # noqa: BLE001 values openpyxl cannot write (year 1)
            assume(False)
        before = self.env["res.partner"].search([], order="id desc", limit=1).id
        with self.env.cr.savepoint() as savepoint:
            try:
                record = self._import(output.getvalue(), skip=skip)
            except (UserError, ValidationError):
                record = None
            if record:
                self.assertIn(record.state, ("validated", "done"))
            partners = (
                self.env["res.partner"]
                .with_context(active_test=False)
                .search([("id", ">", before)])
            )
            for values in partners.read(["name", "email", "street", "roms_join_date"]):
                self.assertTrue(values["name"])
                self.assertLessEqual(len(values["name"]), 128)
                self.assertFalse(any(ord(c) < 32 for c in values["name"]))
                self.assertNotIn(values["name"], ERROR_CODES)
            savepoint.rollback()
        self.env.invalidate_all()
