"""Replies to a reminder: "Pesan lagi" / "Nanti" / "Berhenti".

Every reminder gets a random reply token when it is queued. A channel that can
carry buttons puts ``roms:<action>:<token>`` in each button's payload; a channel
that cannot asks for a numbered reply and finds the reminder by the number it went
to (roms_whatsapp). Either way the reply lands in :meth:`_roms_handle_reply`, which
locks the reminder's row, so that a second tap, a "1" after a button or two
webhooks at once never order, snooze or opt out twice.
"""

import re
import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, consteq

LATER_DAYS_PARAM = "roms_crm.reply_later_days"
DEFAULT_LATER_DAYS = 7
REPLY_ORDER_STATE_PARAM = "roms_crm.reply_order_state"
DEFAULT_REPLY_ORDER_STATE = "quotation"
REPLY_ACTIONS = ("reorder", "later", "stop")
# the messages that carry the reply buttons
REPLY_KINDS = ("reminder", "followup")
PAYLOAD_RE = re.compile(r"^roms:(reorder|later|stop):([A-Za-z0-9_-]{16,64})$")


class RomsMessageReply(models.Model):
    _inherit = "roms.message"

    reply_token = fields.Char(
        copy=False,
        readonly=True,
        index="btree_not_null",
        groups="base.group_system",
        help="Random secret carried by the reply buttons of this reminder.",
    )
    parent_id = fields.Many2one(
        "roms.message",
        string="First Message",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The reminder this message repeats (the customer answered 'Later') "
        "or follows up (the rule's second step).",
    )
    step = fields.Integer(
        readonly=True,
        help="Cart recovery: the first (1) or second (2) message about the cart.",
    )
    reply_snooze_id = fields.Many2one(
        "roms.message",
        string="Repeated As",
        readonly=True,
        ondelete="set null",
        help="The reminder queued again because the customer answered 'Later'.",
    )
    reply_order_id = fields.Many2one(
        "sale.order",
        string="Ordered Again As",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The order created when the customer answered 'Order again'.",
    )
    replied_at = fields.Datetime(
        string="Answered On",
        readonly=True,
        copy=False,
        help="When the customer first answered with a reply button or number.",
    )

    def init(self):  # pylint: disable=missing-return
        super().init()
        # never two follow-ups of a reminder, never a cart's step or an order's
        # review request twice, whatever runs concurrently
        for name, columns, where in (
            ("roms_message_followup_uniq", "parent_id", "kind = 'followup'"),
            (
                "roms_message_cart_recovery_uniq",
                "res_id, step",
                "kind = 'cart_recovery'",
            ),
            ("roms_message_review_request_uniq", "res_id", "kind = 'review_request'"),
        ):
            self.env.cr.execute(
                SQL(
                    "CREATE UNIQUE INDEX IF NOT EXISTS %s ON roms_message (%s) "
                    "WHERE %s",
                    SQL.identifier(name),
                    SQL(columns),
                    SQL(where),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        # the token is an administrators' field: set as superuser for others
        privileged = self.env.su or self.env.user.has_group("base.group_system")
        for vals in vals_list:
            if (
                privileged
                and vals.get("kind") in REPLY_KINDS
                and not vals.get("reply_token")
            ):
                vals["reply_token"] = secrets.token_urlsafe(18)
        messages = super().create(vals_list)
        if not privileged:
            for message in messages.sudo().filtered(
                lambda m: m.kind in REPLY_KINDS and not m.reply_token
            ):
                message.reply_token = secrets.token_urlsafe(18)
        return messages

    # ------------------------------------------------------------- payloads

    def _roms_reply_payload(self, action):
        """The payload of this reminder's ``action`` button."""
        self.ensure_one()
        return f"roms:{action}:{self.sudo().reply_token}"

    def _roms_has_reply_buttons(self):
        """Whether this message offers the reply buttons (a reminder with its
        token)."""
        self.ensure_one()
        return self.kind in REPLY_KINDS and bool(self.sudo().reply_token)

    @api.model
    def _roms_from_reply_payload(self, payload):
        """(reminder (sudo), action) of a button payload; an empty recordset and
        None for anything that is not exactly one of ours (forged, unknown, too
        long or of another type)."""
        empty = self.sudo().browse(), None
        if not isinstance(payload, str) or len(payload) > 100:
            return empty
        match = PAYLOAD_RE.match(payload)
        if not match:
            return empty
        action, token = match.groups()
        message = self.sudo().search(
            [("reply_token", "=", token), ("kind", "in", REPLY_KINDS)], limit=1
        )
        if not message or not consteq(message.reply_token, token):
            return empty
        return message, action

    # ------------------------------------------------------------- settings

    @api.model
    def _roms_later_days(self):
        days = self.env["ir.config_parameter"]._roms_param(
            LATER_DAYS_PARAM, DEFAULT_LATER_DAYS
        )
        return min(max(days, 1), 90)

    @api.model
    def _roms_reply_confirms(self):
        """Whether "Order again" confirms the order at once (else a quotation)."""
        param = self.env["ir.config_parameter"].sudo().get_param
        return param(REPLY_ORDER_STATE_PARAM, DEFAULT_REPLY_ORDER_STATE) == "confirmed"

    # ------------------------------------------------------------- handling

    def _roms_handle_reply(self, action):
        """Apply the customer's answer ``action`` (``reorder``, ``later``,
        ``stop``) to this reminder, once: returns the order, the repeated
        reminder or the customer for what was done now, False when it was done
        before (nothing is written then)."""
        self.ensure_one()
        if action not in REPLY_ACTIONS:
            return False
        message = self.sudo()
        first = message.parent_id or message
        # one answer at a time per reminder (and its repetition or follow-up): a
        # second webhook waits here, then sees what the first one did
        self.env.cr.execute(
            SQL("SELECT id FROM roms_message WHERE id = %s FOR UPDATE", first.id)
        )
        (message | first).invalidate_recordset(["reply_order_id", "reply_snooze_id"])
        if not message.replied_at:
            message.replied_at = fields.Datetime.now()
        return getattr(message, f"_roms_reply_{action}")()

    def _roms_reminded_lines(self):
        """The order lines this reminder was about."""
        self.ensure_one()
        reminder = self.parent_id or self
        return reminder.sale_order_line_id

    def _roms_reply_reorder(self):
        """ "Order again": an order of the reminded lines at today's prices, through
        the customer's reorder link (the same rules: products still sold, one order
        per link), a quotation or a confirmed order per the setting; the customer
        gets its link and how to pay, the agent sees it."""
        reminder = self.parent_id or self
        if reminder.reply_order_id:
            return False
        partner = self.partner_id
        lines = self._roms_reminded_lines()
        Link = self.env["roms.reorder.link"].sudo()
        placed = Link._placed_since(partner, lines, reminder.create_date)
        if placed:
            # ordered with the reminder's link already: that is the order
            reminder.reply_order_id = placed
            self._roms_reply_notify(
                self.env._(
                    "The customer answered 'Order again' to a reminder they had "
                    "already ordered from with its link: %(order)s.",
                    order=placed.name,
                )
            )
            return False
        link = Link._get_or_create(partner, lines)
        if not link or link._status() != "open":
            self._roms_reply_notify(
                self.env._(
                    "The customer answered 'Order again' to a reminder, but its "
                    "products can no longer be ordered this way: please help them "
                    "in the chat."
                )
            )
            return False
        offer = link._offer()[0]
        if not offer:
            self._roms_reply_notify(
                self.env._(
                    "The customer answered 'Order again' but the reminded products "
                    "are no longer sold: please help them in the chat."
                )
            )
            return False
        address = partner if partner in link._addresses() else link._addresses()[:1]
        confirm = self._roms_reply_confirms()
        try:
            # placed by the button, not by opening the link: attributed below
            order = link.with_context(roms_attribution_skip=True)._place(
                {entry["product"]: entry["qty"] for entry in offer},
                address,
                confirm=confirm,
            )
        except UserError as error:
            # nothing was ordered (e.g. stock short and the shop refuses that)
            self._roms_reply_notify(
                self.env._(
                    "The customer answered 'Order again' to a reminder, but the "
                    "order could not be placed: %(reason)s Please help them in "
                    "the chat.",
                    reason=error.args[0] if error.args else "",
                )
            )
            return False
        order._roms_attribute_to_message(reminder, "reply_button")
        reminder.reply_order_id = order
        if self.reply_snooze_id.state == "queued":
            # ordered: the repeated reminder is no longer wanted
            self.reply_snooze_id.action_roms_cancel()
        if not confirm:
            # a confirmed order's own confirmation already offers how to pay
            self._roms_reply_acknowledge(self._roms_reorder_ack_body(order), order)
        self._roms_reply_notify(
            self.env._(
                "The customer answered 'Order again' to a reminder: %(order)s was "
                "created for them.",
                order=order.name,
            )
        )
        return order

    def _roms_reorder_ack_body(self, order):
        """What the customer gets after "Order again": the payment information
        template for the order, its link and the payment link."""
        partner = self.partner_id
        lang = partner.lang or self.env.lang
        SaleOrder = self.env["sale.order"]
        template = SaleOrder._roms_message_template("payment_info")
        order_lang = order.sudo().with_context(lang=lang)
        lines = []
        if template:
            body = template.with_context(lang=lang)._render(
                partner=partner, order=order_lang
            )
        else:
            body = order_lang.env._(
                "Your order %(order)s is ready.", order=order_lang.name
            )
        lines.append(body)
        lines.append(
            order_lang.env._(
                "Your order: %(link)s",
                link=order_lang.get_base_url() + order_lang.get_portal_url(),
            )
        )
        if template:
            return order_lang._roms_offer_payment(template, "\n".join(lines))
        return "\n".join(lines)

    def _roms_reply_later(self):
        """ "Later": the reminder once more after the setting's days (a repeated
        reminder is not repeated again)."""
        if self.parent_id or self.reply_snooze_id or self.reply_order_id:
            return False
        days = self._roms_later_days()
        when = fields.Datetime.now() + timedelta(days=days)
        snooze = self.create(
            {
                "partner_id": self.partner_id.id,
                "channel": self.channel,
                "kind": "reminder",
                "body": self.body,
                "template_id": self.template_id.id,
                "res_model": self.res_model,
                "res_id": self.res_id,
                "recipient": self.recipient,
                "reminder_rule_id": self.reminder_rule_id.id,
                "parent_id": self.id,
                "attachment_ids": [fields.Command.set(self.attachment_ids.ids)],
                "next_attempt_at": when,
            }
        )
        self.reply_snooze_id = snooze
        partner = self.partner_id
        lang_env = self.with_context(lang=partner.lang or self.env.lang).env
        self._roms_reply_acknowledge(
            lang_env._(
                "Sure! We will remind you again in %(days)s days.",
                days=days,
            )
        )
        self._roms_reply_notify(
            self.env._(
                "The customer answered 'Later' to a reminder: it is sent again in "
                "%(days)s days.",
                days=days,
            )
        )
        return snooze

    def _roms_reply_stop(self):
        """ "Stop": the customer is opted out and told so politely."""
        partner = self.partner_id
        if partner.roms_opt_out:
            return False
        partner._roms_set_opt_out(
            True,
            message=self.env._("Opted out with the Stop button of a reminder."),
        )
        for message in self | self.reply_snooze_id:
            if message.state == "queued" and message.kind == "reminder":
                message.action_roms_cancel()
        lang_env = self.with_context(lang=partner.lang or self.env.lang).env
        self._roms_reply_acknowledge(
            lang_env._(
                "Done: you will receive no more reminders or promotions from us. "
                "Your orders are still confirmed here. Thank you!"
            )
        )
        self._roms_reply_notify(
            self.env._("The customer answered 'Stop' to a reminder and opted out.")
        )
        return partner

    def _roms_reply_acknowledge(self, body, order=None):
        """Queue the answer to the customer's reply: transactional (not capped,
        sent to opted-out customers too), on the reminder's channel and number."""
        self.ensure_one()
        return self.create(
            {
                "partner_id": self.partner_id.id,
                "channel": self.channel,
                "kind": "manual",
                "body": body,
                "res_model": "sale.order" if order else self.res_model,
                "res_id": order.id if order else self.res_id,
                "recipient": self.recipient,
            }
        )

    def _roms_reply_notify(self, text):
        """Hook: tell the shop what a reply did. Here on the reminded order;
        roms_whatsapp posts it in the customer's conversation for the agent."""
        self.ensure_one()
        order = self._roms_reminded_lines().order_id
        if order:
            order.sudo().message_post(
                body=text, message_type="comment", subtype_xmlid="mail.mt_note"
            )
