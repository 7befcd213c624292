from odoo import api, fields, models
from odoo.exceptions import ValidationError


class RomsDateRangeMixin(models.AbstractModel):
    """An optional period ``date_from`` – ``date_to`` (either end may be left
    open) that refuses to start after it ends. Models redefine the two fields
    for their own labels and defaults."""

    _name = "roms.date.range.mixin"
    _description = "ROMS Date Range"

    date_from = fields.Date(string="From")
    date_to = fields.Date(string="To")

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for record in self:
            if (
                record.date_from
                and record.date_to
                and record.date_from > record.date_to
            ):
                raise ValidationError(
                    self.env._("The start date is after the end date.")
                )
