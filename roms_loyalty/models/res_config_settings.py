from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    roms_loyalty_limit_max_adjust_points = fields.Float(
        string="Largest Points Adjustment",
        config_parameter="roms_loyalty.limit_max_adjust_points",
        default=1_000_000,
        help="An administrator's adjustment of a card's points (Adjust Points) may "
        "add or take at most this many points at once.",
    )
