from odoo import api, fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    roms_online = fields.Boolean(
        string="Online for WhatsApp",
        copy=False,
        help="Customer service availability: new WhatsApp conversations are only "
        "assigned to online agents.",
    )

    def write(self, vals):
        going_online = self.browse()
        if vals.get("roms_online"):
            going_online = self.filtered(lambda u: not u.roms_online)
        res = super().write(vals)
        for user in going_online:
            if user.has_group("roms_crm.group_roms_cs"):
                self.env["discuss.channel"]._roms_wa_assign_waiting(user)
        return res

    @api.model
    def roms_set_online(self, online):
        """The Online/Offline toggle of the top bar (CS agents, for themselves)."""
        user = self.env.user
        if not user.has_group("roms_crm.group_roms_cs"):
            return False
        user.sudo().roms_online = bool(online)
        return user.roms_online

    @api.model
    def roms_get_online(self):
        """Availability of the current user for the top-bar toggle."""
        user = self.env.user
        return {
            "isAgent": user.has_group("roms_crm.group_roms_cs"),
            "online": user.roms_online,
        }
