from odoo import models


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _routing_handle_bounce(self, email_message, message_dict):
        """A bounced ROMS e-mail fails its message (never after delivered/read)."""
        result = super()._routing_handle_bounce(email_message, message_dict)
        bounced_msg_ids = message_dict.get("bounced_msg_ids") or []
        if bounced_msg_ids:
            Message = self.env["roms.message"].sudo()
            messages = Message.search([("provider_message_id", "in", bounced_msg_ids)])
            messages._set_status(
                "failed",
                error_code="bounce",
                error_message=self.env._(
                    "The e-mail bounced: %(email)s",
                    email=message_dict.get("bounced_email") or "",
                ),
            )
        return result
