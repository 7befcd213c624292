from odoo import fields, models

from .stock_picking import DEFAULT_POLL_HOURS, POLL_HOURS_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    roms_biteship_poll_hours = fields.Integer(
        string="Ask the Courier After (hours)",
        config_parameter=POLL_HOURS_PARAM,
        default=DEFAULT_POLL_HOURS,
        help="Shipments whose tracking webhook stayed quiet this long are asked "
        "for at Biteship.",
    )
