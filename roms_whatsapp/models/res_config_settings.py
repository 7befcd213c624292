from odoo import fields, models

from odoo.addons.roms_crm.tools.webhook import DEFAULT_MAX_BODY

from ..controllers.main import MAX_BODY_PARAM
from .discuss_channel import (
    DEFAULT_IDLE_MINUTES,
    DEFAULT_REASSIGN_MINUTES,
    IDLE_MINUTES_PARAM,
    REASSIGN_MINUTES_PARAM,
)
from .discuss_channel_automation import AUTO_PER_HOUR_PARAM, DEFAULT_AUTO_PER_HOUR
from .discuss_channel_metrics import (
    CSAT_PARAM,
    CSAT_WINDOW_PARAM,
    DEFAULT_CSAT_WINDOW,
)
from .roms_message import DEFAULT_DISCONNECTED, DISCONNECTED_PARAM
from .roms_whatsapp_inbound import (
    DEFAULT_MEDIA_MAX_MB,
    DEFAULT_REPLY_WINDOW_HOURS,
    MEDIA_MAX_MB_PARAM,
    REPLY_WINDOW_PARAM,
)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    roms_wa_idle_minutes = fields.Integer(
        string="Reassign Idle Chats After (minutes)",
        config_parameter=IDLE_MINUTES_PARAM,
        default=DEFAULT_IDLE_MINUTES,
        help="A WhatsApp conversation silent for longer than this goes back into the "
        "round-robin when the customer writes again (to their last agent when online).",
    )
    roms_wa_media_max_mb = fields.Float(
        string="Largest WhatsApp Media (MB)",
        config_parameter=MEDIA_MAX_MB_PARAM,
        default=DEFAULT_MEDIA_MAX_MB,
        help="Images and PDF files received over WhatsApp larger than this are not "
        "downloaded.",
    )
    roms_wa_webhook_max_body_bytes = fields.Integer(
        string="Largest Webhook Request (bytes)",
        config_parameter=MAX_BODY_PARAM,
        default=DEFAULT_MAX_BODY,
        help="Webhook requests from the WhatsApp providers larger than this are "
        "refused (HTTP 413) before their signature is checked. At least 1,024.",
    )
    roms_wa_disconnected_replies = fields.Selection(
        [
            ("fail", "Mark them failed at once"),
            ("queue", "Queue them until the account reconnects"),
        ],
        string="Replies While Disconnected",
        config_parameter=DISCONNECTED_PARAM,
        default=DEFAULT_DISCONNECTED,
        help="What happens to an agent's chat reply while its WhatsApp account is "
        "disconnected: it fails at once (the agent sees it and can retry), or it "
        "waits, shown as waiting for the connection, and leaves when the account "
        "reconnects.",
    )
    roms_wa_reassign_minutes = fields.Integer(
        string="Reassign Unanswered Chats After (minutes)",
        config_parameter=REASSIGN_MINUTES_PARAM,
        default=DEFAULT_REASSIGN_MINUTES,
        help="A customer's message its agent has not answered within this time "
        "moves the conversation to the next online agent, or back to Unassigned "
        "with a notice to the administrators. 0 turns it off.",
    )
    roms_wa_csat_enabled = fields.Boolean(
        string="Ask for Satisfaction After Resolve",
        config_parameter=CSAT_PARAM,
        help="When an agent resolves a WhatsApp conversation, the customer gets "
        "the satisfaction question (through the message queue).",
    )
    roms_wa_csat_window_hours = fields.Integer(
        string="Satisfaction Answer Window (hours)",
        config_parameter=CSAT_WINDOW_PARAM,
        default=DEFAULT_CSAT_WINDOW,
        help="A 1–5 answer (or a button tap) within this time after the question "
        "is the customer's score; later, or anything else, is an ordinary message.",
    )
    roms_wa_reply_window_hours = fields.Integer(
        string="Reminder Replies Understood For (hours)",
        config_parameter=REPLY_WINDOW_PARAM,
        default=DEFAULT_REPLY_WINDOW_HOURS,
        help="A reminder's reply buttons, and on a QR gateway the numbered replies "
        "1, 2 and 3, act for this many hours after the reminder was sent; later "
        "they are ordinary chat messages.",
    )
    roms_wa_auto_replies_per_hour = fields.Integer(
        string="Automatic Replies per Conversation and Hour",
        config_parameter=AUTO_PER_HOUR_PARAM,
        default=DEFAULT_AUTO_PER_HOUR,
        help="At most this many automatic messages (welcome, away, keyword "
        "replies, menu bot, answers to a template's options) go to one "
        "conversation within an hour: two bots can never answer each other "
        "endlessly.",
    )
