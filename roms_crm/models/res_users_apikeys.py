import logging

from odoo import models
from odoo.exceptions import AccessError

_logger = logging.getLogger(__name__)


class ResUsersApikeys(models.Model):
    _inherit = "res.users.apikeys"

    def action_roms_revoke(self):
        """Revoke integration keys from ROMS › Integrations (ROMS admins only)."""
        if not self.env.user.has_group("roms_crm.group_roms_admin"):
            raise AccessError(
                self.env._("Only ROMS administrators can revoke API keys.")
            )
        api_group = self.env.ref("roms_crm.group_roms_api")
        if not self.env.is_system() and any(
            api_group not in key.sudo().user_id.groups_id for key in self
        ):
            raise AccessError(
                self.env._("ROMS administrators revoke only integration users' keys.")
            )
        _logger.info("ROMS API key(s) %s revoked by %s", self.ids, self.env.user.login)
        self.sudo().unlink()
        return True
