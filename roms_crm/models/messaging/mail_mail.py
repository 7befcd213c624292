from odoo import fields, models


class MailMail(models.Model):
    _inherit = "mail.mail"

    roms_message_id = fields.Many2one(
        "roms.message",
        string="ROMS Message",
        index="btree_not_null",
        ondelete="set null",
    )

    def _postprocess_sent_message(
        self, success_pids, failure_reason=False, failure_type=None
    ):
        # Mirror the e-mail's outcome on its ROMS message. A message being sent
        # by the queue (in flight) gets its outcome from the queue itself.
        roms_mails = self.filtered("roms_message_id")
        if failure_type:
            # Odoo passes a failed connection's type here without storing it
            roms_mails.filtered(
                lambda m: m.state == "exception" and not m.failure_type
            ).write({"failure_type": failure_type})
        for mail in roms_mails.filtered(lambda m: not m.roms_message_id.sending_since):
            if mail.state == "sent":
                mail.roms_message_id._set_status("sent")
            elif mail.state == "exception":
                mail.roms_message_id._set_status(
                    "failed",
                    error_code=mail.failure_type or "unknown",
                    error_message=mail.failure_reason or failure_reason,
                )
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )
