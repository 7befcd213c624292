"""Measuring the live chat: episodes (resolution time) and the satisfaction
question (CSAT) after a resolve.

Kept apart from ``discuss_channel.py``: it only extends the conversation's
``_roms_wa_receive`` and ``_roms_wa_set_status`` through ``super()``."""

import re
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import plaintext2html

CSAT_PARAM = "roms_whatsapp.csat_enabled"
DEFAULT_CSAT = False
CSAT_WINDOW_PARAM = "roms_whatsapp.csat_window_hours"
DEFAULT_CSAT_WINDOW = 24
#: the Cloud API allows 3 reply buttons: 👍 / 😐 / 👎 count as 5 / 3 / 1 on the
#: 1–5 scale the QR gateways' typed answers use
CSAT_BUTTON_SCORES = {"roms_csat_5": 5, "roms_csat_3": 3, "roms_csat_1": 1}
#: a typed answer is one digit 1–5, alone (maybe with a full stop)
CSAT_DIGIT = re.compile(r"\s*([1-5])\s*\.?\s*")


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    roms_episode_id = fields.Many2one(
        "roms.whatsapp.episode",
        string="Current Episode",
        readonly=True,
        ondelete="set null",
        help="The conversation's current (or last resolved) episode, from its "
        "opening to its resolve.",
    )
    roms_csat_score = fields.Integer(
        string="Satisfaction Score",
        readonly=True,
        help="The customer's last answer to the satisfaction question, from 1 "
        "(bad) to 5 (very good).",
    )
    roms_csat_answered_at = fields.Datetime(
        string="Satisfaction Answered On", readonly=True
    )
    roms_csat_agent_id = fields.Many2one(
        "res.users",
        string="Rated Agent",
        readonly=True,
        ondelete="set null",
        help="The agent who had resolved the conversation the customer rated.",
    )

    # ------------------------------------------------------------------
    # Episodes
    # ------------------------------------------------------------------

    @api.model
    def _roms_wa_receive(self, account, values):
        answer = self._roms_csat_answer_channel(account, values)
        if answer:
            channel, score = answer
            return channel._roms_csat_store(values, score)
        message = super()._roms_wa_receive(account, values)
        if message.model == "discuss.channel":
            self.sudo().browse(message.res_id)._roms_episode_inbound(message)
        return message

    def _roms_wa_set_status(self, status):
        before = {channel.id: channel.roms_status for channel in self.sudo()}
        result = super()._roms_wa_set_status(status)
        for channel in self.sudo():
            was = before[channel.id]
            if status == "resolved" and was != "resolved":
                channel._roms_episode_resolve()
            elif was == "resolved" and status != "resolved":
                # a reopen starts a new episode; its clock starts with the
                # customer's next message
                channel._roms_episode_start()
        return result

    def _roms_episode_start(self, started_at=False):
        self.ensure_one()
        episode = (
            self.env["roms.whatsapp.episode"]
            .sudo()
            .create({"channel_id": self.id, "started_at": started_at})
        )
        self.sudo().roms_episode_id = episode
        return episode

    def _roms_episode_inbound(self, message):
        """A customer's message: it starts an episode when none is running, and
        starts the clock of one opened without it."""
        self.ensure_one()
        episode = self.sudo().roms_episode_id
        if not episode or episode.resolved_at:
            self._roms_episode_start(message.date)
        elif not episode.started_at:
            episode.started_at = message.date

    def _roms_episode_resolve(self):
        """The resolve ends the current episode, measures it and, when the shop
        asks for it, sends the satisfaction question."""
        self.ensure_one()
        channel = self.sudo()
        episode = channel.roms_episode_id
        if not episode or episode.resolved_at:
            episode = channel._roms_episode_start()
        now = fields.Datetime.now()
        agent = channel.roms_agent_id
        if not agent and self.env.user._is_internal():
            agent = self.env.user
        minutes = False
        if episode.started_at:
            minutes = max((now - episode.started_at).total_seconds(), 0) / 60.0
        episode.write(
            {"resolved_at": now, "agent_id": agent.id, "resolution_minutes": minutes}
        )
        channel._roms_csat_ask(episode)
        return episode

    # ------------------------------------------------------------------
    # Satisfaction question (CSAT)
    # ------------------------------------------------------------------

    @api.model
    def _roms_csat_template(self):
        template = self.env.ref(
            "roms_whatsapp.roms_message_template_csat", raise_if_not_found=False
        )
        if not template or not template.active:
            template = self.env["roms.message.template"].search(
                [("template_type", "=", "csat")], limit=1
            )
        return template.sudo()

    def _roms_csat_ask(self, episode):
        """Queue the satisfaction question of ``episode`` (setting
        ``roms_whatsapp.csat_enabled``, off by default): reply buttons 👍 / 😐 / 👎
        on the Cloud API, "reply 1–5" as text on the QR gateways. Customers who
        opted out are not asked."""
        self.ensure_one()
        if not self.env["ir.config_parameter"]._roms_param(CSAT_PARAM, DEFAULT_CSAT):
            return False
        channel = self.sudo()
        partner = channel.roms_partner_id
        template = self._roms_csat_template()
        if (
            not (partner and channel.roms_wa_number and template)
            or partner.roms_opt_out
        ):
            return False
        lang = partner.lang or self._roms_wa_shop_lang()
        template = template.with_context(lang=lang)
        body = template._render(partner)
        buttons = False
        if channel.roms_account_id.provider == "meta":
            buttons = [
                ["roms_csat_5", template.env._("👍 Good")],
                ["roms_csat_3", template.env._("😐 Okay")],
                ["roms_csat_1", template.env._("👎 Bad")],
            ]
        else:
            body = "\n".join(
                [
                    body,
                    template.env._("Reply 1–5 (1 = bad, 5 = very good)."),
                ]
            )
        message = (
            self.env["roms.message"]
            .sudo()
            .create(
                {
                    "partner_id": partner.id,
                    "channel": "whatsapp",
                    "kind": "csat",
                    "body": body,
                    "template_id": template.id,
                    "res_model": self._name,
                    "res_id": self.id,
                    "recipient": channel.roms_wa_number,
                    "roms_wa_buttons": buttons,
                }
            )
        )
        episode.write(
            {"csat_message_id": message.id, "csat_asked_at": fields.Datetime.now()}
        )
        return message

    @api.model
    def _roms_csat_score(self, values):
        """The score an inbound message gives, or None: the id of one of our
        reply buttons, else a text that is one digit 1–5. Anything else ("99",
        "1e30", an unknown button) is no answer."""
        reply_id = values.get("reply_id")
        if reply_id:
            return (
                CSAT_BUTTON_SCORES.get(reply_id) if isinstance(reply_id, str) else None
            )
        body = values.get("body")
        match = CSAT_DIGIT.fullmatch(body) if isinstance(body, str) else None
        return int(match.group(1)) if match else None

    @api.model
    def _roms_csat_answer_channel(self, account, values):
        """(conversation, score) when this inbound message answers a satisfaction
        question: its number's conversation on this account is resolved, was
        asked and has not answered, the window (setting
        ``roms_whatsapp.csat_window_hours``) is still open and the message is a
        score. Else None: the message is an ordinary one."""
        score = self._roms_csat_score(values)
        if score is None:
            return None
        number = self.env["res.partner"]._roms_normalize_phone(values.get("number"))
        if not number:
            return None
        channel = self.sudo().search(
            [
                ("channel_type", "=", "roms_whatsapp"),
                ("roms_account_id", "=", account.id),
                ("roms_wa_number", "=", number),
                ("roms_status", "=", "resolved"),
            ],
            limit=1,
        )
        episode = channel.roms_episode_id
        if not episode.csat_asked_at or episode.csat_score:
            return None
        hours = self.env["ir.config_parameter"]._roms_param(
            CSAT_WINDOW_PARAM, DEFAULT_CSAT_WINDOW
        )
        if fields.Datetime.now() - episode.csat_asked_at > timedelta(hours=hours):
            return None
        if not values.get("reply_id") and self._roms_csat_after_question(
            account, number, episode.csat_asked_at
        ):
            # a digit answers the last question asked: a reminder sent since
            # ("Balas 1 = pesan lagi…") takes it
            return None
        return channel, score

    @api.model
    def _roms_csat_after_question(self, account, number, asked_at):
        """Whether a reminder that is answered with digits went to ``number``
        through ``account`` after the satisfaction question of ``asked_at``."""
        return bool(
            self.env["roms.message"]
            .sudo()
            .search_count(
                [
                    ("kind", "in", ("reminder", "followup")),
                    ("channel", "=", "whatsapp"),
                    ("recipient", "=", number),
                    ("roms_wa_account_id", "=", account.id),
                    ("state", "in", ("sent", "delivered", "read")),
                    ("sent_at", ">", asked_at),
                ],
                limit=1,
            )
        )

    def _roms_csat_store(self, values, score):
        """Keep the customer's answer in the conversation (as their message) and
        on its episode, without reopening or reassigning it."""
        self.ensure_one()
        channel = self.sudo()
        episode = channel.roms_episode_id
        message = channel.message_post(
            author_id=channel.roms_partner_id.id,
            body=plaintext2html(values.get("body") or str(score)),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            roms_wa_direction="in",
        )
        now = fields.Datetime.now()
        episode.write(
            {"csat_score": score, "csat_answered_at": now, "csat_answer_id": message.id}
        )
        channel.write(
            {
                "roms_csat_score": score,
                "roms_csat_answered_at": now,
                "roms_csat_agent_id": episode.agent_id.id,
                "roms_last_inbound_at": max(now, channel.roms_last_inbound_at or now),
            }
        )
        return message
