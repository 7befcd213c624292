from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    roms_wa_idle_minutes = fields.Integer(
        string="Reassign Idle Chats After (minutes)",
        config_parameter="roms_whatsapp.idle_minutes",
        default=30,
        help="A WhatsApp conversation silent for longer than this goes back into the "
        "round-robin when the customer writes again (to their last agent when online).",
    )
    roms_wa_media_max_mb = fields.Float(
        string="Largest WhatsApp Media (MB)",
        config_parameter="roms_whatsapp.media_max_mb",
        default=16.0,
        help="Images and PDF files received over WhatsApp larger than this are not "
        "downloaded.",
    )
    roms_wa_webhook_max_body_bytes = fields.Integer(
        string="Largest Webhook Request (bytes)",
        config_parameter="roms_whatsapp.webhook_max_body_bytes",
        default=1048576,
        help="Webhook requests from the WhatsApp providers larger than this are "
        "refused (HTTP 413) before their signature is checked. At least 1,024.",
    )
