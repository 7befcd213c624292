from odoo import api, fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    roms_online = fields.Boolean(
        string="Online for WhatsApp",
        copy=False,
        help="Customer service availability: new WhatsApp conversations are only "
        "assigned to online agents.",
    )
    roms_wa_notify = fields.Selection(
        [
            ("new_chat", "Once per conversation assigned to me"),
            ("every_message", "Chat window and sound for each message"),
            ("none", "Never (counters only)"),
        ],
        string="WhatsApp Notifications",
        default="new_chat",
        required=True,
        help="How you are told about the WhatsApp conversations assigned to you. "
        "Conversations of other agents never notify you.",
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + ["roms_wa_notify"]

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return super().SELF_WRITEABLE_FIELDS + ["roms_wa_notify"]

    def write(self, vals):
        going_online = self.browse()
        if vals.get("roms_online"):
            going_online = self.filtered(lambda u: not u.roms_online)
        res = super().write(vals)
        if "roms_online" in vals:
            # the members' lists of their conversations show ROMS's presence
            self.env["discuss.channel"].sudo().search(
                [
                    ("channel_type", "=", "roms_whatsapp"),
                    ("channel_member_ids.partner_id", "in", self.partner_id.ids),
                ]
            )._roms_wa_push_store()
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
        """Availability of the current user for the top-bar toggle and the offline
        banner: whether they are an agent, online, how many chats wait for an agent
        and how they want to be notified."""
        user = self.env.user
        is_agent = user.has_group("roms_crm.group_roms_cs")
        return {
            "isAgent": is_agent,
            "online": user.roms_online,
            "waiting": (
                self.env["discuss.channel"]._roms_wa_waiting_count() if is_agent else 0
            ),
            "notify": user.roms_wa_notify,
        }
