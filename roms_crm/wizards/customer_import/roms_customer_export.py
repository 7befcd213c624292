import base64
import datetime
import io
from urllib.parse import quote

import xlsxwriter

from odoo import api, fields, models
from odoo.tools import html2plaintext
from odoo.tools.misc import split_every

from ...models.customer_import.roms_customer_import import BATCH_SIZE, CUSTOMER_COLUMNS


class RomsCustomerExport(models.TransientModel):
    """A spreadsheet made for the user to download: the export of customers, the
    import template or an import's error report. Odoo removes these records (and
    their files) after an hour."""

    _name = "roms.customer.export"
    _description = "Customer Spreadsheet"

    file = fields.Binary(attachment=True, readonly=True)
    file_name = fields.Char(readonly=True)

    @api.model
    def _download(self, content, file_name):
        """Keep ``content`` in a new record and return the action that downloads it."""
        record = self.create(
            {"file": base64.b64encode(content), "file_name": file_name}
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{record.id}/file/"
            f"{quote(file_name)}?download=true",
            "target": "self",
        }

    @api.model
    def _export_customers(self, partners):
        """Download ``partners`` (the selection of a list) as an .xlsx in the
        columns of the import template, so the file can be edited and imported
        again. The file is written row by row (constant memory) and the customers
        read in batches."""
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(
            output,
            # customers' texts stay texts: "=HYPERLINK(…)" is no formula
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        bold = workbook.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
        text_format = workbook.add_format({"num_format": "@"})
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        sheet = workbook.add_worksheet(self.env._("Customers"))
        for col, (key, label, _required, width, _help) in enumerate(CUSTOMER_COLUMNS):
            cell_format = text_format if key in ("mobile", "zip") else None
            sheet.set_column(col, col, width, cell_format)
            sheet.write(0, col, self.env._(label), bold)
        sheet.freeze_panes(1, 0)

        partner_fields = self.env["res.partner"]._fields
        categories = dict(
            partner_fields["roms_category"]._description_selection(self.env)
        )
        genders = dict(partner_fields["roms_gender"]._description_selection(self.env))
        row = 0
        for ids in split_every(BATCH_SIZE, partners.ids):
            batch = partners.browse(ids)
            for partner in batch:
                row += 1
                values = {
                    "name": partner.name,
                    "mobile": partner.roms_whatsapp_number
                    or partner.mobile
                    or partner.phone,
                    "email": partner.email,
                    "category": categories.get(partner.roms_category),
                    "gender": genders.get(partner.roms_gender),
                    "street": partner.street,
                    "province": partner.state_id.name,
                    "city": partner.city_id.name or partner.city,
                    "district": partner.roms_district_id.name,
                    "zip": partner.zip,
                    "join_date": partner.roms_join_date,
                    "instagram": partner.roms_instagram,
                    "tiktok": partner.roms_tiktok,
                    "facebook": partner.roms_facebook,
                    "notes": html2plaintext(partner.comment).strip()
                    if partner.comment
                    else False,
                }
                for col, (key, *_rest) in enumerate(CUSTOMER_COLUMNS):
                    value = values[key]
                    if isinstance(value, datetime.date):
                        sheet.write_datetime(row, col, value, date_format)
                    elif value:
                        sheet.write_string(row, col, value)
            # Keep the memory flat on large exports.
            batch.invalidate_recordset()
        sheet.autofilter(0, 0, row, len(CUSTOMER_COLUMNS) - 1)
        workbook.close()
        file_name = "customers_{}.xlsx".format(
            fields.Date.context_today(self).strftime("%Y%m%d")
        )
        return self._download(output.getvalue(), file_name)
