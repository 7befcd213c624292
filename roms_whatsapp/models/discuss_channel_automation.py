"""The automation engine of WhatsApp conversations: welcome and away messages,
keyword auto-replies and the menu bot (``roms_whatsapp_automation.py`` holds
their settings).

Everything sent here is an ordinary ``roms.message`` of the queue (rate limits,
opt-out, the Cloud API's window) marked ``roms_automatic``, posted in the thread
by OdooBot: labelled "Otomatis" and never counted as an agent's response. Loop
guards: only customers' messages are answered, never a text we sent ourselves
echoed back, and at most ``roms_whatsapp.auto_replies_per_hour`` automatic
messages per conversation per hour."""

import logging
from datetime import timedelta

from odoo import Command, fields, models
from odoo.tools import plaintext2html

from ..tools.wa_provider import numbered_text
from .roms_whatsapp_automation import normalize_text

_logger = logging.getLogger(__name__)

AUTO_PER_HOUR_PARAM = "roms_whatsapp.auto_replies_per_hour"
DEFAULT_AUTO_PER_HOUR = 5
ORDER_COUNT = 3
BUILT_IN_ENTRIES = ("orders", "catalog", "points", "human")


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    roms_bot_paused = fields.Boolean(
        string="Bot Paused",
        readonly=True,
        help="An agent took over (they wrote, or the customer asked for CS): the "
        "automatic replies wait until the conversation is resolved.",
    )
    roms_welcome_at = fields.Datetime(string="Welcome Sent On", readonly=True)
    roms_away_at = fields.Datetime(string="Away Message Sent On", readonly=True)
    roms_menu_at = fields.Datetime(string="Menu Sent On", readonly=True)

    # ------------------------------------------------------------------
    # The agent takes over, the resolve gives the bot back
    # ------------------------------------------------------------------

    def _roms_wa_send_reply(self, message, **values):
        roms_message = super()._roms_wa_send_reply(message, **values)
        if not values.get("roms_automatic") and not self.sudo().roms_bot_paused:
            self.sudo().roms_bot_paused = True
        return roms_message

    def _roms_wa_set_status(self, status):
        result = super()._roms_wa_set_status(status)
        if status == "resolved":
            # the bot is back, its menu offered again at the next message
            self.sudo().write({"roms_bot_paused": False, "roms_menu_at": False})
        return result

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------

    def _roms_wa_auto_send(self, body, budget=None, **values):
        """Send ``body`` (with ``values`` of the ``roms.message``: an interactive
        menu, a template, attachments) to the customer as an automatic message:
        posted in the thread by OdooBot, sent through the queue at once (the
        cron sends it when the channel's rate limit is reached). Every automatic
        message goes through here: none once the conversation's hourly budget
        (``_roms_wa_auto_budget``) is spent, then an empty recordset is
        returned. ``budget``: that budget when the caller already counted it
        (``_roms_wa_automate``), else it is counted here."""
        self.ensure_one()
        channel = self.sudo()
        if budget is None:
            budget = channel._roms_wa_auto_budget()
        if budget <= 0:
            _logger.info(
                "WhatsApp conversation %s: no automatic message, the hourly "
                "budget is spent",
                self.id,
            )
            return self.env["roms.message"]
        root = self.env.ref("base.partner_root")
        message = channel.message_post(
            author_id=root.id,
            body=plaintext2html(self._roms_wa_thread_text(body, values)),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            roms_wa_direction="out",
        )
        roms_message = (
            self.env["roms.message"]
            .sudo()
            .create(
                {
                    "partner_id": channel.roms_partner_id.id,
                    "channel": "whatsapp",
                    "kind": "chat",
                    "body": body or "",
                    "res_model": self._name,
                    "res_id": self.id,
                    "recipient": channel.roms_wa_number,
                    "roms_automatic": True,
                    **values,
                }
            )
        )
        message.roms_message_id = roms_message
        budget = roms_message._channel_budgets().get("whatsapp")
        if budget is None or budget > 0:
            roms_message._send_now()
        message._bus_send_store(message, message._roms_wa_ticks_values())
        return roms_message

    def _roms_wa_thread_text(self, body, values):
        """What the agent reads in the thread of an automatic message: the text
        with its menu's options and link (numbered as on the QR gateways)."""
        interactive = values.get("roms_wa_interactive")
        if not interactive:
            return body or ""
        if self.sudo().roms_account_id.provider == "meta":
            interactive = dict(interactive, numbered_hint=None)
        return numbered_text(body, interactive)

    def _roms_wa_auto_budget(self, recent=None):
        """How many automatic messages this conversation may still send this
        hour: ``roms_whatsapp.auto_replies_per_hour`` minus those sent in the
        last hour or still queued (``recent``: those of a longer period,
        already searched)."""
        self.ensure_one()
        limit = self.env["ir.config_parameter"]._roms_param(
            AUTO_PER_HOUR_PARAM, DEFAULT_AUTO_PER_HOUR
        )
        hour_ago = fields.Datetime.now() - timedelta(hours=1)
        if recent is None:
            recent = self._roms_wa_auto_recent(hour_ago)
        return limit - len(
            recent.filtered(lambda m: not m.sent_at or m.sent_at >= hour_ago)
        )

    def _roms_wa_auto_recent(self, since):
        """The automatic messages of this conversation sent since ``since``, or
        still waiting in the queue."""
        return (
            self.env["roms.message"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("roms_automatic", "=", True),
                    "|",
                    ("sent_at", ">=", since),
                    ("state", "=", "queued"),
                ]
            )
        )

    # ------------------------------------------------------------------
    # The engine: called for each customer message (roms.whatsapp.inbound)
    # ------------------------------------------------------------------

    def _roms_wa_automate(self, message, values):
        """Answer the customer's ``message`` automatically as the account says:
        the welcome, the away message outside business hours, the first keyword
        rule that matches, else the menu. Return the automatic messages sent."""
        self.ensure_one()
        channel = self.sudo()
        account = channel.roms_account_id
        sent = self.env["roms.message"]
        if (
            not account.roms_auto_enabled
            or channel.roms_bot_paused
            or not channel.roms_partner_id
            or message.roms_wa_direction != "in"
        ):
            return sent
        now = fields.Datetime.now()
        recent = channel._roms_wa_auto_recent(now - timedelta(hours=24))
        text = values.get("body") or ""
        normalized = normalize_text(text)
        if normalized and normalized in {normalize_text(m.body) for m in recent}:
            # our own text coming back (another bot, an echo): never answered
            return sent
        budget = channel._roms_wa_auto_budget(recent)
        cooldown = timedelta(hours=account.roms_auto_cooldown_hours)

        def due(last):
            return not last or now - last >= cooldown

        lang = channel.roms_partner_id.lang or self._roms_wa_shop_lang()
        channel = channel.with_context(lang=lang)
        account = account.with_context(lang=lang)
        welcome = (
            account.roms_welcome_enabled
            and account.roms_welcome_text
            and due(channel.roms_welcome_at)
            and channel._roms_wa_silent_before(
                message, account.roms_welcome_silence_days
            )
        )
        welcome_text = (
            str(channel._roms_wa_fill_variables(account.roms_welcome_text))
            if welcome
            else ""
        )
        rule = self.env["roms.whatsapp.keyword.rule"]._roms_first_match(account, text)
        menu = (
            account.roms_bot_enabled
            and not rule
            and (due(channel.roms_menu_at) or normalized == "menu")
        )
        if welcome and not menu and budget > 0:
            sent |= channel._roms_wa_auto_send(welcome_text, budget=budget)
            channel.roms_welcome_at = now
            budget -= 1
        if (
            account.roms_away_enabled
            and account.roms_away_text
            and due(channel.roms_away_at)
            and not account._roms_wa_is_open(now)
            and budget > 0
        ):
            opening = account._roms_wa_format_opening(
                account._roms_wa_next_opening(now), lang
            )
            away = str(channel._roms_wa_fill_variables(account.roms_away_text))
            sent |= channel._roms_wa_auto_send(
                away.replace("{next_open}", opening), budget=budget
            )
            channel.roms_away_at = now
            budget -= 1
        if rule and budget > 0:
            sent |= channel._roms_wa_apply_rule(rule, budget=budget)
        elif menu and budget > 0:
            sent |= channel._roms_wa_send_menu(welcome_text, budget=budget)
            channel.roms_menu_at = now
            if welcome:
                channel.roms_welcome_at = now
        return sent

    def _roms_wa_silent_before(self, message, days):
        """Whether the customer never wrote in this conversation before
        ``message``, or not for ``days`` days."""
        self.ensure_one()
        previous = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("roms_wa_direction", "=", "in"),
                    ("id", "<", message.id),
                ],
                order="id desc",
                limit=1,
            )
        )
        return not previous or message.date - previous.date >= timedelta(days=days)

    # ------------------------------------------------------------------
    # Keyword rules
    # ------------------------------------------------------------------

    def _roms_wa_apply_rule(self, rule, budget=None):
        """Send ``rule``'s reply (within the hourly ``budget``, counted when not
        given: see ``_roms_wa_auto_send``); label the conversation and hand it
        over when the rule says so."""
        self.ensure_one()
        channel = self.sudo()
        partner = channel.roms_partner_id
        values = {}
        if rule.reply_type == "template":
            values["template_id"] = rule.template_id.id
        elif rule.reply_type in ("image", "document"):
            attachment = (
                self.env["ir.attachment"]
                .sudo()
                .search(
                    [
                        ("res_model", "=", rule._name),
                        ("res_field", "=", "reply_file"),
                        ("res_id", "=", rule.id),
                    ],
                    limit=1,
                )
            )
            if rule.reply_filename and attachment.name != rule.reply_filename:
                attachment.name = rule.reply_filename
            values["attachment_ids"] = [Command.set(attachment.ids)]
        sent = channel._roms_wa_auto_send(
            rule._roms_reply_text(partner, channel), budget=budget, **values
        )
        if rule.label_id and rule.label_id not in channel.roms_label_ids:
            channel.roms_label_ids = [Command.link(rule.label_id.id)]
        if rule.handover:
            channel._roms_wa_handover()
        return sent

    def _roms_wa_handover(self):
        """The conversation goes to the agents: the bot steps aside, round-robin
        as for any conversation."""
        self.ensure_one()
        channel = self.sudo()
        channel.roms_bot_paused = True
        if channel.roms_status != "open":
            channel._roms_wa_set_status("open")
        channel._roms_wa_assign(notify=True)

    # ------------------------------------------------------------------
    # Menu bot
    # ------------------------------------------------------------------

    def _roms_wa_bot_entries(self):
        self.ensure_one()
        return self.sudo().roms_account_id.roms_bot_entry_ids.filtered("active")

    def _roms_wa_send_menu(self, intro="", budget=None):
        """The menu: a list on the Cloud API, numbered text on QR gateways (within
        the hourly ``budget``: see ``_roms_wa_auto_send``)."""
        self.ensure_one()
        account = self.sudo().roms_account_id
        entries = self._roms_wa_bot_entries()[:10]
        if not entries:
            return self.env["roms.message"]
        greeting = "\n\n".join(
            part for part in (intro, account.roms_bot_greeting or "") if part
        ) or self.env._("How can we help you?")
        interactive = {
            "type": "list" if len(entries) > 3 else "button",
            "button": account.roms_bot_button or self.env._("Menu"),
            "options": [
                {
                    "id": entry._roms_wa_reply_id(),
                    "title": entry.name,
                    "description": entry.description or None,
                }
                for entry in entries
            ],
            "numbered_hint": self.env._("Reply 1–%(count)s", count=len(entries)),
        }
        return self._roms_wa_auto_send(
            greeting, budget=budget, roms_wa_interactive=interactive
        )

    def _roms_wa_route_reply(self, reply_id, message):
        if super()._roms_wa_route_reply(reply_id, message):
            return True
        if not isinstance(reply_id, str):
            return False
        channel = self.sudo()
        account = channel.roms_account_id
        if reply_id.startswith("rule:"):
            rule_id = reply_id[5:]
            rule = self.env["roms.whatsapp.keyword.rule"].sudo()
            if rule_id.isdigit() and len(rule_id) < 10:
                rule = rule.search(
                    [("id", "=", int(rule_id)), ("account_id", "=", account.id)]
                )
            if not rule or not account.roms_auto_enabled:
                return False
            channel._roms_wa_apply_rule(rule)
            return True
        if not reply_id.startswith("bot:") or not account.roms_bot_enabled:
            return False
        if not account.roms_auto_enabled or channel.roms_bot_paused:
            return False
        key = reply_id[4:]
        entries = self._roms_wa_bot_entries()
        if key in BUILT_IN_ENTRIES:
            entry = entries.filtered(lambda e: e.action == key)[:1]
        else:
            entry = entries.filtered(
                lambda e: e.action == "template" and str(e.id) == key
            )
        if not entry:
            return False
        lang = channel.roms_partner_id.lang or self._roms_wa_shop_lang()
        channel = channel.with_context(lang=lang)
        getattr(channel, f"_roms_wa_bot_{entry.action}")(entry)
        return True

    def _roms_wa_bot_orders(self, entry):
        """Cek pesanan: the last orders of the customer this conversation's
        number belongs to, never anyone else's (a typed order number is never
        looked up)."""
        orders = self._roms_wa_own_orders()
        env = self.env
        if not orders:
            return self._roms_wa_auto_send(
                env._("We found no order for this WhatsApp number yet.")
            )
        lines = [env._("Your last orders:")]
        stages = dict(orders._fields["roms_stage"]._description_selection(env))
        for order in orders:
            line = f"• {order.name} ({order.date_order.date():%d-%m-%Y}): " + (
                stages.get(order.roms_stage) or ""
            )
            if order.roms_tracking_number:
                line += "\n  " + env._(
                    "Tracking number: %(resi)s", resi=order.roms_tracking_number
                )
            if order.roms_tracking_link:
                line += "\n  " + order.roms_tracking_link
            lines.append(line)
        return self._roms_wa_auto_send("\n".join(lines))

    def _roms_wa_own_orders(self):
        """The customer's last ORDER_COUNT orders (not cancelled): of the
        customer whose WhatsApp number is this conversation's."""
        self.ensure_one()
        channel = self.sudo()
        partner = channel.roms_partner_id
        Order = self.env["sale.order"].sudo()
        if not partner or partner.roms_whatsapp_number != channel.roms_wa_number:
            return Order
        return Order.search(
            [
                ("partner_id", "child_of", partner.commercial_partner_id.id),
                ("state", "!=", "cancel"),
            ],
            order="date_order desc, id desc",
            limit=ORDER_COUNT,
        )

    def _roms_wa_bot_catalog(self, entry):
        kind, link = self._roms_wa_portal_link()
        if kind != "catalog":
            link = self.sudo().roms_account_id.roms_bot_catalog_url or link
        if not link:
            self._roms_wa_auto_send(
                self.env._("Our team will send you the catalogue shortly.")
            )
            self._roms_wa_handover()
            return
        if not link.startswith("https://"):
            self._roms_wa_auto_send(self.env._("Our catalogue: %(link)s", link=link))
            return
        self._roms_wa_auto_send(
            self.env._("Here is our catalogue, with the prices for you."),
            roms_wa_interactive={
                "type": "cta_url",
                "url": link,
                "url_label": self.env._("Open"),
            },
        )

    def _roms_wa_bot_points(self, entry):
        summary = self.sudo().roms_partner_id._roms_points_summary()
        self._roms_wa_auto_send(
            summary or self.env._("You have no loyalty points yet.")
        )

    def _roms_wa_bot_human(self, entry):
        self._roms_wa_auto_send(
            self.env._("Thank you, one of our team will answer you shortly.")
        )
        self._roms_wa_handover()

    def _roms_wa_bot_template(self, entry):
        partner = self.sudo().roms_partner_id
        body = entry.template_id.sudo()._render(partner, self._roms_wa_last_order())
        self._roms_wa_auto_send(body, template_id=entry.template_id.id)
