from odoo import fields, models


class RomsLoadWrite(models.Model):
    """The rows ``/roms_load/write`` stores: one per request, as small as a row
    gets (no access columns)."""

    _name = "roms.load.write"
    _description = "Load-test write"
    _log_access = False

    body_size = fields.Integer(readonly=True)
