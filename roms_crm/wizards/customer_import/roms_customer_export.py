import base64
import datetime
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import html2plaintext
from odoo.tools.misc import split_every

from ...models.customer_import.roms_customer_import import (
    BATCH_SIZE,
    CUSTOMER_COLUMNS,
    CUSTOMERS_SHEET,
    ERRORS_HEADER,
)
from ...tools.workbook import WorkbookError, cell_text
from ...tools.xlsx import Column, Sheet, workbook_bytes

# The data validations of the template cover this many rows.
TEMPLATE_ROWS = 10000
# The kind of column (tools/xlsx.py) of the customer columns that are no plain text.
COLUMN_KINDS = {"mobile": "code", "zip": "code", "join_date": "date"}


class RomsCustomerExport(models.TransientModel):
    """A spreadsheet made for the user to download: the export of customers, the
    import template or an import's error report, an export of orders. Each user
    sees only their own (a record rule). Odoo removes these records (and their
    files) after an hour."""

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

    # ------------------------------------------------------------------
    # The import template
    # ------------------------------------------------------------------

    @api.model
    def _download_import_template(self):
        return self._download(self._import_template(), "customer_import_template.xlsx")

    @api.model
    def _import_template(self):
        """The import template: the customers sheet with its data validations, an
        explanation of the columns, and the provinces, cities/regencies and
        districts of Indonesia as reference sheets."""
        regions = self.env["res.city"]._roms_region_index()
        state_names = {
            state_id: name for state_id, (name, _code) in regions["states"].items()
        }
        provinces = sorted(state_names.values())
        cities = sorted(
            (name, state_names.get(state_id, ""))
            for name, state_id in regions["cities"].values()
        )
        districts = sorted(
            (
                name,
                regions["cities"][city_id][0],
                state_names.get(regions["cities"][city_id][1], ""),
            )
            for name, city_id in regions["districts"].values()
        )
        province_sheet, city_sheet = self.env._("Provinces"), self.env._("Cities")
        validations = {
            "category": self._selection_validation("roms_category"),
            "gender": self._selection_validation("roms_gender"),
            "province": self._list_validation(province_sheet, len(provinces)),
            "city": self._list_validation(city_sheet, len(cities)),
            "join_date": {
                "validate": "date",
                "criteria": "between",
                "minimum": datetime.date(1900, 1, 1),
                "maximum": datetime.date(2999, 12, 31),
                "error_type": "warning",
                "error_message": self.env._(
                    "Not a date. Use an Excel date, YYYY-MM-DD or DD/MM/YYYY."
                ),
            },
        }
        columns = []
        for column, (key, label, *_rest) in zip(
            self._customer_columns(template=True), CUSTOMER_COLUMNS, strict=True
        ):
            validation = validations.get(key)
            if validation and validation["validate"] == "list":
                validation = dict(validation, error_title=self.env._(label))
            columns.append(column._replace(validation=validation))
        instructions = [
            (
                self.env._(label),
                self.env._("Yes") if required else "",
                self.env._(help_text),
            )
            for _key, label, required, _width, help_text in CUSTOMER_COLUMNS
        ]
        instructions += [
            (),
            (
                self.env._(
                    "Customers are recognised by their mobile number: a row with "
                    "the number of an existing customer updates it, empty cells "
                    "keep its values."
                ),
            ),
        ]
        return workbook_bytes(
            [
                Sheet(
                    self.env._(CUSTOMERS_SHEET), columns, [], input_rows=TEMPLATE_ROWS
                ),
                Sheet(
                    self.env._("Instructions"),
                    [
                        Column(self.env._("Column"), "text", 22),
                        Column(self.env._("Required"), "text", 12),
                        Column(self.env._("Explanation"), "wrap", 90),
                    ],
                    instructions,
                    freeze=False,
                    autofilter=False,
                ),
                Sheet(
                    province_sheet,
                    [Column(self.env._("Province"), "text", 34)],
                    [(name,) for name in provinces],
                ),
                Sheet(
                    city_sheet,
                    [
                        Column(self.env._("City/Regency"), "text", 34),
                        Column(self.env._("Province"), "text", 34),
                    ],
                    cities,
                ),
                Sheet(
                    self.env._("Districts"),
                    [
                        Column(self.env._("District"), "text", 34),
                        Column(self.env._("City/Regency"), "text", 34),
                        Column(self.env._("Province"), "text", 34),
                    ],
                    districts,
                ),
            ]
        )

    @api.model
    def _selection_validation(self, fname):
        """A list of the labels of a selection field of res.partner."""
        field = self.env["res.partner"]._fields[fname]
        return {
            "validate": "list",
            "source": [label for _v, label in field._description_selection(self.env)],
            "error_message": self.env._("Choose a value from the list."),
        }

    @api.model
    def _list_validation(self, sheet_name, count):
        """A list of the names of a reference sheet of the template."""
        return {
            "validate": "list",
            "source": "='{}'!$A$2:$A${}".format(
                sheet_name.replace("'", "''"), count + 1
            ),
            "error_type": "warning",
            "error_message": self.env._(
                "Not in the list of the %(sheet)s sheet.", sheet=sheet_name
            ),
        }

    # ------------------------------------------------------------------
    # The error report of an import
    # ------------------------------------------------------------------

    @api.model
    def _download_import_errors(self, customer_import):
        return self._download(
            self._import_errors(customer_import),
            "{}_errors.xlsx".format(
                (customer_import.file_name or "import").rsplit(".", 1)[0]
            ),
        )

    @api.model
    def _import_errors(self, customer_import):
        """The errors of ``customer_import`` (a roms.customer.import), and the
        rows to fix in the columns of the uploaded file (with an Errors column)
        to correct and upload again."""
        errors_by_row = defaultdict(list)
        for error in customer_import.error_ids:
            errors_by_row[error.row].append(error)
        sheets = [self._rows_to_fix(customer_import, errors_by_row)]
        errors = [
            (error.row or None, error.column, error.header, error.value, error.message)
            for error in customer_import.error_ids
        ]
        titles = (
            self.env._("Row"),
            self.env._("Column"),
            self.env._("Header"),
            self.env._("Value"),
            self.env._("Message"),
        )
        kinds = ("number", "text", "text", "text", "text")
        widths = (8, 8, 20, 30, 80)
        sheets.append(
            Sheet(
                self.env._(ERRORS_HEADER),
                [Column(*column) for column in zip(titles, kinds, widths, strict=True)],
                errors,
                freeze=False,
                autofilter=False,
            )
        )
        return workbook_bytes(sheets)

    @api.model
    def _rows_to_fix(self, customer_import, errors_by_row):
        """The sheet of the rows with errors, as uploaded: everything from the
        file goes back as text or date, never as a formula."""
        reader = customer_import._read_rows()
        try:
            header, columns = next(reader)
        except WorkbookError:
            reader.close()
            return Sheet(
                self.env._(CUSTOMERS_SHEET),
                [Column(self.env._("The file could not be read."), "text")],
                [],
                freeze=False,
                autofilter=False,
            )
        header = [cell_text(value) for value in header]
        while header and not header[-1]:
            header.pop()
        index = {key: col for col, key in columns.items()}

        def rows():
            try:
                for row_number, raw in reader:
                    if row_number not in errors_by_row:
                        continue
                    row = [None] * (len(header) + 1)
                    for key, value in raw.items():
                        if isinstance(value, datetime.date):
                            row[index[key]] = value
                        elif value is not None:
                            row[index[key]] = cell_text(value, keep_lines=True)
                    row[-1] = "\n".join(e.message for e in errors_by_row[row_number])
                    yield row
            except WorkbookError:
                return
            finally:
                reader.close()

        return Sheet(
            self.env._(CUSTOMERS_SHEET),
            [Column(title, "value") for title in header]
            + [Column(self.env._(ERRORS_HEADER), "text")],
            rows(),
            freeze=False,
            autofilter=False,
        )
