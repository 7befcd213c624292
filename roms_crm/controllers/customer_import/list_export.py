from markupsafe import Markup

from odoo.addons.web.controllers import export


def _write_text(worksheet, row, col, text, *args):
    """A text of a record as a text cell, whatever it starts with: a customer's
    name '=HYPERLINK(…)' (from a WhatsApp profile, a portal form, the order
    API) is no formula, '{=…}' no array formula, 'external:…' no link to a
    file. Empty texts stay blank cells (None: xlsxwriter's own handling)."""
    if not text:
        return None
    return worksheet.write_string(row, col, str(text), *args)


class _TextCells:
    """Odoo's export writers with texts written as texts (see ``_write_text``);
    every other value is written as Odoo writes it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for text_type in (str, Markup):
            self.worksheet.add_write_handler(text_type, _write_text)


class RomsExportXlsxWriter(_TextCells, export.ExportXlsxWriter):
    pass


class RomsGroupExportXlsxWriter(_TextCells, export.GroupExportXlsxWriter):
    pass


class RomsExcelExport(export.ExcelExport):
    """Favorites › Export to .xlsx, as Odoo makes it, with the cells of texts
    written as texts (Odoo's CSV export already puts a quote before '=', '+'
    and '-'; its .xlsx turned such a text into a live formula)."""

    def from_group_data(self, fields, columns_headers, groups):
        with RomsGroupExportXlsxWriter(
            fields, columns_headers, groups.count
        ) as xlsx_writer:
            x, y = 1, 0
            for group_name, group in groups.children.items():
                x, y = xlsx_writer.write_group(x, y, group_name, group)
        return xlsx_writer.value

    def from_data(self, fields, columns_headers, rows):
        with RomsExportXlsxWriter(fields, columns_headers, len(rows)) as xlsx_writer:
            for row_index, row in enumerate(rows):
                for cell_index, cell_value in enumerate(row):
                    xlsx_writer.write_cell(row_index + 1, cell_index, cell_value)
        return xlsx_writer.value
