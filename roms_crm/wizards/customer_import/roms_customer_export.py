import base64

from odoo import api, fields, models
from odoo.tools import html2plaintext
from odoo.tools.misc import split_every

from ...models.customer_import.roms_customer_import import (
    BATCH_SIZE,
    CUSTOMER_COLUMNS,
    CUSTOMERS_SHEET,
)
from ...tools.xlsx import Column, Sheet, workbook_bytes

# The kind of column (tools/xlsx.py) of the customer columns that are no plain text.
COLUMN_KINDS = {"mobile": "code", "zip": "code", "join_date": "date"}


class RomsCustomerExport(models.TransientModel):
    """A spreadsheet made for the user to download: the export of customers, the
    import template or an import's error report, an export of orders. Odoo removes
    these records (and their files) after an hour."""

    _name = "roms.customer.export"
    _inherit = ["roms.download.mixin"]
    _description = "Customer Spreadsheet"

    file = fields.Binary(attachment=True, readonly=True)
    file_name = fields.Char(readonly=True)

    @api.model
    def _download(self, content, file_name):
        """Keep ``content`` in a new record and return the action that downloads it."""
        record = self.create(
            {"file": base64.b64encode(content), "file_name": file_name}
        )
        return record._download_action("file", file_name)

    # ------------------------------------------------------------------
    # The customers
    # ------------------------------------------------------------------

    @api.model
    def _customer_columns(self, template=False):
        """The customer columns of the export (and, with ``template``, of the
        import template: required headers marked with "*")."""
        return [
            Column(
                self.env._(label) + (" *" if template and required else ""),
                COLUMN_KINDS.get(key, "text"),
                width,
                required=template and required,
            )
            for key, label, required, width, _help in CUSTOMER_COLUMNS
        ]

    @api.model
    def _export_customers(self, partners):
        """Download ``partners`` (the selection of a list) as an .xlsx in the
        columns of the import template, so the file can be edited and imported
        again. The file is written row by row (constant memory) and the customers
        read in batches."""
        partner_fields = self.env["res.partner"]._fields
        categories = dict(
            partner_fields["roms_category"]._description_selection(self.env)
        )
        genders = dict(partner_fields["roms_gender"]._description_selection(self.env))

        def rows():
            for ids in split_every(BATCH_SIZE, partners.ids):
                batch = partners.browse(ids)
                for partner in batch:
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
                    yield tuple(values[key] for key, *_rest in CUSTOMER_COLUMNS)
                # Keep the memory flat on large exports.
                batch.invalidate_recordset()

        content = workbook_bytes(
            [Sheet(self.env._(CUSTOMERS_SHEET), self._customer_columns(), rows())]
        )
        file_name = "customers_{}.xlsx".format(
            fields.Date.context_today(self).strftime("%Y%m%d")
        )
        return self._download(content, file_name)
