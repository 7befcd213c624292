from odoo import fields, models

from ..wizards.roms_loyalty_adjust import MAX_ADJUST_DEFAULT, MAX_ADJUST_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    roms_loyalty_limit_max_adjust_points = fields.Float(
        string="Largest Points Adjustment",
        config_parameter=MAX_ADJUST_PARAM,
        default=MAX_ADJUST_DEFAULT,
        help="An administrator's adjustment of a card's points (Adjust Points) may "
        "add or take at most this many points at once.",
    )
