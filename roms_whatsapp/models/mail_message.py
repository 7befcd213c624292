from odoo import fields, models

from odoo.addons.mail.tools.discuss import Store


class MailMessage(models.Model):
    _inherit = "mail.message"

    roms_wa_direction = fields.Selection(
        [("in", "Inbound"), ("out", "Outbound")],
        string="WhatsApp Direction",
        readonly=True,
        help="Set on the messages of WhatsApp conversations: written by the customer "
        "(inbound) or by an agent (outbound).",
    )
    roms_message_id = fields.Many2one(
        "roms.message",
        string="WhatsApp Message",
        index="btree_not_null",
        readonly=True,
        ondelete="set null",
        help="The outbound WhatsApp message of an agent's reply: its state gives the "
        "delivery ticks.",
    )

    def _roms_wa_ticks_values(self):
        self.ensure_one()
        # sudo: roms.message - the ticks of a message readable by the user
        roms_message = self.sudo().roms_message_id
        return {
            "roms_wa_direction": self.roms_wa_direction,
            "roms_wa_state": roms_message.state or False,
            "roms_wa_error": roms_message.error_message or False,
        }

    def _extras_to_store(self, store: Store, format_reply):
        result = super()._extras_to_store(store, format_reply=format_reply)
        for message in self.filtered("roms_wa_direction"):
            store.add(message, message._roms_wa_ticks_values())
        return result
