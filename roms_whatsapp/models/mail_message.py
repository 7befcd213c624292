from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

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

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            if any(v.get("roms_wa_direction") for v in vals_list):
                raise AccessError(self._roms_wa_direction_refused())
            self._roms_wa_check_author(
                {
                    vals.get("res_id")
                    for vals in vals_list
                    if vals.get("model") == "discuss.channel"
                    and vals.get("message_type", "comment") == "comment"
                    and vals.get("author_id")
                    not in (None, False, self.env.user.partner_id.id)
                }
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            if "roms_wa_direction" in vals:
                raise AccessError(self._roms_wa_direction_refused())
            if vals.get("author_id") not in (None, False, self.env.user.partner_id.id):
                self._roms_wa_check_author(
                    set(
                        self.filtered(lambda m: m.model == "discuss.channel").mapped(
                            "res_id"
                        )
                    )
                )
        return super().write(vals)

    def _roms_wa_check_author(self, channel_ids):
        """A user writes in a WhatsApp conversation as themselves: a comment of
        theirs authored by someone else (the customer, named or found from their
        email) would read as the customer's words. ``channel_ids``: the
        conversations of such comments."""
        channel_ids = [i for i in channel_ids if isinstance(i, int) and 0 < i < 2**31]
        if channel_ids and self.env["discuss.channel"].sudo().search_count(
            [("id", "in", channel_ids), ("channel_type", "=", "roms_whatsapp")],
            limit=1,
        ):
            raise AccessError(
                self.env._("In a WhatsApp conversation you write as yourself.")
            )

    def _roms_wa_direction_refused(self):
        """Whether a message is the customer's (inbound) or sent to them
        (outbound) is ROMS's own to say, as superuser: the webhook's messages,
        the replies it sends. A user (over RPC) would forge the customer's words
        or a reply that is never sent."""
        return self.env._("The direction of a WhatsApp message is set by ROMS only.")

    def _roms_wa_ticks_values(self):
        self.ensure_one()
        # sudo: roms.message - the ticks of a message readable by the user
        roms_message = self.sudo().roms_message_id
        return {
            "roms_wa_direction": self.roms_wa_direction,
            "roms_wa_state": roms_message.state or False,
            "roms_wa_error": roms_message.error_message or False,
            "roms_wa_error_code": roms_message.error_code or False,
            "roms_wa_automatic": roms_message.roms_automatic,
        }

    def roms_wa_retry(self):
        """The conversation's agent (or the reply's author, or an administrator)
        sends a failed reply again: the Retry button under it."""
        self.ensure_one()
        if not self.env.user.has_group("roms_crm.group_roms_cs"):
            raise AccessError(self.env._("Only customer service agents can retry."))
        channel = self.env["discuss.channel"].browse(self.res_id)
        if self.model != "discuss.channel" or self.roms_wa_direction != "out":
            raise UserError(self.env._("This is not a WhatsApp reply."))
        channel.check_access("read")
        user = self.env.user
        if not (
            user.has_group("roms_crm.group_roms_admin")
            or user in channel.sudo().roms_agent_id
            or user.partner_id == self.author_id
        ):
            raise AccessError(
                self.env._(
                    "Only the conversation's agent or an administrator can retry."
                )
            )
        # sudo: roms.message - the agent retries their conversation's reply
        roms_message = self.sudo().roms_message_id
        if roms_message.state != "failed":
            raise UserError(self.env._("Only a failed message can be sent again."))
        roms_message.action_roms_retry()
        roms_message._send_now()
        return self._roms_wa_ticks_values()

    def _extras_to_store(self, store: Store, format_reply):
        result = super()._extras_to_store(store, format_reply=format_reply)
        for message in self.filtered("roms_wa_direction"):
            store.add(message, message._roms_wa_ticks_values())
        return result
