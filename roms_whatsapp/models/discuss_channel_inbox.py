"""The WhatsApp inbox of a CS team, on top of the live chat (discuss_channel.py):
its views in Discuss (Unassigned, Mine, All open, Resolved with their counts), one
conversation per customer number and account (older threads merged), approved
templates once the Cloud API's 24-hour window is closed, and the customer panel's
actions (the last order's status, a portal or catalogue link, quick replies)."""

import re
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import plaintext2html

from odoo.addons.mail.tools.discuss import Store

from .discuss_channel import SERVICE_WINDOW

INBOX_VIEWS = ("unassigned", "mine", "open", "resolved")
# conversations of a view loaded in the Discuss sidebar at once
INBOX_LIMIT = 80
# quick replies and templates the composer's picker lists
QUICK_REPLY_LIMIT = 200
#: the answer to an option of a ROMS message template: tpl:<template id>:<n>
TEMPLATE_REPLY = re.compile(r"tpl:([1-9][0-9]{0,9}):([1-9][0-9]?)")
#: how long after the template was sent its options are answered
TEMPLATE_REPLY_WINDOW = timedelta(days=7)


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    # ------------------------------------------------------------------
    # Inbox views in Discuss
    # ------------------------------------------------------------------

    def _roms_wa_check_cs(self):
        if not self.env.user.has_group("roms_crm.group_roms_cs"):
            raise AccessError(self.env._("Only customer service agents can do this."))

    @api.model
    def _roms_wa_inbox_domain(self, view):
        """The conversations of an inbox view (the ROMS list's filters of the same
        names)."""
        domain = [("channel_type", "=", "roms_whatsapp")]
        if view == "unassigned":
            return domain + [
                ("roms_agent_id", "=", False),
                ("roms_status", "!=", "resolved"),
            ]
        if view == "mine":
            return domain + [
                ("roms_agent_id", "=", self.env.uid),
                ("roms_status", "!=", "resolved"),
            ]
        if view == "open":
            return domain + [("roms_status", "!=", "resolved")]
        if view == "resolved":
            return domain + [("roms_status", "=", "resolved")]
        raise UserError(self.env._("Unknown inbox view."))

    @api.model
    def _roms_wa_inbox_counts(self):
        """How many conversations each inbox view holds, in one query."""
        counts = dict.fromkeys(INBOX_VIEWS, 0)
        groups = self._read_group(
            [("channel_type", "=", "roms_whatsapp")],
            ["roms_status", "roms_agent_id"],
            ["__count"],
        )
        for status, agent, count in groups:
            if status == "resolved":
                counts["resolved"] += count
                continue
            counts["open"] += count
            if not agent:
                counts["unassigned"] += count
            elif agent.id == self.env.uid:
                counts["mine"] += count
        return counts

    @api.model
    def roms_wa_inbox(self, view="open"):
        """An inbox view for the Discuss sidebar: the counts of every view, and the
        view's conversations (the most recent first) as Discuss store data, members
        of them or not (CS agents read every WhatsApp conversation)."""
        self._roms_wa_check_cs()
        if view not in INBOX_VIEWS:
            raise UserError(self.env._("Unknown inbox view."))
        chats = self.search(
            self._roms_wa_inbox_domain(view),
            order="last_interest_dt desc, id desc",
            limit=INBOX_LIMIT,
        )
        return {
            "view": view,
            "counts": self._roms_wa_inbox_counts(),
            "ids": chats.ids,
            # the user reads these conversations (record rules, above) but not
            # the members of those they do not belong to
            "store": Store(chats.sudo()).get_result(),
        }

    @api.model
    def roms_wa_inbox_action(self, view="open"):
        """The ROMS list of WhatsApp conversations filtered as an inbox view, where
        the agent also filters by account, label and agent."""
        self._roms_wa_check_cs()
        if view not in INBOX_VIEWS:
            raise UserError(self.env._("Unknown inbox view."))
        admin = self.env.user.has_group("roms_crm.group_roms_admin")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "roms_whatsapp.discuss_channel_action_roms_whatsapp_admin"
            if admin
            else "roms_whatsapp.discuss_channel_action_roms_whatsapp"
        )
        filters = {
            "unassigned": ("unassigned",),
            "mine": ("my_chats", "all_open"),
            "open": ("all_open",),
            "resolved": ("resolved",),
        }[view]
        action["context"] = {
            **({"roms_wa_admin": 1} if admin else {}),
            **{f"search_default_{name}": 1 for name in filters},
        }
        return action

    # ------------------------------------------------------------------
    # One conversation per customer number and account
    # ------------------------------------------------------------------

    @api.model
    def _roms_wa_duplicate_groups(self):
        """The WhatsApp conversations by (account, normalised number): older
        threads had the number in another format, or no account (those go to the
        default account). Return ``{(account_id, number): channels}``, each
        recordset ordered by id."""
        Partner = self.env["res.partner"]
        default_account = self.env["roms.whatsapp.account"]._default_account()
        groups = defaultdict(lambda: self.browse())
        chats = self.sudo().search([("channel_type", "=", "roms_whatsapp")], order="id")
        for chat in chats:
            raw = chat.roms_wa_number or chat.roms_partner_id.roms_whatsapp_number
            number = Partner._roms_normalize_phone(raw) if raw else False
            account = chat.roms_account_id or default_account
            if number and account:
                groups[account.id, number] |= chat
        return groups

    @api.model
    def _roms_wa_merge_duplicates(self):
        """Merge every customer's older WhatsApp threads of a number and account
        into one conversation; return how many threads were merged away."""
        merged = 0
        for (account_id, number), chats in self._roms_wa_duplicate_groups().items():
            target = chats.sorted(
                lambda c: (c.roms_last_inbound_at or c.create_date, c.id)
            )[-1]
            others = chats - target
            if others:
                target._roms_wa_merge(others)
                merged += len(others)
            key = (target.roms_account_id.id, target.roms_wa_number)
            if key != (account_id, number):
                target.write({"roms_account_id": account_id, "roms_wa_number": number})
        return merged

    def _roms_wa_merge(self, others):
        """Move ``others`` (older threads of this conversation's number) into this
        conversation: their messages (which keep their order), files and outbound
        messages, labels, notes and agent; then delete them, so that Discuss shows
        the customer once."""
        self.ensure_one()
        target = self.sudo()
        others = others.sudo()
        (target | others)._roms_wa_lock()
        chats = target | others
        self.env["mail.message"].sudo().search(
            [("model", "=", "discuss.channel"), ("res_id", "in", others.ids)]
        ).write({"res_id": target.id})
        self.env["ir.attachment"].sudo().search(
            [("res_model", "=", "discuss.channel"), ("res_id", "in", others.ids)]
        ).write({"res_id": target.id})
        self.env["roms.message"].sudo().search(
            [("res_model", "=", "discuss.channel"), ("res_id", "in", others.ids)]
        ).write({"res_id": target.id})
        # the agents' figures of the older threads stay with the conversation
        self.env["roms.whatsapp.episode"].sudo().search(
            [("channel_id", "in", others.ids)]
        ).write({"channel_id": target.id})
        notes = [
            chat.roms_note for chat in chats.sorted("id") if chat.roms_note
        ]  # oldest first
        statuses = set(chats.mapped("roms_status"))
        dates = {
            name: max(filter(None, chats.mapped(name)), default=False)
            for name in (
                "roms_last_inbound_at",
                "roms_last_reply_at",
                "last_interest_dt",
            )
        }
        agent = (
            target.roms_agent_id
            or others.sorted(lambda c: (c.last_interest_dt or c.create_date, c.id))
            .filtered("roms_agent_id")[-1:]
            .roms_agent_id
        )
        partner = (
            target.roms_partner_id
            or others.filtered("roms_partner_id")[-1:].roms_partner_id
        )
        vals = {
            **dates,
            "roms_partner_id": partner.id,
            "roms_label_ids": [Command.set(chats.roms_label_ids.ids)],
            "roms_note": "\n\n".join(dict.fromkeys(notes)) or False,
            "roms_status": "open"
            if "open" in statuses
            else ("pending" if "pending" in statuses else "resolved"),
        }
        others.unlink()
        target.write(vals)
        if agent and not target.roms_agent_id:
            target.with_context(roms_wa_assigning=True).write(
                {"roms_agent_id": agent.id, "roms_assigned_at": fields.Datetime.now()}
            )
        members = target.channel_member_ids.partner_id
        if partner and partner not in members:
            target.add_members(partner_ids=partner.ids, post_joined_message=False)
        if agent and agent.partner_id not in members:
            target.add_members(
                partner_ids=agent.partner_id.ids, post_joined_message=False
            )
        channel = target.with_context(lang=self._roms_wa_shop_lang())
        channel.message_post(
            body=Markup('<div class="o_mail_notification">%s</div>')
            % channel.env._(
                "%(count)s older conversation(s) of this number were merged into "
                "this one.",
                count=len(others),
            ),
            author_id=self.env.ref("base.partner_root").id,
            message_type="notification",
            subtype_xmlid="mail.mt_note",
        )
        return target

    def action_roms_merge_duplicates(self):
        """For the ROMS administrators: merge the duplicate conversations of every
        customer number and account (the same runs when the module is updated)."""
        if not self.env.user.has_group("roms_crm.group_roms_admin"):
            raise AccessError(
                self.env._("Only ROMS administrators can merge conversations.")
            )
        merged = self.env["discuss.channel"]._roms_wa_merge_duplicates()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if merged else "info",
                "message": self.env._(
                    "%(count)s older conversation(s) merged.", count=merged
                )
                if merged
                else self.env._("No duplicate conversation found."),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ------------------------------------------------------------------
    # The Cloud API's 24-hour window: approved templates only once it is closed
    # ------------------------------------------------------------------

    def _roms_wa_window_closed(self):
        """Whether the Cloud API only takes approved templates in this
        conversation now (its customer has not written for 24 hours)."""
        self.ensure_one()
        chat = self.sudo()
        if chat.channel_type != "roms_whatsapp":
            return False
        if chat.roms_account_id.provider != "meta":
            return False
        last = chat.roms_last_inbound_at
        return not last or fields.Datetime.now() - last > SERVICE_WINDOW

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, *, message_type="notification", **kwargs):
        if (
            len(self) == 1
            and self._roms_wa_is_agent_reply(message_type, kwargs)
            and self._roms_wa_window_closed()
        ):
            # refused here, not only hidden in the composer: nothing is written
            raise UserError(
                self.env._(
                    "The customer has not written for 24 hours: the WhatsApp Cloud "
                    "API only delivers approved templates now. Choose a template "
                    "instead of free text."
                )
            )
        return super().message_post(message_type=message_type, **kwargs)

    def _roms_wa_last_order(self, confirmed=True):
        """The customer's last order (confirmed ones only by default; sudo)."""
        self.ensure_one()
        partner = self.sudo().roms_partner_id
        Order = self.env["sale.order"].sudo()
        if not partner:
            return Order
        domain = [("partner_id", "child_of", partner.commercial_partner_id.id)]
        domain += [("state", "=", "sale")] if confirmed else [("state", "!=", "cancel")]
        return Order.search(domain, order="date_order desc, id desc", limit=1)

    def _roms_wa_route_reply(self, reply_id, message):
        """``tpl:<template id>:<n>``: the customer chose option n of a ROMS
        message template (reply buttons or list, or the n-th quick reply of its
        approved Meta template) sent to this number through this account in
        the last days; the option's answer template, if any, is sent as an
        automatic reply (``_roms_wa_auto_send``, within the conversation's
        hourly budget of automatic messages). Anything else is left to the
        other parts."""
        match = TEMPLATE_REPLY.fullmatch(reply_id or "")
        if not match or self.channel_type != "roms_whatsapp":
            return super()._roms_wa_route_reply(reply_id, message)
        chat = self.sudo()
        template = (
            self.env["roms.message.template"]
            .sudo()
            .browse(int(match.group(1)))
            .exists()
        )
        sent = (
            self.env["roms.message"]
            .sudo()
            .search_count(
                [
                    ("template_id", "=", template.id),
                    ("channel", "=", "whatsapp"),
                    ("recipient", "=", chat.roms_wa_number),
                    ("roms_wa_account_id", "=", chat.roms_account_id.id),
                    ("state", "in", ("sent", "delivered", "read")),
                    ("sent_at", ">=", fields.Datetime.now() - TEMPLATE_REPLY_WINDOW),
                ],
                limit=1,
            )
        )
        options = template.roms_wa_option_ids
        index = int(match.group(2))
        if not template or not sent or index > len(options):
            return False
        answer = options[index - 1].reply_template_id
        if not answer:
            return False
        partner = chat.roms_partner_id
        order = chat._roms_wa_last_order()
        lang = partner.lang or chat._roms_wa_shop_lang()
        answer = answer.with_context(lang=lang)
        body = answer._render(partner, order)
        interactive = False
        if answer.roms_wa_interactive_type:
            values = answer._render_values(partner, order, self.env["product.product"])
            try:
                interactive = answer._roms_wa_interactive(values, lang=lang)
            except UserError:
                return False
        # an automatic message as any other (thread, queue, hourly budget);
        # over the budget, the customer's answer stays for the agent
        return bool(
            chat._roms_wa_auto_send(
                body, template_id=answer.id, roms_wa_interactive=interactive
            )
        )

    def _roms_wa_approved_templates(self):
        """Templates Meta accepts outside the window: mapped by name, or with
        an approved WhatsApp template on this conversation's account."""
        return self.env["roms.message.template"].search(
            [
                "|",
                ("roms_meta_template_name", "!=", False),
                (
                    "roms_wa_template_ids",
                    "any",
                    [
                        ("state", "=", "approved"),
                        ("account_id", "=", self.roms_account_id.id),
                    ],
                ),
            ],
            order="name, id",
        )

    def roms_wa_templates(self):
        """The approved (Cloud API mapped) templates the agent may send in this
        conversation, each previewed with the customer's values."""
        self.ensure_one()
        self.check_access("read")
        self._roms_wa_check_cs()
        partner = self.sudo().roms_partner_id
        order = self._roms_wa_last_order()
        return [
            {
                "id": template.id,
                "name": template.name,
                "meta_name": template.roms_meta_template_name
                or template.roms_wa_template_ids.filtered(
                    lambda t: t.state == "approved"
                )[:1].name,
                "preview": template.sudo()
                .with_context(roms_template_preview=True)
                ._render(partner, order),
            }
            for template in self._roms_wa_approved_templates()
        ]

    def roms_wa_send_template(self, template_id):
        """Send an approved template to the customer from the chat: posted in the
        conversation as the agent's reply, it leaves through the queue as the
        Cloud API template with the customer's values, with its delivery state."""
        self.ensure_one()
        self.check_access("read")
        self._roms_wa_check_cs()
        if self.channel_type != "roms_whatsapp":
            raise UserError(self.env._("This is not a WhatsApp conversation."))
        if not isinstance(template_id, int) or isinstance(template_id, bool):
            raise UserError(self.env._("Choose an approved template."))
        template = self._roms_wa_approved_templates().filtered(
            lambda t: t.id == template_id
        )
        interactive = False
        if not template and not self._roms_wa_window_closed():
            # within the window (or on a QR gateway): a template with buttons,
            # a list or a link button goes as an interactive message
            template = (
                self.env["roms.message.template"]
                .search([("roms_wa_interactive_type", "!=", False)])
                .filtered(lambda t: t.id == template_id)
            )
        if not template:
            raise UserError(self.env._("Choose an approved template."))
        partner = self.sudo().roms_partner_id
        order = self._roms_wa_last_order()
        template_sudo = template.sudo()
        body = template_sudo._render(partner, order)
        if template.roms_wa_interactive_type and not self._roms_wa_window_closed():
            values = template_sudo._render_values(
                partner, order, self.env["product.product"]
            )
            interactive = template_sudo._roms_wa_interactive(
                values, lang=partner.lang or self._roms_wa_shop_lang()
            )
        # sudo: discuss.channel - the template is the agent's reply (posted as
        # them, read access and CS checked above) with the direction ROMS gives
        message = self.sudo().message_post(
            body=plaintext2html(body),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            roms_wa_direction="out",
        )
        self._roms_wa_send_reply(
            message, template_id=template.id, roms_wa_interactive=interactive
        )
        self.sudo().roms_last_reply_at = fields.Datetime.now()
        if self.roms_status == "open":
            self._roms_wa_set_status("pending")
        return self._roms_wa_message_store(message)

    # ------------------------------------------------------------------
    # Customer panel actions
    # ------------------------------------------------------------------

    def _roms_wa_check_panel(self):
        self.ensure_one()
        self.check_access("read")
        self._roms_wa_check_cs()
        if self.channel_type != "roms_whatsapp" or not self.sudo().roms_partner_id:
            raise UserError(self.env._("This is not a WhatsApp conversation."))

    def _roms_wa_reply(self, text):
        """Post ``text`` as the agent's reply: it goes the normal way (the queue,
        delivery ticks, the 24-hour window)."""
        return self.message_post(
            body=plaintext2html(text),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def _roms_wa_message_store(self, message):
        """What the client shows of a message posted by a panel or composer
        action (as Discuss answers a posted message): the message, its delivery
        ticks included."""
        return {
            "message_id": message.id,
            "store": Store().add(message, for_current_user=True).get_result(),
        }

    def _roms_wa_order_status_text(self, order):
        """The message telling the customer where ``order`` is, in the shop's
        language: order name, ROMS stage, tracking number and link."""
        env = self.with_context(lang=self._roms_wa_shop_lang()).env
        order = order.with_env(env)
        stage = dict(order._fields["roms_stage"]._description_selection(env)).get(
            order.roms_stage, ""
        )
        lines = [
            env._(
                "Hello %(name)s, the status of your order %(order)s: %(stage)s.",
                name=order.partner_id.name,
                order=order.name,
                stage=stage,
            )
        ]
        if order.roms_tracking_number:
            lines.append(
                env._("Tracking number: %(resi)s", resi=order.roms_tracking_number)
            )
        if order.roms_tracking_link:
            lines.append(
                env._("Track your parcel: %(link)s", link=order.roms_tracking_link)
            )
        return "\n".join(lines)

    def roms_wa_send_order_status(self):
        """Panel action: send the customer the status of their last order."""
        self._roms_wa_check_panel()
        order = self._roms_wa_last_order()
        if not order:
            raise UserError(self.env._("The customer has no confirmed order yet."))
        message = self._roms_wa_reply(self._roms_wa_order_status_text(order))
        return self._roms_wa_message_store(message)

    def _roms_wa_portal_link(self):
        """The customer's link: the reseller catalogue for a reseller with portal
        access, else their last order's portal page (signed with its access
        token); empty when they have neither."""
        self.ensure_one()
        partner = self.sudo().roms_partner_id
        base = self.get_base_url()
        for user in partner.commercial_partner_id.user_ids | partner.user_ids:
            if user._roms_portal_reseller():
                return "catalog", f"{base}/my/catalog"
        order = self._roms_wa_last_order(confirmed=False)
        if order:
            return "order", f"{base}{order.get_portal_url()}"
        return False, ""

    def roms_wa_send_portal_link(self):
        """Panel action: send the customer their portal or catalogue link."""
        self._roms_wa_check_panel()
        kind, link = self._roms_wa_portal_link()
        if not link:
            raise UserError(
                self.env._(
                    "The customer has neither portal access nor an order to link to."
                )
            )
        env = self.with_context(lang=self._roms_wa_shop_lang()).env
        name = self.sudo().roms_partner_id.name
        if kind == "catalog":
            text = env._(
                "Hello %(name)s, order from our catalogue at your prices here: "
                "%(link)s",
                name=name,
                link=link,
            )
        else:
            text = env._(
                "Hello %(name)s, see your order and its status here: %(link)s",
                name=name,
                link=link,
            )
        return self._roms_wa_message_store(self._roms_wa_reply(text))

    def roms_wa_quick_replies(self):
        """The quick replies and templates the composer's picker inserts."""
        self.ensure_one()
        self.check_access("read")
        self._roms_wa_check_cs()
        templates = self.env["roms.message.template"].search(
            [], order="name, id", limit=QUICK_REPLY_LIMIT
        )
        # the quick replies first, then the other templates
        templates = templates.sorted(lambda t: t.template_type != "quick_reply")
        return [
            {
                "id": t.id,
                "name": t.name,
                "body": t.body or "",
                "quick_reply": t.template_type == "quick_reply",
                # sent as it is (buttons, list, link), not inserted as text
                "interactive": bool(t.roms_wa_interactive_type),
            }
            for t in templates
        ]
