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

    def _extras_to_store(self, store: Store, format_reply):
        result = super()._extras_to_store(store, format_reply=format_reply)
        for message in self.filtered("roms_wa_direction"):
            store.add(message, {"roms_wa_direction": message.roms_wa_direction})
        return result
