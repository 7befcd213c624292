from odoo import api, fields, models
from odoo.tools import SQL


class RomsWhatsappRotation(models.Model):
    """The round-robin pointer of the live chat: ONE row, locked with
    ``SELECT ... FOR UPDATE`` while a conversation is assigned, so that concurrent
    webhooks take the agents in turn and the turn survives restarts."""

    _name = "roms.whatsapp.rotation"
    _description = "WhatsApp Chat Rotation"

    last_agent_id = fields.Many2one(
        "res.users",
        string="Last Assigned Agent",
        ondelete="set null",
        help="The agent who got the last conversation; the next one goes to the "
        "online agent after them.",
    )

    @api.model
    def _roms_lock(self):
        """Return the rotation row, locked until the end of the transaction."""
        rotation = self.env.ref(
            "roms_whatsapp.roms_whatsapp_rotation_main", raise_if_not_found=False
        )
        if not rotation:
            rotation = self.sudo().create({})
            self.env["ir.model.data"].sudo().create(
                {
                    "module": "roms_whatsapp",
                    "name": "roms_whatsapp_rotation_main",
                    "model": self._name,
                    "res_id": rotation.id,
                    "noupdate": True,
                }
            )
        self.flush_model()
        self.env.execute_query(
            SQL(
                "SELECT id FROM roms_whatsapp_rotation WHERE id = %s FOR UPDATE",
                rotation.id,
            )
        )
        rotation.invalidate_recordset(["last_agent_id"])
        return rotation.sudo()

    @api.model
    def _online_agents(self):
        """Online CS agents in rotation order (by id)."""
        group = self.env.ref("roms_crm.group_roms_cs")
        return (
            self.env["res.users"]
            .sudo()
            .search(
                [("groups_id", "in", group.ids), ("roms_online", "=", True)],
                order="id",
            )
        )

    @api.model
    def _next_agent(self, exclude=None):
        """Take the next online agent's turn (the caller holds nothing; the row lock is
        taken here and held until commit), skipping ``exclude`` (users). Return an
        empty recordset when nobody is online."""
        rotation = self._roms_lock()
        agents = self._online_agents() - (exclude or self.env["res.users"])
        if not agents:
            return agents
        last_id = rotation.last_agent_id.id or 0
        agent = next((a for a in agents if a.id > last_id), agents[0])
        rotation.last_agent_id = agent
        return agent
