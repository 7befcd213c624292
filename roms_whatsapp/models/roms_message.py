import base64

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.mimetypes import guess_mimetype

from odoo.addons.roms_crm.models.messaging.roms_message import RomsSendError
from odoo.addons.roms_crm.models.messaging.roms_message_template import (
    template_variables,
)

from ..tools import WhatsAppProviderError
from .discuss_channel import SERVICE_WINDOW

# Meta sends images as JPEG or PNG; anything else goes as a document
IMAGE_MIMETYPES = ("image/jpeg", "image/png")
DISCONNECTED_PARAM = "roms_whatsapp.disconnected_replies"
DEFAULT_DISCONNECTED = "fail"


class RomsMessage(models.Model):
    _inherit = "roms.message"

    channel = fields.Selection(
        selection_add=[("whatsapp", "WhatsApp")], ondelete={"whatsapp": "cascade"}
    )
    kind = fields.Selection(
        selection_add=[("csat", "Satisfaction Question")],
        ondelete={"csat": "cascade"},
    )
    roms_wa_buttons = fields.Json(
        string="Reply Buttons",
        readonly=True,
        copy=False,
        help="Reply buttons [[id, title], …] sent with the text on the Cloud API "
        "(at most 3); QR gateways send the text alone.",
    )
    roms_wa_interactive = fields.Json(
        string="Interactive Message",
        readonly=True,
        copy=False,
        help="Reply buttons, a list or a link button sent with the text: "
        '{"type": "button"|"list"|"cta_url", "header", "footer", "button" (the '
        'label opening a list), "options": [{"id", "title", "description"}, …], '
        '"url", "url_label", "numbered_hint"}. The Cloud API shows them as such; '
        "QR gateways send the options as numbered text, answered with the number.",
    )
    roms_automatic = fields.Boolean(
        string="Automatic",
        readonly=True,
        copy=False,
        help="Sent by ROMS itself (welcome, away, keyword auto-reply, menu bot), "
        "not by an agent: labelled in the conversation and never counted as an "
        "agent's response.",
    )
    roms_wa_account_id = fields.Many2one(
        "roms.whatsapp.account",
        string="WhatsApp Account",
        ondelete="set null",
        readonly=True,
        copy=False,
        help="The account the message left through: its receipts come from there.",
    )

    def init(self):  # pylint: disable=missing-return
        """Messages sent before receipts were matched per account get the account
        they most likely left through: their conversation's, or the only account
        of the shop. Others no longer take receipts (a wrong match is worse)."""
        super().init()
        self.env.execute_query(
            SQL(
                """UPDATE roms_message m SET roms_wa_account_id = c.roms_account_id
                     FROM discuss_channel c
                    WHERE m.roms_wa_account_id IS NULL AND m.channel = 'whatsapp'
                      AND m.provider_message_id IS NOT NULL
                      AND m.res_model = 'discuss.channel' AND c.id = m.res_id
                      AND c.roms_account_id IS NOT NULL"""
            )
        )
        self.env.execute_query(
            SQL(
                """UPDATE roms_message SET roms_wa_account_id = (
                           SELECT min(id) FROM roms_whatsapp_account)
                    WHERE roms_wa_account_id IS NULL AND channel = 'whatsapp'
                      AND provider_message_id IS NOT NULL
                      AND (SELECT count(*) FROM roms_whatsapp_account) = 1"""
            )
        )

    @api.model
    def _default_channel(self, partner):
        if (
            partner.roms_whatsapp_number
            and self.env["roms.whatsapp.account"]._default_account()
        ):
            return "whatsapp"
        return super()._default_channel(partner)

    @api.model
    def _recipient(self, partner, channel):
        if channel == "whatsapp":
            return partner.roms_whatsapp_number or False
        return super()._recipient(partner, channel)

    @api.model
    def _broadcast_default_channel(self):
        return "whatsapp"

    @api.model
    def _recipient_sql(self, channel, partner):
        if channel == "whatsapp":
            number = SQL.identifier(partner, "roms_whatsapp_number")
            return SQL(
                "CASE WHEN %s ~ %s THEN %s END", number, r"^\+[1-9]\d{7,14}$", number
            )
        return super()._recipient_sql(channel, partner)

    @api.model
    def _replied_since_sql(self, partner, since):
        """The customer wrote in one of their WhatsApp conversations after
        ``since``: an index probe on the conversation's customer."""
        self.env["discuss.channel"].flush_model(
            ["roms_partner_id", "roms_last_inbound_at", "channel_type"]
        )
        return SQL(
            """(%s OR EXISTS (SELECT 1 FROM discuss_channel wc
                          WHERE wc.roms_partner_id = %s
                            AND wc.channel_type = 'roms_whatsapp'
                            AND wc.roms_last_inbound_at > %s))""",
            super()._replied_since_sql(partner, since),
            SQL.identifier(partner, "id"),
            since,
        )

    # Sending
    # ------------------------------------------------------------------

    def _wa_wait_for_connection(self):
        """Whether this message waits for its account to reconnect (queued, retried
        by the cron) rather than failing at once. An agent's chat reply fails at
        once unless the setting ``roms_whatsapp.disconnected_replies`` is
        ``queue``: the agent must not believe the customer got it."""
        self.ensure_one()
        if self.kind != "chat":
            return True
        policy = self.env["ir.config_parameter"]._roms_param(
            DISCONNECTED_PARAM, DEFAULT_DISCONNECTED
        )
        return policy == "queue"

    def _wa_conversation(self):
        """The conversation (``discuss.channel``) this message belongs to: the one
        it was written in, else the customer's conversation on the default
        account (may be empty)."""
        self.ensure_one()
        Channel = self.env["discuss.channel"].sudo()
        if self.res_model == "discuss.channel" and self.res_id:
            return Channel.browse(self.res_id).exists()
        account = self.env["roms.whatsapp.account"]._default_account()
        if not account or not self.partner_id:
            return Channel
        return Channel.search(
            [
                ("channel_type", "=", "roms_whatsapp"),
                ("roms_account_id", "=", account.id),
                ("roms_partner_id", "=", self.partner_id.id),
            ],
            order="roms_last_inbound_at desc nulls last, id desc",
            limit=1,
        )

    def _wa_account(self, conversation):
        account = conversation.roms_account_id if conversation else False
        return account or self.env["roms.whatsapp.account"]._default_account()

    def _wa_check_window(self, conversation):
        """Meta's customer-service window: free text only within 24 hours of the
        customer's last inbound message."""
        last_inbound = conversation.roms_last_inbound_at if conversation else False
        if not last_inbound or fields.Datetime.now() - last_inbound > SERVICE_WINDOW:
            raise RomsSendError(
                self.env._(
                    "The customer has not written in the last 24 hours: the WhatsApp "
                    "Cloud API only accepts an approved template message now. Map "
                    "this message's template to an approved Meta template."
                ),
                code="outside_window",
            )

    def _wa_template_values(self):
        """The values of the ROMS variables for this message: its customer, its
        order (or reminded line's order and product, or, from a chat, the
        customer's last order)."""
        self.ensure_one()
        template = self.template_id or self.env["roms.message.template"]
        order = self.env["sale.order"]
        product = self.env["product.product"]
        line = self._roms_reminded_lines()
        if line:
            order = line.order_id
            product = line.product_id
        elif self.res_model == "sale.order" and self.res_id:
            order = order.browse(self.res_id).exists()
        elif self.res_model == "discuss.channel" and self.res_id:
            # a template sent from the chat: the customer's last order
            conversation = self.env["discuss.channel"].sudo().browse(self.res_id)
            if conversation.exists():
                order = conversation._roms_wa_last_order()
        return template._render_values(self.partner_id, order, product)

    def _wa_refuse_empty(self, template_name, placeholders):
        """A template is never sent with an empty variable (Meta would refuse
        it, a "-" would reach the customer): the message fails with the reason."""
        raise RomsSendError(
            self.env._(
                "Template %(template)s not sent: %(variables)s would be empty for "
                "this customer.",
                template=template_name,
                variables=", ".join(placeholders),
            ),
            code="empty_variable",
        )

    def _wa_template_parameters(self):
        """The body parameters ({{1}}, {{2}}, …) of the Meta template mapped by
        name: the values of the ROMS template's variables, in the order they
        appear."""
        self.ensure_one()
        template = self.template_id
        names = template_variables(template.body)[0]
        if not names:
            return []
        values = self._wa_template_values()
        parameters = [str(values.get(name, "")).strip() for name in names]
        empty = [f"{{{n}}}" for n, v in zip(names, parameters, strict=True) if not v]
        if empty:
            self._wa_refuse_empty(template.roms_meta_template_name, empty)
        return parameters

    def _wa_approved_template(self, account):
        """The approved WhatsApp template of ``account`` carrying this message's
        ROMS template, best in the customer's language (``id_ID`` → ``id``)."""
        self.ensure_one()
        if not self.template_id:
            return self.env["roms.whatsapp.template"]
        templates = (
            self.env["roms.whatsapp.template"]
            .sudo()
            .search(
                [
                    ("account_id", "=", account.id),
                    ("message_template_id", "=", self.template_id.id),
                    ("state", "=", "approved"),
                ],
                order="id",
            )
        )
        lang = self.partner_id.lang or self.env.lang or "id_ID"
        wanted = (lang, lang.split("_")[0])
        return (
            templates.filtered(lambda t: t.lang in wanted[:1])[:1]
            or templates.filtered(lambda t: t.lang in wanted)[:1]
            or templates[:1]
        )

    def _wa_send_meta_template(self, client, wa_template, to, button_payloads=None):
        """Send the approved ``wa_template`` with this message's values in its
        placeholders; refused when one would be empty. Its quick-reply buttons
        answer ``tpl:<ROMS template id>:<n>`` (the n-th quick reply) unless
        ``button_payloads`` are given."""
        self.ensure_one()
        values = self._wa_template_values()
        variables = wa_template.variable_ids.sorted("number")
        parameters = [
            str(values.get(v.variable, "")).strip() if v.variable else ""
            for v in variables
        ]
        empty = [
            v.placeholder + (f" ({{{v.variable}}})" if v.variable else "")
            for v, value in zip(variables, parameters, strict=True)
            if not value
        ]
        if empty:
            self._wa_refuse_empty(wa_template.name, empty)
        quick = [
            index
            for index, button in enumerate(wa_template.button_ids)
            if button.button_type == "quick_reply"
        ]
        if button_payloads is None:
            # the n-th quick reply answers as the ROMS template's option n
            button_payloads = [
                f"tpl:{self.template_id.id}:{n}" for n in range(1, len(quick) + 1)
            ]
        payloads = dict(zip(quick, button_payloads, strict=False))
        header_image_id = None
        if wa_template.header_type == "image" and wa_template.header_image:
            data = base64.b64decode(wa_template.sudo().header_image)
            header_image_id = client.upload_media(
                data,
                wa_template.header_image_filename or "header.jpg",
                guess_mimetype(data, default="image/jpeg"),
            )
        return client.send_template(
            to,
            wa_template.name,
            wa_template.lang,
            parameters,
            button_payloads=payloads,
            header_image_id=header_image_id,
        )

    def _wa_in_window(self, conversation):
        last_inbound = conversation.roms_last_inbound_at if conversation else False
        return bool(
            last_inbound and fields.Datetime.now() - last_inbound <= SERVICE_WINDOW
        )

    def _send_whatsapp(self):
        """Send this message through its conversation's account, else the default
        connected account; return the provider message id."""
        self.ensure_one()
        conversation = self._wa_conversation()
        account = self._wa_account(conversation)
        if not account:
            raise RomsSendError(
                self.env._("No WhatsApp account is connected."),
                code="no_account",
                temporary=True,
            )
        if account.state != "connected":
            raise RomsSendError(
                self.env._(
                    "The WhatsApp account %(account)s is disconnected.",
                    account=account.name,
                ),
                code="disconnected",
                temporary=self._wa_wait_for_connection(),
            )
        to = self.recipient or self._recipient(self.partner_id, "whatsapp")
        if not to:
            raise RomsSendError(
                self.env._("The customer has no WhatsApp number."),
                code="invalid_number",
            )
        client = account._client()
        template = self.template_id
        # receipts are matched within this account (rolled back if the send fails)
        self.roms_wa_account_id = account
        try:
            if self._roms_has_reply_buttons():
                return self._wa_send_with_replies(client, account, conversation, to)
            if account.provider == "meta" and not self._wa_in_window(conversation):
                wa_template = self._wa_approved_template(account)
                if wa_template:
                    return self._wa_send_meta_template(client, wa_template, to)
            if (
                account.provider == "meta"
                and template.roms_meta_template_name
                and not (self.roms_wa_interactive and self._wa_in_window(conversation))
            ):
                return client.send_template(
                    to,
                    template.roms_meta_template_name,
                    template.roms_meta_template_lang or "id",
                    self._wa_template_parameters(),
                )
            if account.provider == "meta":
                self._wa_check_window(conversation)
            if self.roms_wa_interactive:
                return client.send_interactive(
                    to, self.body or "", self.roms_wa_interactive
                )
            if self.attachment_ids:
                return self._wa_send_attachments(client, to)
            if account.provider == "meta" and self.roms_wa_buttons:
                return client.send_buttons(
                    to, self.body or "", [tuple(b) for b in self.roms_wa_buttons]
                )
            return client.send_text(to, self.body or "")
        except WhatsAppProviderError as error:
            raise RomsSendError(
                error.message, code=error.code, temporary=error.temporary
            ) from error

    def _wa_reply_buttons(self):
        """The reminder's reply buttons: ((payload, title), …), titled in the
        customer's language."""
        self.ensure_one()
        lang_env = self.with_context(lang=self.partner_id.lang or self.env.lang).env
        return [
            (self._roms_reply_payload("reorder"), lang_env._("Order again")),
            (self._roms_reply_payload("later"), lang_env._("Later")),
            (self._roms_reply_payload("stop"), lang_env._("Stop")),
        ]

    def _wa_numbered_replies_text(self):
        """The closing line of a reminder on a QR gateway, which has no buttons."""
        self.ensure_one()
        lang_env = self.with_context(lang=self.partner_id.lang or self.env.lang).env
        return lang_env._("Reply 1 = order again, 2 = later, 3 = stop")

    def _wa_send_with_replies(self, client, account, conversation, to):
        """A reminder with its replies: on the Cloud API reply buttons within the
        24-hour window, else the mapped approved template with the same payloads
        on its quick-reply buttons; on a QR gateway the text asks for a numbered
        reply."""
        self.ensure_one()
        template = self.template_id
        if account.provider != "meta":
            body = "\n\n".join(
                part
                for part in (self.body or "", self._wa_numbered_replies_text())
                if part
            )
            if self.attachment_ids:
                return self.with_context(roms_wa_body=body)._wa_send_attachments(
                    client, to
                )
            return client.send_text(to, body)
        buttons = self._wa_reply_buttons()
        if self._wa_in_window(conversation):
            return client.send_buttons(to, self.body or "", buttons)
        wa_template = self._wa_approved_template(account)
        if wa_template:
            return self._wa_send_meta_template(
                client,
                wa_template,
                to,
                button_payloads=[payload for payload, _title in buttons],
            )
        if template.roms_meta_template_name:
            return client.send_template(
                to,
                template.roms_meta_template_name,
                template.roms_meta_template_lang or "id",
                self._wa_template_parameters(),
                button_payloads=[payload for payload, _title in buttons],
            )
        self._wa_check_window(conversation)
        return client.send_buttons(to, self.body or "", buttons)

    def _wa_send_attachments(self, client, to):
        """One media per attachment, the body as the first one's caption. A
        failure after the first media was taken is permanent: a retry would send
        that media twice."""
        provider_id = False
        for index, attachment in enumerate(self.attachment_ids.sudo()):
            mimetype = attachment.mimetype or "application/octet-stream"
            try:
                provider_id = client.send_media(
                    to,
                    "image" if mimetype in IMAGE_MIMETYPES else "document",
                    attachment.raw,
                    attachment.name,
                    mimetype,
                    caption=self.env.context.get("roms_wa_body", self.body or "")
                    if index == 0
                    else "",
                )
            except WhatsAppProviderError as error:
                if index:
                    error.temporary = False
                    error.message = self.env._(
                        "Only the first %(count)s file(s) were sent: %(error)s",
                        count=index,
                        error=error.message,
                    )
                raise
        return provider_id

    def _roms_reply_notify(self, text):
        """The agent sees what a reminder's reply did in the customer's
        conversation (an internal note, never sent to the customer)."""
        result = super()._roms_reply_notify(text)
        conversation = self._wa_conversation()
        if conversation and conversation.channel_type == "roms_whatsapp":
            conversation.message_post(
                body=text, message_type="notification", subtype_xmlid="mail.mt_note"
            )
        return result

    # Live chat: delivery ticks
    # ------------------------------------------------------------------

    def write(self, vals):
        result = super().write(vals)
        if {"state", "error_message"} & vals.keys():
            self._wa_push_ticks()
        return result

    def _wa_push_ticks(self):
        """Show the new state of agents' replies in Discuss at once (bus)."""
        chats = self.filtered(lambda m: m.res_model == "discuss.channel")
        if not chats:
            return
        messages = (
            self.env["mail.message"]
            .sudo()
            .search([("roms_message_id", "in", chats.ids)])
        )
        for message in messages:
            message._bus_send_store(message, message._roms_wa_ticks_values())
