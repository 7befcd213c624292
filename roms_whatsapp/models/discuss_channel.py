from datetime import timedelta, timezone

from markupsafe import Markup, escape

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, html2plaintext, is_html_empty, plaintext2html

from odoo.addons.mail.tools.discuss import Store
from odoo.addons.roms_crm.models.payment.roms_payment_confirmation import PROOF_TYPES
from odoo.addons.roms_crm.tools.bounds import (
    NOTE_LENGTH,
    BoundsError,
    clean_text,
    without_bidi_controls,
)

PAYMENT_PROOF_TYPES = tuple(PROOF_TYPES)

IDLE_MINUTES_PARAM = "roms_whatsapp.idle_minutes"
DEFAULT_IDLE_MINUTES = 30
REASSIGN_MINUTES_PARAM = "roms_whatsapp.reassign_minutes"
DEFAULT_REASSIGN_MINUTES = 0  # off
REASSIGN_BATCH = 200
PANEL_ORDER_COUNT = 5
SERVICE_WINDOW = timedelta(hours=24)


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    channel_type = fields.Selection(
        selection_add=[("roms_whatsapp", "WhatsApp Conversation")],
        ondelete={"roms_whatsapp": "cascade"},
    )
    roms_partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        index="btree_not_null",
        ondelete="set null",
        help="The customer (or lead) who writes from this WhatsApp number.",
    )
    roms_wa_number = fields.Char(
        string="Customer WhatsApp Number",
        index="btree_not_null",
        readonly=True,
        help="The customer's number in E.164: one conversation per number and account.",
    )
    roms_agent_id = fields.Many2one(
        "res.users",
        string="Agent",
        index="btree_not_null",
        ondelete="set null",
        help="The CS agent in charge of this conversation; empty while it waits for "
        "an agent to come online.",
    )
    roms_agent_online = fields.Boolean(
        string="Agent Online", related="roms_agent_id.roms_online"
    )
    roms_account_id = fields.Many2one(
        "roms.whatsapp.account",
        string="WhatsApp Account",
        index="btree_not_null",
        ondelete="restrict",
    )
    roms_status = fields.Selection(
        [("open", "Open"), ("pending", "Pending"), ("resolved", "Resolved")],
        string="Status",
        default="open",
        index=True,
        readonly=True,
        help="Open: the customer waits for us. Pending: an agent replied, we wait "
        "for the customer. Resolved: done; a new message of the customer opens it "
        "again.",
    )
    roms_resolved_at = fields.Datetime(string="Resolved On", readonly=True)
    roms_last_reply_at = fields.Datetime(
        string="Last Agent Reply",
        readonly=True,
        help="When an agent last replied to the customer.",
    )
    roms_assigned_at = fields.Datetime(
        string="Assigned On",
        readonly=True,
        help="When the current agent got the conversation: the time to answer "
        "before it goes to another agent counts from here or from the customer's "
        "last message, whichever is later.",
    )
    roms_label_ids = fields.Many2many(
        "roms.whatsapp.label",
        string="Labels",
        help="Labels the agents give the conversation to sort and find it.",
    )
    roms_note = fields.Text(
        string="Internal Note",
        help="Seen by the shop's agents only, never sent to the customer.",
    )
    roms_last_inbound_at = fields.Datetime(
        string="Last Customer Message",
        readonly=True,
        help="When the customer last wrote: the 24-hour window of the Cloud API "
        "counts from here.",
    )

    _sql_constraints = [
        (
            "roms_wa_number_account_uniq",
            "UNIQUE(roms_account_id, roms_wa_number)",
            "There is already a conversation with this number on this account.",
        ),
    ]

    # ------------------------------------------------------------------
    # Inbound: the webhook hands messages over here
    # ------------------------------------------------------------------

    @api.model
    def _roms_wa_receive(self, account, values):
        """Post an inbound WhatsApp message in its conversation and return the
        ``mail.message``.

        ``values``: ``number`` (any format, normalised here), ``profile_name``,
        ``body``, ``provider_message_id``, ``timestamp`` (datetime) and
        ``attachment_ids`` (ids of ``ir.attachment``). The customer is found by
        normalised number or created as a lead named from the profile name; there is
        one conversation per (account, number); the conversation is (re)assigned by
        round-robin when it is new or was idle."""
        number = self.env["res.partner"]._roms_normalize_phone(values.get("number"))
        if not number:
            raise ValidationError(
                self.env._(
                    "The WhatsApp number %(number)s is not valid.",
                    number=values.get("number"),
                )
            )
        Channel = self.sudo()
        channel = Channel.search(
            [
                ("channel_type", "=", "roms_whatsapp"),
                ("roms_account_id", "=", account.id),
                ("roms_wa_number", "=", number),
            ],
            limit=1,
        )
        is_new = not channel
        if is_new:
            partner = self._roms_wa_find_customer(number, values.get("profile_name"))
            channel = Channel._roms_wa_create_conversation(account, partner, number)
        elif not channel.roms_partner_id:
            channel.roms_partner_id = self._roms_wa_find_customer(
                number, values.get("profile_name")
            )
        idle = not is_new and channel._roms_wa_is_idle()
        when = values.get("timestamp") or fields.Datetime.now()
        if isinstance(when, str):
            when = fields.Datetime.to_datetime(when)
        if when.tzinfo:
            when = when.astimezone(timezone.utc).replace(tzinfo=None)
        attachments = (
            self.env["ir.attachment"].sudo().browse(values.get("attachment_ids") or [])
        )
        # message_post only moves composer attachments: the received files belong
        # to the conversation
        attachments.write({"res_model": "discuss.channel", "res_id": channel.id})
        message = channel.message_post(
            author_id=channel.roms_partner_id.id,
            body=plaintext2html(values.get("body") or ""),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachment_ids=attachments.ids,
            roms_wa_direction="in",
        )
        channel.roms_last_inbound_at = max(when, channel.roms_last_inbound_at or when)
        if channel.roms_status != "open":
            # the customer writes again: the conversation needs us
            channel._roms_wa_set_status("open")
        if account.provider == "meta":
            # the 24-hour window shown in the composer starts again
            channel._roms_wa_push_store()
        if is_new or idle or not channel.roms_agent_id:
            channel._roms_wa_assign(reassign=idle, notify=is_new or idle)
        return message

    @api.model
    def _roms_wa_find_customer(self, number, profile_name=None):
        """The customer with this WhatsApp number, or a new lead named from the
        WhatsApp profile name."""
        Partner = self.env["res.partner"].sudo()
        partner = Partner.search(
            [("roms_whatsapp_number", "=", number)], order="id", limit=1
        )
        if not partner:
            partner = Partner.create(
                {
                    "name": without_bidi_controls(profile_name or "").strip() or number,
                    "mobile": number,
                    "roms_category": "lead",
                }
            )
            # a first-time customer shows "New Member" at once, not after the
            # nightly recomputation
            self.env["roms.segment"].sudo()._assign(partner)
        return partner

    @api.model
    def _roms_wa_create_conversation(self, account, partner, number):
        channel = self.sudo().create(
            {
                "name": self._roms_wa_channel_name(partner, number),
                "channel_type": "roms_whatsapp",
                "roms_account_id": account.id,
                "roms_partner_id": partner.id,
                "roms_wa_number": number,
                "channel_member_ids": [Command.create({"partner_id": partner.id})],
            }
        )
        # Discuss makes the creator (the webhook's user) a member: only the customer
        # and the agents belong in a conversation
        channel.channel_member_ids.filtered(lambda m: m.partner_id != partner).unlink()
        return channel

    @api.model
    def _roms_wa_channel_name(self, partner, number):
        """The conversation's name in Discuss's list: the customer's name (without
        the bidirectional controls that would show it reversed, whatever
        stored it) and their number."""
        name = " ".join(without_bidi_controls(partner.name or "").split())
        return f"{name} ({number})" if name and name != number else number

    def _roms_wa_is_idle(self):
        """True when nothing was said in the conversation for longer than the idle
        time (setting ``roms_whatsapp.idle_minutes``)."""
        self.ensure_one()
        minutes = self.env["ir.config_parameter"]._roms_param(
            IDLE_MINUTES_PARAM, DEFAULT_IDLE_MINUTES
        )
        last = self.last_interest_dt or self.create_date
        return bool(last) and fields.Datetime.now() - last > timedelta(minutes=minutes)

    # ------------------------------------------------------------------
    # Assignment (round-robin over the online CS agents)
    # ------------------------------------------------------------------

    def _roms_wa_lock(self):
        """Lock these conversations until commit: one agent per chat even when
        webhooks and agents act at the same time."""
        self.flush_recordset(["roms_agent_id"])
        self.env.execute_query(
            SQL(
                "SELECT id FROM discuss_channel WHERE id IN %s ORDER BY id FOR UPDATE",
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["roms_agent_id"])

    def _roms_wa_last_agent(self):
        """The agent who last had a conversation with this customer."""
        self.ensure_one()
        if self.roms_agent_id:
            return self.roms_agent_id
        if not self.roms_partner_id:
            return self.env["res.users"]
        other = self.sudo().search(
            [
                ("channel_type", "=", "roms_whatsapp"),
                ("roms_partner_id", "=", self.roms_partner_id.id),
                ("roms_agent_id", "!=", False),
                ("id", "!=", self.id),
            ],
            order="last_interest_dt desc, id desc",
            limit=1,
        )
        return other.roms_agent_id

    def _roms_wa_assign(self, reassign=False, notify=True):
        """Give this conversation an agent: its customer's last agent when online,
        else the next online agent in turn; nobody online → it waits unassigned and
        the ROMS admins are told. An assigned conversation keeps its agent unless
        ``reassign`` (it was idle). ``notify``: tell the admins when it has to wait.
        Return the agent (maybe empty)."""
        self.ensure_one()
        self._roms_wa_lock()
        if self.roms_agent_id and not reassign:
            return self.roms_agent_id
        last = self._roms_wa_last_agent()
        if last.roms_online and last.has_group("roms_crm.group_roms_cs"):
            agent = last
        else:
            agent = self.env["roms.whatsapp.rotation"]._next_agent()
        if agent != self.roms_agent_id:
            self._roms_wa_set_agent(agent)
        if not agent and notify:
            self._roms_wa_notify_admins()
        return agent

    def _roms_wa_set_agent(self, agent):
        """Make ``agent`` the agent of these conversations: they join them, the
        previous agent leaves. Only the new agent is told, once per conversation
        (``roms_whatsapp/assigned`` on the bus); the agents' waiting count follows."""
        lang = self._roms_wa_shop_lang()
        for channel in self.sudo().with_context(lang=lang):
            previous = channel.roms_agent_id
            channel.with_context(roms_wa_assigning=True).write(
                {
                    "roms_agent_id": agent.id,
                    "roms_assigned_at": fields.Datetime.now() if agent else False,
                }
            )
            if agent:
                channel.add_members(
                    partner_ids=agent.partner_id.ids, post_joined_message=False
                )
            if previous and previous != agent:
                channel._action_unfollow(partner=previous.partner_id)
            if agent and agent != previous:
                agent.partner_id._bus_send(
                    "roms_whatsapp/assigned",
                    {"id": channel.id, "name": channel.name},
                )
        if self:
            self._roms_wa_push_waiting()

    @api.model
    def _roms_wa_shop_lang(self):
        """The shop's language, in which ROMS and Discuss write the system messages
        of WhatsApp conversations (never the language of whoever triggered them)."""
        lang = self.env["ir.default"].sudo()._get("res.partner", "lang")
        lang = lang or self.env.company.partner_id.lang
        return lang if lang and self.env["res.lang"]._lang_get(lang) else "en_US"

    @api.model
    def _roms_wa_waiting_count(self):
        """How many WhatsApp conversations wait for an agent."""
        return self.sudo().search_count(
            [("channel_type", "=", "roms_whatsapp"), ("roms_agent_id", "=", False)]
        )

    @api.model
    def _roms_wa_push_waiting(self):
        """Tell the CS agents' top bars and banners how many chats wait."""
        count = self._roms_wa_waiting_count()
        group = self.env.ref("roms_crm.group_roms_cs")
        users = (
            self.env["res.users"]
            .sudo()
            .search([("groups_id", "in", group.ids), ("share", "=", False)])
        )
        users.partner_id._bus_send("roms_whatsapp/waiting", {"count": count})

    def _roms_wa_notify_admins(self):
        """Nobody is online: a system line in the conversation, in the shop's
        language, says it waits. Nobody joins and nothing pops up: the admins see
        the waiting conversations in the inbox and the agents' waiting count."""
        self.ensure_one()
        channel = self.sudo().with_context(lang=self._roms_wa_shop_lang())
        body = Markup('<div class="o_mail_notification">%s</div>') % channel.env._(
            "No customer service agent is online: this conversation waits for the "
            "next agent who goes online."
        )
        channel.message_post(
            body=body,
            author_id=self.env.ref("base.partner_root").id,
            message_type="notification",
            subtype_xmlid="mail.mt_note",
        )
        self._roms_wa_push_waiting()

    @api.model
    def _roms_wa_cron_reassign(self):
        """Nobody waits forever: an open conversation whose customer's message got
        no reply from its agent within the setting ``roms_whatsapp.reassign_minutes``
        (0: off) goes to the next online agent, or back to Unassigned with a notice
        to the admins. Rows are claimed with SKIP LOCKED: safe in several workers."""
        minutes = self.env["ir.config_parameter"]._roms_param(
            REASSIGN_MINUTES_PARAM, DEFAULT_REASSIGN_MINUTES
        )
        if minutes <= 0:
            return 0
        deadline = fields.Datetime.now() - timedelta(minutes=minutes)
        self.env["discuss.channel"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """SELECT id FROM discuss_channel
                    WHERE channel_type = 'roms_whatsapp'
                      AND roms_status = 'open'
                      AND roms_agent_id IS NOT NULL
                      AND roms_last_inbound_at < %(deadline)s
                      AND COALESCE(roms_assigned_at, roms_last_inbound_at)
                          < %(deadline)s
                      AND (roms_last_reply_at IS NULL
                           OR roms_last_reply_at < roms_last_inbound_at)
                 ORDER BY roms_last_inbound_at, id
                    LIMIT %(limit)s
               FOR UPDATE SKIP LOCKED""",
                deadline=deadline,
                limit=REASSIGN_BATCH,
            )
        )
        channels = self.sudo().browse([row[0] for row in rows])
        for channel in channels:
            channel._roms_wa_reassign_unanswered(minutes)
        return len(channels)

    def _roms_wa_reassign_unanswered(self, minutes):
        self.ensure_one()
        previous = self.roms_agent_id
        agent = self.env["roms.whatsapp.rotation"]._next_agent(exclude=previous)
        channel = self.sudo().with_context(lang=self._roms_wa_shop_lang())
        if agent:
            text = channel.env._(
                "No reply within %(minutes)s minutes: the conversation goes from "
                "%(previous)s to %(agent)s.",
                minutes=minutes,
                previous=previous.name,
                agent=agent.name,
            )
        else:
            text = channel.env._(
                "No reply within %(minutes)s minutes and no other agent is online: "
                "the conversation waits unassigned.",
                minutes=minutes,
            )
        self._roms_wa_set_agent(agent)
        channel.message_post(
            body=Markup('<div class="o_mail_notification">%s</div>') % text,
            author_id=self.env.ref("base.partner_root").id,
            message_type="notification",
            subtype_xmlid="mail.mt_note",
        )
        if not agent:
            group = self.env.ref("roms_crm.group_roms_admin")
            admins = (
                self.env["res.users"]
                .sudo()
                .search([("groups_id", "in", group.ids), ("share", "=", False)])
            )
            admins.partner_id._bus_send(
                "roms_whatsapp/unanswered",
                {"id": self.id, "name": self.name, "minutes": minutes},
            )
        return agent

    @api.model
    def _roms_wa_assign_waiting(self, agent):
        """``agent`` went online: they take the conversations that wait unassigned."""
        waiting = self.sudo().search(
            [("channel_type", "=", "roms_whatsapp"), ("roms_agent_id", "=", False)],
            order="roms_last_inbound_at, id",
        )
        if not waiting:
            return waiting
        waiting._roms_wa_lock()
        waiting = waiting.filtered(lambda c: not c.roms_agent_id)
        waiting._roms_wa_set_agent(agent)
        return waiting

    def write(self, vals):
        if "roms_agent_id" in vals and not self.env.context.get("roms_wa_assigning"):
            # reassignment by an admin: the new agent joins, the old one leaves
            is_admin = self.env.user.has_group("roms_crm.group_roms_admin")
            if not (self.env.su or is_admin):
                raise AccessError(
                    self.env._("Only ROMS administrators can reassign conversations.")
                )
            vals = dict(vals)
            agent = self.env["res.users"].browse(vals.pop("roms_agent_id"))
            if agent and not agent.has_group("roms_crm.group_roms_cs"):
                raise ValidationError(
                    self.env._(
                        "%(user)s is not a customer service agent.", user=agent.name
                    )
                )
            chats = self.filtered(lambda c: c.channel_type == "roms_whatsapp")
            if chats:
                chats._roms_wa_lock()
                chats._roms_wa_set_agent(agent)
            if not vals:
                return True
        return super().write(vals)

    def action_roms_assign_to_me(self):
        """The current agent takes these conversations (admins may take any, agents
        only unassigned ones)."""
        if not self.env.user.has_group("roms_crm.group_roms_cs"):
            raise AccessError(
                self.env._("Only customer service agents can take conversations.")
            )
        chats = self.sudo().filtered(lambda c: c.channel_type == "roms_whatsapp")
        chats._roms_wa_lock()
        if not self.env.user.has_group("roms_crm.group_roms_admin") and chats.filtered(
            lambda c: c.roms_agent_id and c.roms_agent_id != self.env.user
        ):
            raise UserError(
                self.env._(
                    "Only unassigned conversations can be taken; ask an administrator "
                    "to reassign the others."
                )
            )
        chats._roms_wa_set_agent(self.env.user)
        return True

    # ------------------------------------------------------------------
    # Status: open → pending (waiting on the customer) → resolved
    # ------------------------------------------------------------------

    def _roms_wa_set_status(self, status):
        """Move these conversations to ``status`` and tell their members' clients."""
        for channel in self.sudo():
            vals = {"roms_status": status}
            if status == "resolved":
                vals["roms_resolved_at"] = fields.Datetime.now()
            channel.write(vals)
            channel._roms_wa_push_store()

    def _roms_wa_check_agent(self):
        """Only the conversation's agent or a ROMS administrator changes it."""
        user = self.env.user
        if user.has_group("roms_crm.group_roms_admin"):
            return
        if not user.has_group("roms_crm.group_roms_cs") or any(
            chat.sudo().roms_agent_id != user for chat in self
        ):
            raise AccessError(
                self.env._(
                    "Only the conversation's agent or an administrator can do this."
                )
            )

    def action_roms_resolve(self):
        """The agent marks these conversations resolved."""
        chats = self.filtered(lambda c: c.channel_type == "roms_whatsapp")
        chats.check_access("read")
        chats._roms_wa_check_agent()
        chats.filtered(lambda c: c.roms_status != "resolved")._roms_wa_set_status(
            "resolved"
        )
        return True

    def action_roms_reopen(self):
        """The agent opens resolved conversations again."""
        chats = self.filtered(lambda c: c.channel_type == "roms_whatsapp")
        chats.check_access("read")
        chats._roms_wa_check_agent()
        chats.filtered(lambda c: c.roms_status != "open")._roms_wa_set_status("open")
        return True

    def roms_wa_set_note(self, note):
        """The agent writes the conversation's internal note from the panel."""
        self.ensure_one()
        self.check_access("read")
        if not self.env.user.has_group("roms_crm.group_roms_cs"):
            raise AccessError(self.env._("Only customer service agents can do this."))
        try:
            note = clean_text(note, NOTE_LENGTH, multiline=True)
        except BoundsError as error:
            raise UserError(str(error.message)) from error
        self.sudo().roms_note = note or False
        return self.roms_wa_panel_data()

    def roms_wa_set_labels(self, label_ids):
        """The agent sets the conversation's labels from the panel."""
        self.ensure_one()
        self.check_access("read")
        if not self.env.user.has_group("roms_crm.group_roms_cs"):
            raise AccessError(self.env._("Only customer service agents can do this."))
        if not isinstance(label_ids, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) and 0 < i < 2**31
            for i in label_ids
        ):
            raise UserError(self.env._("The labels are not valid."))
        labels = self.env["roms.whatsapp.label"].browse(label_ids).exists()
        self.sudo().roms_label_ids = [Command.set(labels.ids)]
        return self.roms_wa_panel_data()

    def action_roms_open_discuss(self):
        """Open the conversation in Discuss."""
        self.ensure_one()
        return {
            "type": "ir.actions.client",
            "tag": "mail.action_discuss",
            "params": {"active_id": f"discuss.channel_{self.id}"},
        }

    # ------------------------------------------------------------------
    # Outbound: agents reply from Discuss
    # ------------------------------------------------------------------

    def _get_message_create_valid_field_names(self):
        # given by ROMS's own code only, as superuser (mail.message refuses it
        # from anyone else)
        return super()._get_message_create_valid_field_names() | {"roms_wa_direction"}

    def _roms_wa_is_agent_reply(self, message_type, kwargs):
        """Whether a ``message_post`` is an agent's free-text reply to the
        customer (what the live chat sends through WhatsApp): a comment the
        user posts as themselves in a conversation, without a direction (ROMS's
        own posts give theirs)."""
        return (
            self.channel_type == "roms_whatsapp"
            and message_type == "comment"
            and "roms_wa_direction" not in kwargs
            and self.env.user._is_internal()
            and kwargs.get("author_id", self.env.user.partner_id.id)
            == self.env.user.partner_id.id
        )

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, *, message_type="notification", **kwargs):
        if "roms_wa_direction" in kwargs and not self.env.su:
            # a caller (Odoo's RPC) would make a message the customer's, or a
            # reply that is never sent: the direction is given by ROMS's own
            # code (the webhook's messages, the replies it sends), as superuser
            raise AccessError(self.env["mail.message"]._roms_wa_direction_refused())
        reply = self._roms_wa_is_agent_reply(message_type, kwargs)
        if reply:
            kwargs["body"] = self._roms_wa_fill_variables(kwargs.get("body"))
        message = super().message_post(message_type=message_type, **kwargs)
        if reply:
            # sudo: mail.message - the direction is ROMS's to set
            message.sudo().roms_wa_direction = "out"
            self._roms_wa_send_reply(message)
            self.sudo().roms_last_reply_at = fields.Datetime.now()
            if self.roms_status == "open":
                # answered: now the customer's turn
                self._roms_wa_set_status("pending")
        return message

    def _roms_wa_fill_variables(self, body):
        """Quick replies may hold template variables ({customer_name}…): fill them
        for this conversation's customer and their last order."""
        if not body or "{" not in str(body) or not self.roms_partner_id:
            return body
        partner = self.roms_partner_id
        order = (
            self.env["sale.order"]
            .sudo()
            .search(
                [
                    ("partner_id", "child_of", partner.commercial_partner_id.id),
                    ("state", "=", "sale"),
                ],
                order="date_order desc, id desc",
                limit=1,
            )
        )
        values = self.env["roms.message.template"]._render_values(
            partner, order, self.env["product.product"]
        )
        text = str(body)
        for name, value in values.items():
            # a value is computed only for a variable the reply uses (a link is
            # made only when the reply carries it)
            placeholder = f"{{{name}}}"
            if placeholder in text and value:
                text = text.replace(placeholder, str(escape(value)))
        return Markup(text) if isinstance(body, Markup) else text

    def _roms_wa_send_reply(self, message, **values):
        """An agent's reply ``message`` leaves through the conversation's WhatsApp
        account: a ``roms.message`` (channel whatsapp, kind chat, with ``values``)
        sent at once and linked to the reply for its delivery ticks."""
        self.ensure_one()
        text = "" if is_html_empty(message.body) else html2plaintext(message.body)
        roms_message = (
            self.env["roms.message"]
            .sudo()
            .create(
                {
                    "partner_id": self.roms_partner_id.id,
                    "channel": "whatsapp",
                    "kind": "chat",
                    "body": text.strip(),
                    "res_model": self._name,
                    "res_id": self.id,
                    "recipient": self.roms_wa_number,
                    "attachment_ids": [Command.set(message.attachment_ids.ids)],
                    **values,
                }
            )
        )
        message.sudo().roms_message_id = roms_message
        roms_message._send_now()
        message._bus_send_store(message, message._roms_wa_ticks_values())
        return roms_message

    def _roms_wa_route_reply(self, reply_id, message):
        """The customer answered an interactive message: ``reply_id`` is the id
        of the option they tapped (Cloud API) or numbered (QR gateways, mapped by
        ``roms.whatsapp.inbound._numbered_option``), ``message`` their message
        in this conversation. Ids are namespaced by prefix: ``bot:<entry>``
        (menu bot), ``rule:<id>`` (keyword rules), ``tpl:<template id>:<n>``
        (buttons of a message template); each part extends this method and
        returns True when it handled the answer. An unhandled answer stays a
        chat message for the agent."""
        return False

    # ------------------------------------------------------------------
    # Discuss client
    # ------------------------------------------------------------------

    def _to_store(self, store: Store):
        result = super()._to_store(store)
        for channel in self.filtered(lambda c: c.channel_type == "roms_whatsapp"):
            store.add(channel, channel._roms_wa_store_values())
        return result

    def _roms_wa_push_store(self):
        """Send the conversations' ROMS values to their members' clients."""
        for channel in self:
            channel._bus_send_store(channel, channel._roms_wa_store_values())

    def _roms_wa_store_values(self):
        """What the Discuss client knows of a conversation: its agent, ROMS's
        presence of its members (the one "online" shown), its account's connection
        and the end of the Cloud API's 24-hour window."""
        self.ensure_one()
        channel = self.sudo()
        account = channel.roms_account_id
        window_end = False
        if account.provider == "meta" and channel.roms_last_inbound_at:
            window_end = channel.roms_last_inbound_at + SERVICE_WINDOW
        members = channel.channel_member_ids.partner_id.user_ids
        return {
            "roms_wa_number": channel.roms_wa_number,
            "roms_agent_id": channel.roms_agent_id.id,
            "roms_status": channel.roms_status,
            "roms_partner_id": channel.roms_partner_id.id,
            "roms_online_partner_ids": members.filtered("roms_online").partner_id.ids,
            "roms_wa_account_state": account.state or False,
            "roms_wa_account_name": account.name or False,
            "roms_wa_window_end": window_end and fields.Datetime.to_string(window_end),
        }

    def roms_wa_panel_data(self):
        """Everything the customer panel of a conversation shows, in one call."""
        self.ensure_one()
        self.check_access("read")
        partner = self.sudo().roms_partner_id
        if not partner:
            return {"partner": False}
        orders = (
            self.env["sale.order"]
            .sudo()
            .search(
                [
                    ("partner_id", "child_of", partner.commercial_partner_id.id),
                    ("state", "!=", "cancel"),
                ],
                order="date_order desc, id desc",
                limit=PANEL_ORDER_COUNT,
            )
        )
        data = {
            "partner": partner._roms_panel_partner_values(),
            "orders": [
                {
                    "id": order.id,
                    "name": order.name,
                    # the order's day where the agent is, written in her
                    # language's format by the panel
                    "date": fields.Date.to_string(
                        fields.Datetime.context_timestamp(self, order.date_order)
                    ),
                    "amount": order.amount_total,
                    "amount_display": order.currency_id.format(order.amount_total),
                    "state": dict(
                        order._fields["state"]._description_selection(self.env)
                    ).get(order.state),
                    "awaits_payment": order._roms_awaits_payment(),
                }
                for order in orders
            ],
            "status": self.roms_status,
            "status_label": dict(
                self._fields["roms_status"]._description_selection(self.env)
            ).get(self.roms_status),
            "labels": [
                {"id": label.id, "name": label.name, "color": label.color}
                for label in self.sudo().roms_label_ids
            ],
            "all_labels": [
                {"id": label.id, "name": label.name, "color": label.color}
                for label in self.env["roms.whatsapp.label"].search([])
            ],
            "note": self.sudo().roms_note or "",
            "can_resolve": self.env.user.has_group("roms_crm.group_roms_admin")
            or self.sudo().roms_agent_id == self.env.user,
            "agent": self.sudo().roms_agent_id.name or "",
            # ROMS's presence, the one "online" of the live chat
            "agent_online": self.sudo().roms_agent_id.roms_online,
            "has_proof": bool(self._roms_wa_last_proof()),
        }
        return data

    def _roms_wa_last_proof(self):
        """The customer's last picture or PDF in this conversation (sudo)."""
        self.ensure_one()
        partner = self.sudo().roms_partner_id
        if not partner:
            return self.env["ir.attachment"]
        message = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", "discuss.channel"),
                    ("res_id", "=", self.id),
                    ("author_id", "=", partner.id),
                    ("attachment_ids.mimetype", "in", list(PAYMENT_PROOF_TYPES)),
                ],
                order="id desc",
                limit=1,
            )
        )
        return message.attachment_ids.filtered(
            lambda a: a.mimetype in PAYMENT_PROOF_TYPES
        )[-1:]

    def roms_wa_attach_payment_proof(self, order_id):
        """The agent attaches the customer's last picture (or PDF) of this chat to
        one of the customer's orders awaiting payment, as a bank transfer
        confirmation to verify."""
        self.ensure_one()
        self.check_access("read")
        partner = self.sudo().roms_partner_id
        if self.channel_type != "roms_whatsapp" or not partner:
            raise UserError(self.env._("This is not a WhatsApp conversation."))
        order = (
            self.env["sale.order"]
            .sudo()
            .search(
                [
                    ("id", "=", int(order_id)),
                    ("partner_id", "child_of", partner.commercial_partner_id.id),
                ]
            )
        )
        if not order or not order._roms_awaits_payment():
            raise UserError(
                self.env._("This order of the customer does not wait for a payment.")
            )
        attachment = self._roms_wa_last_proof()
        if not attachment:
            raise UserError(
                self.env._("The customer has sent no picture or PDF in this chat.")
            )
        self.env["roms.payment.confirmation"].check_access("create")
        data, name, mimetype = self.env["roms.payment.confirmation"]._check_proof(
            attachment.raw, attachment.name
        )
        confirmation = (
            self.env["roms.payment.confirmation"]
            .sudo()
            .create(
                {
                    "order_id": order.id,
                    "amount": order._roms_amount_due(),
                    "paid_on": fields.Date.context_today(self),
                    "proof": data,
                    "proof_name": name,
                    "proof_mimetype": mimetype,
                    "source": "whatsapp",
                }
            )
        )
        order.message_post(
            body=self.env._(
                "Payment proof from the WhatsApp chat attached by %(agent)s, to "
                "verify.",
                agent=self.env.user.name,
            ),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return confirmation.id

    def roms_wa_rename_customer(self, name):
        """The agent renames the customer from the chat ("Budi123" → "Budi Santoso")."""
        self.ensure_one()
        self.check_access("read")
        name = (name or "").strip()
        if not name:
            raise UserError(self.env._("The customer's name cannot be empty."))
        if self.channel_type != "roms_whatsapp" or not self.roms_partner_id:
            raise UserError(self.env._("This is not a WhatsApp conversation."))
        self.roms_partner_id.check_access("write")
        self.roms_partner_id.name = name
        self.sudo().name = self._roms_wa_channel_name(
            self.roms_partner_id, self.roms_wa_number
        )
        return self.roms_wa_panel_data()
