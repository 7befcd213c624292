"""The limits of :mod:`odoo.addons.roms_crm.tools.bounds`, read from the settings."""

from datetime import date, datetime, timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import bounds

# Settings (ir.config_parameter key → typed default). The type of the default is the
# type of the setting: a stored value that does not parse as it falls back to it.
DEFAULTS = {
    "roms_crm.limit_date_min": "2000-01-01",
    "roms_crm.limit_date_future_days": 365,
    "roms_crm.limit_max_quantity": 100000.0,
    "roms_crm.limit_max_price": 10_000_000_000.0,
    # Excel imports: checked on the file's parts before anything is parsed
    "roms_crm.import_max_unpacked_mb": 50,
    "roms_crm.import_max_ratio": 100,
    "roms_crm.customer_import_max_rows": 100000,
    "roms_crm.import_max_raw_rows": 200000,
    "roms_crm.import_max_columns": 50,
    "roms_crm.import_max_cell_length": 1000,
}


class RomsBounds(models.AbstractModel):
    _name = "roms.bounds"
    _description = "ROMS Input Bounds"

    @api.model
    def _param(self, key):
        """The limit ``key`` (a key of ``DEFAULTS``), read with the one settings
        reader, ``ir.config_parameter._roms_param``, typed as its default here.
        Other settings are read with ``_roms_param`` itself."""
        return self.env["ir.config_parameter"]._roms_param(key, DEFAULTS[key])

    @api.model
    def _date_window(self):
        """The dates the shop accepts from outside, as naive UTC datetimes:
        from the configured first day to the configured number of days ahead."""
        try:
            lower = datetime.fromisoformat(self._param("roms_crm.limit_date_min"))
        except ValueError:
            lower = datetime.fromisoformat(DEFAULTS["roms_crm.limit_date_min"])
        days = min(max(self._param("roms_crm.limit_date_future_days"), 0), 36500)
        upper = fields.Datetime.now() + timedelta(days=days)
        return max(lower, datetime(1900, 1, 1)), upper

    @api.model
    def _max_quantity(self):
        return max(self._param("roms_crm.limit_max_quantity"), 1.0)

    @api.model
    def _max_price(self):
        return max(self._param("roms_crm.limit_max_price"), 0.0)

    # ------------------------------------------------------------------
    # Checks with the shop's limits (raise bounds.BoundsError)
    # ------------------------------------------------------------------

    @api.model
    def _check_datetime(self, moment, field=None, label=None):
        """``moment`` (a naive UTC datetime, or an ISO 8601 string) inside the date
        window."""
        if isinstance(moment, str) or not isinstance(moment, date):
            # parse_datetime refuses anything but text (a JSON object, a number)
            moment = bounds.parse_datetime(moment, field, label=label)
        lower, upper = self._date_window()
        return bounds.check_datetime(moment, lower, upper, field, label=label)

    @api.model
    def _check_quantity(self, value, uom=None, field=None, label=None):
        """A quantity of ``uom`` (a ``uom.uom`` record, or none). Quantities of the
        Unit category (Units, Dozens) must come to whole pieces."""
        whole_ratio = None
        if uom:
            unit = self.env.ref("uom.product_uom_categ_unit", raise_if_not_found=False)
            if uom.category_id == unit:
                whole_ratio = uom.factor_inv
        return bounds.check_quantity(
            value,
            self._max_quantity(),
            field,
            rounding=uom.rounding if uom else None,
            whole_ratio=whole_ratio,
            label=label,
        )

    @api.model
    def _parse_form_quantity(self, raw, uom=None, field=None, label=None):
        """A quantity typed in a portal form (the cart, the refund request form):
        0.0 when the field is left empty or holds 0, otherwise the quantity of
        ``uom`` checked as :meth:`_check_quantity` does ("2,5" reads as 2.5).

        :raises bounds.BoundsError: not a number, or out of bounds.
        """
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return 0.0
        number = bounds.finite_number(raw, field, label=label, parse=True)
        if not number:
            return 0.0
        return self._check_quantity(number, uom, field=field, label=label)

    @api.model
    def _constrain_text(self, records, fname, limit, label, multiline=True):
        """For an ``@api.constrains``: the text ``fname`` of ``records`` within
        ``limit`` characters, also when written over RPC (ValidationError)."""
        for record in records:
            try:
                bounds.clean_text(
                    record[fname], limit, multiline=multiline, label=label
                )
            except bounds.BoundsError as error:
                raise ValidationError(str(error)) from error

    @api.model
    def _check_price(self, value, field=None, label=None, parse=False):
        """A unit price or an amount of money."""
        return bounds.check_amount(
            value, self._max_price(), field, label=label, parse=parse
        )
