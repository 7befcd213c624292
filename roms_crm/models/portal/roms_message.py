from odoo import api, models


class RomsMessage(models.Model):
    """A message that carries a personal reorder link is the link's message: the
    order placed with the link is attributed to it, and the link's first opening
    marks it clicked."""

    _inherit = "roms.message"

    @api.model_create_multi
    def create(self, vals_list):
        messages = super().create(vals_list)
        self.env["roms.reorder.link"]._bind_messages(messages)
        return messages
