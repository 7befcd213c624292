import math

from odoo import api, models


class IrConfigParameter(models.Model):
    _inherit = "ir.config_parameter"

    @api.model
    def _roms_param(self, key, default):
        """The setting ``key`` typed as ``default`` (``bool``, ``int``, ``float`` or
        ``str``): ROMS's one reader of its settings. A missing, empty or unreadable
        value gives ``default``."""
        value = self.sudo().get_param(key)
        if value in (None, False, ""):
            return default
        try:
            if isinstance(default, bool):
                return value.strip().lower() not in ("0", "false", "no", "")
            if isinstance(default, int):
                return int(float(value))
            if isinstance(default, float):
                number = float(value)
                return number if math.isfinite(number) else default
        except (TypeError, ValueError, OverflowError):
            return default
        return value
