"""The limits of :mod:`odoo.addons.roms_crm.tools.bounds`, read from the settings."""

import math
from datetime import date, datetime, timedelta

from odoo import api, fields, models

from ..tools import bounds

# Settings (ir.config_parameter key → typed default). The type of the default is the
# type of the setting: a stored value that does not parse as it falls back to it.
DEFAULTS = {
    "roms_crm.limit_date_min": "2000-01-01",
    "roms_crm.limit_date_future_days": 365,
    "roms_crm.limit_max_quantity": 100000.0,
    "roms_crm.limit_max_price": 10_000_000_000.0,
}


class RomsBounds(models.AbstractModel):
    _name = "roms.bounds"
    _description = "ROMS Input Bounds"

    @api.model
    def _param(self, key, default=None):
        """The setting ``key`` typed as its default (from ``DEFAULTS`` unless given):
        ``int``, ``float``, ``bool`` or ``str``. A missing or unreadable value gives
        the default."""
        if default is None:
            default = DEFAULTS[key]
        value = self.env["ir.config_parameter"].sudo().get_param(key)
        if value in (None, False, ""):
            return default
        try:
            if isinstance(default, bool):
                return value.strip().lower() not in ("0", "false", "no", "")
            if isinstance(default, int):
                return int(float(value))
            if isinstance(default, float):
                number = float(value)
                return default if math.isnan(number) else number
        except (TypeError, ValueError, OverflowError):
            return default
        return value

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
        """A quantity of ``uom`` (a ``uom.uom`` record, or none). A unit of the Unit
        category counts things: the quantity must be a whole number of the
        category's reference unit (2 Units, half a Dozen; never 1.5 Units), whatever
        the unit's rounding (0.01 for Units in a stock Odoo)."""
        quantity = bounds.check_quantity(
            value,
            self._max_quantity(),
            field,
            rounding=uom.rounding if uom else None,
            label=label,
        )
        unit_category = self.env.ref(
            "uom.product_uom_categ_unit", raise_if_not_found=False
        )
        if uom and unit_category and uom.category_id == unit_category:
            things = quantity / (uom.factor or 1.0)
            if not math.isclose(things, round(things), abs_tol=1e-6):
                raise bounds.BoundsError(
                    bounds._lt(
                        "%(field)s must be a whole number of this unit.",
                        field=label or field or bounds._lt("The quantity"),
                    ),
                    field,
                )
        return quantity

    @api.model
    def _check_price(self, value, field=None, label=None, parse=False):
        """A unit price or an amount of money."""
        return bounds.check_amount(
            value, self._max_price(), field, label=label, parse=parse
        )
