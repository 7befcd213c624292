from odoo import models


class ResUsers(models.Model):
    _inherit = "res.users"

    def _roms_portal_reseller(self):
        """The company (commercial partner, sudo) this user orders for from the
        reseller catalogue of the portal, or an empty recordset: only portal users
        of resellers, dropshippers, agents and distributors have the catalogue."""
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id.sudo()
        if (
            self._is_portal()
            and partner.roms_category in partner._roms_portal_categories
        ):
            return partner
        return partner.browse()
