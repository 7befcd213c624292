"""Excel import of customers: the upload wizard and the import history in one model.

An import goes draft → checked (``validated``) → ``done``, or ``failed`` when
writing went wrong. Checking reads the file and checks every row; importing
checks again, then applies the plan of the valid rows.

The file is read once, in read-only mode, by the workbook reader of
``tools/workbook.py`` within the limits of the settings. The rows are validated
in memory: the existing customers are looked up with one query on their
normalised number, the regions by ``res.city._roms_resolve_regions`` with one
query per level, so the number of queries does not grow with the number of rows.
New customers are created in batches of ``BATCH_SIZE``; existing ones are written
with their changed values, rows with the same changes together. The template and
the error report are written by ``roms.customer.export``.
"""

import base64
import logging
import re
import threading
import time
from collections import defaultdict

import psycopg2
from openpyxl.utils import get_column_letter

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, email_normalize, html2plaintext, plaintext2html
from odoo.tools.misc import clean_context, formatLang, split_every
from odoo.tools.translate import LazyGettext, LazyTranslate

from ...tools import bounds, workbook
from ...tools.workbook import BadCell, WorkbookError, cell_text, text_key

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)

BATCH_SIZE = 1000
# Seconds between two progress notifications of a long import.
PROGRESS_INTERVAL = 3

# The columns of the template and of the export, in order: (key, header, required,
# width, explanation). Headers are matched case- and space-insensitively, in English
# or in the language of the user or in Indonesian; a trailing "*" is ignored.
CUSTOMER_COLUMNS = [
    ("name", _lt("Name"), True, 28, _lt("The customer's name.")),
    (
        "mobile",
        _lt("Mobile/WhatsApp"),
        True,
        20,
        _lt(
            "The mobile (WhatsApp) number, e.g. 0812-3456-7890 or +62 812 3456 7890. "
            "An existing customer with the same number is updated."
        ),
    ),
    ("email", _lt("Email"), False, 28, _lt("E-mail address.")),
    (
        "category",
        _lt("Category"),
        False,
        14,
        _lt(
            "Lead, Customer, Reseller, Dropshipper, Agent or Distributor. "
            "Empty: Customer."
        ),
    ),
    ("gender", _lt("Gender"), False, 12, _lt("Male or Female.")),
    ("street", _lt("Street"), False, 36, _lt("Street and house number.")),
    (
        "province",
        _lt("Province"),
        False,
        22,
        _lt("A province of the Provinces sheet, e.g. Jawa Barat."),
    ),
    (
        "city",
        _lt("City/Regency"),
        False,
        30,
        _lt(
            "A city or regency of the Cities sheet, in the province, "
            "e.g. Kota Bandung or Kabupaten Bandung."
        ),
    ),
    (
        "district",
        _lt("District"),
        False,
        22,
        _lt("A district (kecamatan) of the Districts sheet, in the city or regency."),
    ),
    ("zip", _lt("Postal Code"), False, 12, _lt("Five digits, e.g. 40132.")),
    (
        "join_date",
        _lt("Join Date"),
        False,
        14,
        _lt(
            "When the customer joined the shop: a date, or text as YYYY-MM-DD or "
            "DD/MM/YYYY. Empty: today for new customers."
        ),
    ),
    ("instagram", _lt("Instagram"), False, 18, _lt("Instagram account.")),
    ("tiktok", _lt("TikTok"), False, 18, _lt("TikTok account.")),
    ("facebook", _lt("Facebook"), False, 24, _lt("Facebook account or page.")),
    ("notes", _lt("Notes"), False, 40, _lt("Internal notes about the customer.")),
]
COLUMN_KEYS = [column[0] for column in CUSTOMER_COLUMNS]
# The extra column of the error report, ignored when the report is uploaded again.
ERRORS_HEADER = _lt("Errors")
CUSTOMERS_SHEET = _lt("Customers")

# Plain text columns and the partner field each one fills.
TEXT_FIELDS = {
    "name": "name",
    "street": "street",
    "instagram": "roms_instagram",
    "tiktok": "roms_tiktok",
    "facebook": "roms_facebook",
}
GENDER_ALIASES = {"l": "male", "m": "male", "p": "female", "f": "female"}
ZIP_RE = re.compile(r"^\d{5}$")

# Text limits (characters) of the imported columns, after control characters are
# stripped; the notes may span lines, the name loses its bidirectional controls.
TEXT_LIMITS = {
    "name": bounds.NAME_LENGTH,
    "mobile": bounds.PHONE_LENGTH,
    "email": bounds.EMAIL_LENGTH,
    "street": 256,
    "instagram": bounds.IDENTIFIER_LENGTH,
    "tiktok": bounds.IDENTIFIER_LENGTH,
    "facebook": bounds.IDENTIFIER_LENGTH,
    "notes": bounds.NOTE_LENGTH,
}
# The region columns, as res.city._roms_resolve_regions names them.
REGION_KEYS = ("province", "city", "district")


class RomsCustomerImport(models.Model):
    _name = "roms.customer.import"
    _description = "Customer Import"
    _order = "id desc"
    _rec_name = "file_name"

    file = fields.Binary(
        string="Excel File",
        attachment=True,
        help="The customers to import, in the columns of the template (.xlsx).",
    )
    file_name = fields.Char()
    skip_invalid = fields.Boolean(
        string="Import Valid Rows Only",
        help="Import the valid rows and skip the rows with errors. Without this, "
        "nothing is imported while any row has an error.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("validated", "Checked"),
            ("done", "Imported"),
            ("failed", "Failed"),
        ],
        string="Status",
        default="draft",
        required=True,
        readonly=True,
        index=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Imported By",
        default=lambda self: self.env.user,
        readonly=True,
        index=True,
    )
    date = fields.Datetime(
        string="Import Date",
        readonly=True,
        help="When the customers were imported.",
    )
    row_count = fields.Integer(string="Rows", readonly=True)
    error_row_count = fields.Integer(string="Rows with Errors", readonly=True)
    to_create_count = fields.Integer(string="New Customers", readonly=True)
    to_update_count = fields.Integer(string="Existing Customers", readonly=True)
    created_count = fields.Integer(string="Created", readonly=True)
    updated_count = fields.Integer(string="Updated", readonly=True)
    unchanged_count = fields.Integer(
        string="Unchanged",
        readonly=True,
        help="Rows of existing customers whose values were already the same.",
    )
    skipped_count = fields.Integer(
        string="Skipped",
        readonly=True,
        help="Rows with errors, not imported.",
    )
    error_ids = fields.One2many(
        "roms.customer.import.error", "import_id", string="Errors", readonly=True
    )
    partner_ids = fields.Many2many(
        "res.partner",
        "roms_customer_import_partner_rel",
        "import_id",
        "partner_id",
        string="Customers",
        readonly=True,
        help="The customers created or updated by this import.",
    )
    partner_count = fields.Integer(
        string="Customer Count", compute="_compute_partner_count"
    )

    @api.depends("partner_ids")
    def _compute_partner_count(self):
        for record in self:
            record.partner_count = len(record.partner_ids)

    @api.depends("file_name")
    def _compute_display_name(self):
        for record in self:
            record.display_name = record.file_name or self.env._("New Import")

    def write(self, vals):
        if "file" in vals:
            if any(record.state == "done" for record in self):
                raise UserError(
                    self.env._("The file of a finished import cannot be replaced.")
                )
            # A new file must be checked again.
            self.error_ids.unlink()
            vals = dict(vals, state="draft", **self._empty_counts())
        return super().write(vals)

    @api.autovacuum
    def _gc_abandoned_drafts(self):
        """Forget imports that were started but never checked or imported."""
        limit = fields.Datetime.subtract(fields.Datetime.now(), days=7)
        self.search([("state", "=", "draft"), ("create_date", "<", limit)]).unlink()

    @api.model
    def _empty_counts(self):
        return dict.fromkeys(
            (
                "row_count",
                "error_row_count",
                "to_create_count",
                "to_update_count",
                "created_count",
                "updated_count",
                "unchanged_count",
                "skipped_count",
            ),
            0,
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_download_template(self):
        return self.env["roms.customer.export"]._download_import_template()

    def action_validate(self):
        """Check every row and list the errors; write no customer."""
        self.ensure_one()
        self._check_not_done()
        self._validate()
        return True

    def action_import(self):
        """Check every row, then import: all rows, or only the valid rows when
        ``skip_invalid``. While any row has an error and ``skip_invalid`` is off,
        nothing is written and the errors are listed."""
        self.ensure_one()
        self._check_not_done()
        self._roms_lock()
        plan = self._validate()
        if plan is None or (self.error_row_count and not self.skip_invalid):
            return True
        self._apply(plan)
        return True

    def action_download_error_report(self):
        self.ensure_one()
        return self.env["roms.customer.export"]._download_import_errors(self)

    def action_open_customers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "roms_crm.res_partner_action_customers"
        )
        action["domain"] = [("id", "in", self.partner_ids.ids)]
        action["context"] = {"create": False}
        return action

    def _check_not_done(self):
        if self.state == "done":
            raise UserError(self.env._("This file has already been imported."))
        if not self.file:
            raise UserError(self.env._("Upload an Excel file first."))

    def _roms_lock(self):
        """Refuse to run the same import twice at once (a double click)."""
        try:
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM roms_customer_import WHERE id = %s "
                    "FOR UPDATE NOWAIT",
                    self.id,
                )
            )
        except psycopg2.errors.LockNotAvailable as error:
            raise UserError(
                self.env._("This import is already running: wait for it to finish.")
            ) from error

    # ------------------------------------------------------------------
    # Reading the file
    # ------------------------------------------------------------------

    def _header_aliases(self):
        """{normalised header: column key} in English, the user's language and
        Indonesian, plus the column keys themselves."""
        aliases = {}
        for key, label, *_rest in CUSTOMER_COLUMNS:
            aliases[text_key(key)] = key
            for translation in self._translations(label):
                aliases[text_key(translation)] = key
        for translation in self._translations(ERRORS_HEADER):
            aliases[text_key(translation)] = None
        return aliases

    @api.model
    def _translations(self, term):
        """The lazy ``term`` in English, Indonesian and the user's language."""
        return {
            term._translate(lang)
            for lang in ("en_US", "id_ID", self.env.lang or "en_US")
        }

    def _import_limits(self):
        """The import limits of the settings, each at least 1."""
        param = self.env["roms.bounds"]._param
        return {
            key: max(param(f"roms_crm.{key}"), 1)
            for key in (
                "import_max_unpacked_mb",
                "import_max_ratio",
                "customer_import_max_rows",
                "import_max_raw_rows",
                "import_max_columns",
                "import_max_cell_length",
            )
        }

    def _read_rows(self):
        """The rows of the uploaded file, read by ``tools.workbook.read_rows``
        within the limits of the settings: first ``(header cells, {column
        index: column key})``, then ``(row number, {column key: cell value})``
        for every non-empty row.

        :raises WorkbookError: the file is unreadable, too big or its header
            wrong (when the rows are read)."""
        limits = self._import_limits()
        content = base64.b64decode(self.with_context(bin_size=False).file or b"")
        return workbook.read_rows(
            content,
            workbook.Limits(
                unpacked_mb=limits["import_max_unpacked_mb"],
                ratio=limits["import_max_ratio"],
                raw_rows=limits["import_max_raw_rows"],
                columns=limits["import_max_columns"],
                cell_length=limits["import_max_cell_length"],
            ),
            self._header_aliases(),
            [
                (key, self.env._(label))
                for key, label, required, *_rest in CUSTOMER_COLUMNS
                if required
            ],
            sheet_keys={text_key(name) for name in self._translations(CUSTOMERS_SHEET)},
        )

    def _message(self, message):
        """A message of the workbook reader (lazily translated) as text in the
        user's language."""
        return self.env._(message) if isinstance(message, LazyGettext) else message

    # ------------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------------

    def _validate(self):
        """Read and check the whole file, store its errors and counts.

        Return the plan of the import: ``{"create": [(row, vals)], "update":
        [(row, partner, vals)], "unchanged": [(row, partner)]}`` for the valid
        rows, or None when the file itself is unusable."""
        self.ensure_one()
        self.error_ids.unlink()
        errors = []
        try:
            rows, letters = self._parse_rows(errors)
        except WorkbookError as error:
            self._store_errors(error.errors)
            self.write(dict(self._empty_counts(), state="validated"))
            return None
        if not rows and not errors:
            self._store_errors(
                [workbook.file_error(self.env._("The file has no customer rows."))]
            )
            self.write(dict(self._empty_counts(), state="validated"))
            return None
        plan = self._plan(rows, errors, letters)
        self._store_errors(errors)
        error_rows = {error["row"] for error in errors}
        self.write(
            dict(
                self._empty_counts(),
                state="validated",
                row_count=len(rows),
                error_row_count=len(error_rows),
                to_create_count=len(plan["create"]),
                to_update_count=len(plan["update"]) + len(plan["unchanged"]),
            )
        )
        return plan

    def _store_errors(self, errors):
        for error in errors:
            error["import_id"] = self.id
            error["message"] = self._message(error["message"])
            value = error.get("value")
            error["value"] = cell_text(value)[:200] if value not in (None, "") else ""
        self.env["roms.customer.import.error"].create(errors)

    def _parse_rows(self, errors):
        """Check each row on its own. Return ``[(row number, parsed values)]`` and
        the column letters ``{column key: letter}``; append an error dict to
        ``errors`` for each bad cell."""
        max_rows = self._import_limits()["customer_import_max_rows"]
        reader = self._read_rows()
        try:
            _header, columns = next(reader)
            raw_rows = []
            for raw_row in reader:
                raw_rows.append(raw_row)
                if len(raw_rows) > max_rows:
                    raise WorkbookError(
                        _lt(
                            "The file has more than %(max)s rows: split it into "
                            "smaller files.",
                            max=bounds._num(max_rows),
                        )
                    )
        finally:
            reader.close()
        columns = {key: get_column_letter(index + 1) for index, key in columns.items()}
        labels = {key: self.env._(label) for key, label, *_rest in CUSTOMER_COLUMNS}
        check = {
            "country": self.env.ref("base.id"),
            "categories": self._selection_aliases("roms_category"),
            "category_labels": self._selection_labels("roms_category"),
            "genders": dict(self._selection_aliases("roms_gender"), **GENDER_ALIASES),
            "gender_labels": self._selection_labels("roms_gender"),
            "today": self.env["res.partner"]._roms_latest_today(),
            "labels": labels,
        }
        progress = _Progress(self, len(raw_rows), self.env._("Checking rows"))

        rows, addresses, reporters = [], [], []
        for done, (row_number, raw) in enumerate(raw_rows, start=1):
            progress.update(done)

            def error(key, message, row_number=row_number, raw=raw):
                errors.append(
                    {
                        "row": row_number,
                        "column": columns.get(key, ""),
                        "header": labels[key],
                        "value": raw.get(key),
                        "message": message,
                    }
                )

            vals, address = self._check_row(raw, check, error)
            rows.append((row_number, vals))
            addresses.append(address)
            reporters.append(error)
        # the regions of every row at once
        regions = self.env["res.city"]._roms_resolve_regions(addresses)
        for (_row_number, vals), region, error in zip(
            rows, regions, reporters, strict=True
        ):
            self._set_region(vals, region, error)
        progress.update(len(raw_rows), force=True)
        return rows, columns

    def _check_row(self, raw, check, error):
        """``(values, address)`` of one row, ``raw`` (column key: cell value),
        checked on their own; ``error(column key, message)`` reports a bad cell.
        ``address`` holds the texts of the region columns, resolved for all rows
        at once by ``_set_region``."""
        text, refused = self._row_texts(raw, check, error)
        vals = {key: text[key] for key in TEXT_FIELDS if text.get(key)}
        if not vals.get("name") and "name" not in refused:
            error("name", self.env._("The name is required."))
        if not text.get("mobile"):
            if "mobile" not in refused:
                error("mobile", self.env._("The mobile/WhatsApp number is required."))
        else:
            try:
                vals["mobile"] = self.env["res.partner"]._roms_normalize_phone(
                    text["mobile"], check["country"], strict=True
                )
            except ValidationError as exc:
                error("mobile", exc.args[0])
        if text.get("email"):
            if email_normalize(text["email"]):
                vals["email"] = text["email"]
            else:
                error("email", self.env._("Not a valid e-mail address."))
        if text.get("category"):
            vals["category"] = check["categories"].get(text_key(text["category"]))
            if not vals["category"]:
                error(
                    "category",
                    self.env._(
                        "Unknown category. Use one of: %(categories)s.",
                        categories=check["category_labels"],
                    ),
                )
        if text.get("gender"):
            vals["gender"] = check["genders"].get(text_key(text["gender"]))
            if not vals["gender"]:
                error(
                    "gender",
                    self.env._(
                        "Unknown gender. Use one of: %(genders)s.",
                        genders=check["gender_labels"],
                    ),
                )
        if text.get("zip"):
            if ZIP_RE.match(text["zip"]):
                vals["zip"] = text["zip"]
            else:
                error("zip", self.env._("A postal code has five digits."))
        if text.get("join_date"):
            join_date = self._check_join_date(raw["join_date"], check, error)
            if join_date:
                vals["join_date"] = join_date
        if text.get("notes"):
            vals["notes"] = text["notes"]
        return vals, {key: text[key] for key in REGION_KEYS if text.get(key)}

    def _check_join_date(self, value, check, error):
        """The join date of a cell, within the shop's date window and not in
        the future; None (and a row error) otherwise."""
        join_date = workbook.parse_date(value)
        if not join_date:
            error(
                "join_date",
                self.env._("Not a date. Use an Excel date, YYYY-MM-DD or DD/MM/YYYY."),
            )
            return None
        if join_date > check["today"]:
            error("join_date", self.env._("The join date is in the future."))
            return None
        try:
            self.env["roms.bounds"]._check_datetime(
                join_date, "join_date", label=check["labels"]["join_date"]
            )
        except bounds.BoundsError as exc:
            error("join_date", str(exc))
            return None
        return join_date

    def _row_texts(self, raw, check, error):
        """``(texts, refused keys)`` of a row: the cells that cannot be imported
        (``BadCell``) and the texts out of the shared bounds are row errors,
        the others are cleaned of control characters."""
        refused = set()
        for key, value in raw.items():
            if isinstance(value, BadCell):
                error(key, value.message)
                refused.add(key)
        text = {
            key: cell_text(value, keep_lines=key == "notes")
            for key, value in raw.items()
            if key not in refused
        }
        self._bound_texts(text, check["labels"], error, refused)
        return text, refused

    def _bound_texts(self, text, labels, error, refused):
        """The shared bounds on the texts of a row, in place: control characters
        out, lengths within limits; a text out of bounds is a row error."""
        for key, limit in TEXT_LIMITS.items():
            if not text.get(key):
                continue
            try:
                text[key] = (
                    bounds.clean_text(
                        text[key],
                        limit,
                        key,
                        multiline=key == "notes",
                        label=labels[key],
                        name=key == "name",
                    )
                    or ""
                )
            except bounds.BoundsError as exc:
                error(key, str(exc))
                refused.add(key)
                text[key] = ""

    @api.model
    def _selection_aliases(self, fname):
        """{normalised key or label: key} of a selection field of res.partner, its
        labels in English, the user's language and Indonesian."""
        aliases = {}
        field = self.env["res.partner"]._fields[fname]
        installed = dict(self.env["res.lang"].get_installed())
        for lang in {"en_US", "id_ID", self.env.lang or "en_US"} & installed.keys():
            env = self.with_context(lang=lang).env
            for value, label in field._description_selection(env):
                aliases[text_key(value)] = value
                aliases[text_key(label)] = value
        return aliases

    @api.model
    def _selection_labels(self, fname):
        field = self.env["res.partner"]._fields[fname]
        return ", ".join(
            label for _value, label in field._description_selection(self.env)
        )

    def _set_region(self, vals, region, error):
        """Fill ``vals`` with the province, city and district of a row, resolved
        by ``res.city._roms_resolve_regions``, or report why they are wrong."""
        if region["error"]:
            level, code, params = region["error"]
            error(level, self._region_error(level, code, params))
        elif region["state_id"]:
            vals["state_id"] = region["state_id"]
            vals["city_id"] = region["city_id"]
            vals["district_id"] = region["district_id"]
            vals["city_name"] = region["city_name"]

    def _region_error(self, level, code, params):
        """The message of a region that cannot be resolved (see
        ``res.city._roms_resolve_regions``): unknown names point to the
        reference sheets of the template."""
        if code == "unknown":
            if level == "province":
                return self.env._(
                    "Unknown province. See the Provinces sheet of the template."
                )
            if level == "city":
                return self.env._(
                    "Unknown city or regency. See the Cities sheet of the template."
                )
            return self.env._(
                "Unknown district. See the Districts sheet of the template."
            )
        if level == "city":
            if code == "elsewhere":
                return self.env._(
                    "%(city)s is not in the province %(province)s.", **params
                )
            return self.env._(
                "Several cities or regencies match: %(cities)s. Write the full name.",
                **params,
            )
        if code == "elsewhere":
            return self.env._("%(district)s is not a district of %(region)s.", **params)
        return self.env._(
            "Several districts have this name, in %(cities)s: fill in the "
            "City/Regency column.",
            **params,
        )

    # ------------------------------------------------------------------
    # Planning
    # ------------------------------------------------------------------

    def _plan(self, rows, errors, columns):
        """Find the duplicates inside the file and the existing customers (one
        query), and turn the valid rows into values to create or write."""
        error_rows = {error["row"] for error in errors}
        header = self.env._(CUSTOMER_COLUMNS[1][1])
        rows_by_number = defaultdict(list)
        for row_number, vals in rows:
            if vals.get("mobile"):
                rows_by_number[vals["mobile"]].append(row_number)
        for number, row_numbers in rows_by_number.items():
            if len(row_numbers) < 2:
                continue
            for row_number in row_numbers:
                errors.append(
                    {
                        "row": row_number,
                        "column": columns.get("mobile", ""),
                        "header": header,
                        "value": number,
                        "message": self.env._(
                            "The number %(number)s is in several rows: %(rows)s. "
                            "Keep one row per customer.",
                            number=number,
                            rows=", ".join(str(n) for n in row_numbers),
                        ),
                    }
                )
                error_rows.add(row_number)
        existing = self._existing_partners(list(rows_by_number))
        for partner in existing.values():
            if partner.user_ids.filtered(lambda user: not user.share):
                for row_number in rows_by_number[partner.roms_whatsapp_number]:
                    errors.append(
                        {
                            "row": row_number,
                            "column": columns.get("mobile", ""),
                            "header": header,
                            "value": partner.roms_whatsapp_number,
                            "message": self.env._(
                                "This number belongs to %(name)s, a user of Odoo: "
                                "change that contact by hand.",
                                name=partner.name,
                            ),
                        }
                    )
                    error_rows.add(row_number)
        errors.sort(key=lambda error: (error["row"], error["column"] or ""))

        indonesia = self.env.ref("base.id")
        plan = {"create": [], "update": [], "unchanged": []}
        for row_number, vals in rows:
            if row_number in error_rows:
                continue
            partner = existing.get(vals["mobile"])
            if partner:
                changes = self._partner_changes(partner, vals, indonesia)
                if changes:
                    plan["update"].append((row_number, partner, changes))
                else:
                    plan["unchanged"].append((row_number, partner))
            else:
                plan["create"].append((row_number, self._create_vals(vals, indonesia)))
        return plan

    def _existing_partners(self, numbers):
        """{normalised number: partner} in one query. Of several contacts with the
        same number, the active customer that was created first is updated."""
        partners = (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search_fetch(
                [("roms_whatsapp_number", "in", numbers)],
                [
                    "name",
                    "mobile",
                    "email",
                    "roms_category",
                    "roms_gender",
                    "street",
                    "zip",
                    "state_id",
                    "city_id",
                    "city",
                    "roms_district_id",
                    "country_id",
                    "roms_join_date",
                    "roms_instagram",
                    "roms_tiktok",
                    "roms_facebook",
                    "comment",
                    "active",
                    "roms_whatsapp_number",
                ],
                order="id",
            )
            if numbers
            else self.env["res.partner"]
        )
        existing = {}
        for partner in partners.sorted(
            lambda p: (not p.active, not p.roms_category, p.id)
        ):
            existing.setdefault(partner.roms_whatsapp_number, partner)
        return existing

    @api.model
    def _create_vals(self, vals, country):
        create_vals = {
            "name": vals["name"],
            "mobile": vals["mobile"],
            "roms_category": vals.get("category") or "customer",
            "country_id": country.id,
        }
        for key, fname in (
            ("email", "email"),
            ("gender", "roms_gender"),
            ("zip", "zip"),
            ("join_date", "roms_join_date"),
            ("street", "street"),
            ("instagram", "roms_instagram"),
            ("tiktok", "roms_tiktok"),
            ("facebook", "roms_facebook"),
        ):
            if vals.get(key):
                create_vals[fname] = vals[key]
        if vals.get("notes"):
            create_vals["comment"] = plaintext2html(vals["notes"])
        if vals.get("state_id"):
            create_vals.update(self._region_vals(vals))
        return create_vals

    @api.model
    def _region_vals(self, vals):
        return {
            "state_id": vals["state_id"],
            "city_id": vals["city_id"],
            "city": vals["city_name"],
            "roms_district_id": vals["district_id"],
        }

    @api.model
    def _partner_changes(self, partner, vals, country):
        """The values of ``vals`` that differ from ``partner``. Empty cells leave
        the customer's value as it is."""
        changes = {}
        for key, fname in (
            ("name", "name"),
            ("gender", "roms_gender"),
            ("zip", "zip"),
            ("join_date", "roms_join_date"),
            ("street", "street"),
            ("instagram", "roms_instagram"),
            ("tiktok", "roms_tiktok"),
            ("facebook", "roms_facebook"),
        ):
            if vals.get(key) and vals[key] != partner[fname]:
                changes[fname] = vals[key]
        if vals.get("email") and text_key(vals["email"]) != text_key(
            partner.email or ""
        ):
            changes["email"] = vals["email"]
        category = vals.get("category") or (not partner.roms_category and "customer")
        if category and category != partner.roms_category:
            changes["roms_category"] = category
        if not partner.mobile:
            changes["mobile"] = vals["mobile"]
        if (
            vals.get("notes")
            and vals["notes"] != html2plaintext(partner.comment or "").strip()
        ):
            changes["comment"] = plaintext2html(vals["notes"])
        if vals.get("state_id"):
            region = self._region_vals(vals)
            # A province alone keeps the customer's city and district when they
            # lie in it (or when the city is only typed in); a city alone keeps the
            # district when it lies in it.
            if not vals["city_id"] and (
                not partner.city_id or partner.city_id.state_id.id == vals["state_id"]
            ):
                region.update(
                    city_id=partner.city_id.id,
                    city=partner.city,
                    roms_district_id=partner.roms_district_id.id,
                )
            elif (
                not vals["district_id"]
                and partner.roms_district_id.city_id.id == vals["city_id"]
            ):
                region["roms_district_id"] = partner.roms_district_id.id
            if partner.country_id != country:
                region["country_id"] = country.id
            for fname, value in region.items():
                current = partner[fname]
                current = (
                    current.id if isinstance(current, models.BaseModel) else current
                )
                if (current or False) != (value or False):
                    changes[fname] = value
        return changes

    # ------------------------------------------------------------------
    # Import
    # ------------------------------------------------------------------

    def _apply(self, plan):
        """Create and update the customers of ``plan`` in one savepoint: on any
        error nothing is written and the import is marked failed."""
        total = len(plan["create"]) + len(plan["update"])
        progress = _Progress(self, total, self.env._("Importing customers"))
        # No chatter message, follower or tracking per imported customer, and no
        # default values from the context of the screen the import started from.
        Partner = self.env["res.partner"].with_context(
            clean_context(self.env.context), tracking_disable=True
        )
        defaults = self._shared_defaults(Partner)
        partner_ids = []
        try:
            with self.env.cr.savepoint():
                done = 0
                for batch in split_every(BATCH_SIZE, plan["create"]):
                    created = Partner._load_records_create(
                        [dict(defaults, **vals) for _n, vals in batch]
                    )
                    partner_ids += created.ids
                    done += len(batch)
                    # Write each batch at once: the progress shows the real work
                    # and the memory stays flat.
                    self.env.flush_all()
                    progress.update(done)
                # Rows with the same changes are written together.
                groups = defaultdict(list)
                for _row, partner, changes in plan["update"]:
                    groups[tuple(sorted(changes.items()))].append(partner.id)
                for changes, ids in groups.items():
                    for batch_ids in split_every(BATCH_SIZE, ids):
                        Partner.browse(batch_ids).write(dict(changes))
                        partner_ids += batch_ids
                        done += len(batch_ids)
                        self.env.flush_all()
                        progress.update(done)
                partner_ids += [partner.id for _row, partner in plan["unchanged"]]
        except (UserError, psycopg2.Error) as error:
            _logger.info("Customer import %s failed: %s", self.id, error)
            self.env["roms.customer.import.error"].create(
                {
                    "import_id": self.id,
                    "row": 0,
                    "message": self.env._(
                        "The import failed and nothing was written: %(error)s",
                        error=error.args[0] if error.args else repr(error),
                    ),
                }
            )
            self.write({"state": "failed", "date": fields.Datetime.now()})
            return False
        progress.update(total, force=True)
        self.write(
            {
                "state": "done",
                "date": fields.Datetime.now(),
                "created_count": len(plan["create"]),
                "updated_count": len(plan["update"]),
                "unchanged_count": len(plan["unchanged"]),
                "skipped_count": self.error_row_count,
                "partner_ids": [fields.Command.set(partner_ids)],
            }
        )
        _logger.info(
            "Customer import %s: %s created, %s updated, %s unchanged, %s skipped",
            self.id,
            self.created_count,
            self.updated_count,
            self.unchanged_count,
            self.skipped_count,
        )
        return True

    @api.model
    def _shared_defaults(self, Partner):
        """The defaults of the partner's plain non-stored fields, computed once for
        all new customers: Odoo computes the missing defaults of each record it
        creates, and some cost a query (account's invoice template flag)."""
        return Partner.default_get(
            [
                name
                for name, field in Partner._fields.items()
                if not field.store
                and field.default
                and not field.compute
                and not field.related
            ]
        )


class _Progress:
    """Tell the user how far a long import is, with a notification every few
    seconds. The notification is sent from its own cursor, at once, while the
    import's transaction goes on."""

    def __init__(self, record, total, title):
        self.record = record
        self.total = total
        self.title = title
        self.last = time.monotonic()
        self.enabled = total > BATCH_SIZE and not getattr(
            threading.current_thread(), "testing", False
        )

    def update(self, done, force=False):
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self.last < PROGRESS_INTERVAL:
            return
        self.last = now
        record = self.record
        message = record.env._(
            "%(done)s of %(total)s rows",
            done=formatLang(record.env, done, digits=0),
            total=formatLang(record.env, self.total, digits=0),
        )
        _logger.info("Customer import %s: %s: %s", record.id, self.title, message)
        try:
            with record.env.registry.cursor() as cr:
                env = api.Environment(cr, record.env.uid, record.env.context)
                env.user._bus_send(
                    "simple_notification",
                    {"type": "info", "title": self.title, "message": message},
                )
        except psycopg2.Error:
            _logger.warning("Could not send the progress of import %s", record.id)


class RomsCustomerImportError(models.Model):
    _name = "roms.customer.import.error"
    _description = "Customer Import Error"
    _order = "import_id, row, id"

    import_id = fields.Many2one(
        "roms.customer.import",
        required=True,
        ondelete="cascade",
        index=True,
    )
    row = fields.Integer(help="Row of the spreadsheet; 0 for the whole file.")
    column = fields.Char(help="Column letter of the spreadsheet.")
    header = fields.Char()
    value = fields.Char()
    message = fields.Char(required=True)
