from odoo import fields, models


class RomsWhatsappAccount(models.Model):
    """Placeholder of the WhatsApp account (built by the whatsapp branch): only the
    fields the live chat needs, so that conversations can point to their account."""

    _name = "roms.whatsapp.account"
    _description = "WhatsApp Account"

    name = fields.Char(required=True)
    state = fields.Selection(
        [("connected", "Connected"), ("disconnected", "Disconnected")],
        default="disconnected",
    )
    is_default = fields.Boolean(string="Default")
