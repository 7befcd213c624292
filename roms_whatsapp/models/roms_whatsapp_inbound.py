import datetime
import json
import logging
import re
import threading

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, split_every

from odoo.addons.roms_crm.models.messaging.roms_message_reply import REPLY_KINDS
from odoo.addons.roms_crm.tools.bounds import without_bidi_controls

from ..tools import WhatsAppProviderError
from ..tools.wa_provider import interactive_options, interactive_options_sql

_logger = logging.getLogger(__name__)

BATCH_SIZE_PARAM = "roms_whatsapp.inbound_batch_size"
DEFAULT_BATCH_SIZE = 100
MEDIA_MAX_MB_PARAM = "roms_whatsapp.media_max_mb"
DEFAULT_MEDIA_MAX_MB = 16.0
ALLOWED_MIMETYPES = ("image/jpeg", "image/png", "image/webp", "application/pdf")
EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "application/pdf": "pdf",
}
MAX_ATTEMPTS = 5
# numbered replies to a reminder on a QR gateway, and how long they are understood
NUMBERED_REPLIES = {"1": "reorder", "2": "later", "3": "stop"}
# a text that answers a numbered question: "2", " 2. ", "2!"
NUMBER_REPLY = re.compile(r"\s*([1-9][0-9]?)\s*[.!)]?\s*")
REPLY_WINDOW_PARAM = "roms_whatsapp.reply_window_hours"
DEFAULT_REPLY_WINDOW_HOURS = 72


class RomsWhatsappInbound(models.Model):
    """Inbound WhatsApp messages as received by the webhook.

    The webhook only verifies, de-duplicates (unique provider message id per
    account) and stores the normalised event here, then answers; a cron, triggered
    at once, hands the message to the conversation (``discuss.channel.
    _roms_wa_receive``) and downloads its media afterwards."""

    _name = "roms.whatsapp.inbound"
    _description = "Inbound WhatsApp Message"
    _order = "id desc"
    _rec_name = "provider_message_id"

    account_id = fields.Many2one(
        "roms.whatsapp.account", required=True, ondelete="cascade", index=True
    )
    provider_message_id = fields.Char(required=True, readonly=True)
    payload = fields.Json(readonly=True)
    state = fields.Selection(
        [("pending", "Pending"), ("done", "Done"), ("failed", "Failed")],
        default="pending",
        required=True,
        index=True,
    )
    media_state = fields.Selection(
        [
            ("none", "No media"),
            ("pending", "To download"),
            ("done", "Downloaded"),
            ("refused", "Refused"),
            ("failed", "Failed"),
        ],
        default="none",
        required=True,
        index=True,
    )
    message_id = fields.Many2one("mail.message", ondelete="set null", readonly=True)
    attempts = fields.Integer(readonly=True)
    error = fields.Text(readonly=True)

    _sql_constraints = [
        (
            "provider_message_unique",
            "unique(account_id, provider_message_id)",
            "This WhatsApp message was already received.",
        ),
    ]

    # Webhook side: one INSERT per message, replays do nothing
    # ------------------------------------------------------------------

    @api.model
    def _enqueue(self, account, events, trigger=True):
        """Store new inbound message events (bounded by the provider client);
        return how many were new. A replayed provider message id is ignored
        (``ON CONFLICT DO NOTHING``). ``trigger``: wake the cron up at once,
        unless a due trigger already waits for it (a burst of webhooks makes one
        trigger, not one each) — looked up by the same statement."""
        if not events:
            return 0
        rows = [
            SQL(
                "(%s, %s, %s::jsonb, 'pending', %s, 0, %s, %s, %s, %s)",
                account.id,
                event.provider_message_id,
                json.dumps(event.to_json()),
                "pending" if event.media.get("ref") else "none",
                self.env.uid,
                self.env.uid,
                SQL("now() at time zone 'UTC'"),
                SQL("now() at time zone 'UTC'"),
            )
            for event in events
        ]
        cron = self._processing_cron()
        [(inserted, due)] = self.env.execute_query(
            SQL(
                """WITH inserted AS (
                       INSERT INTO roms_whatsapp_inbound
                              (account_id, provider_message_id, payload, state,
                               media_state, attempts, create_uid, write_uid,
                               create_date, write_date)
                       VALUES %s
                  ON CONFLICT (account_id, provider_message_id) DO NOTHING
                    RETURNING id)
                   SELECT (SELECT count(*) FROM inserted),
                          EXISTS(SELECT 1 FROM ir_cron_trigger
                                  WHERE cron_id = %s AND call_at <= %s)""",
                SQL(", ").join(rows),
                cron.id,
                fields.Datetime.now(),
            )
        )
        if inserted and trigger and not due:
            cron._trigger()
        return inserted

    @api.model
    def _processing_cron(self):
        # the id from the cached xmlid, without env.ref()'s query of the record
        return self.env["ir.cron"].browse(
            self.env["ir.model.data"]._xmlid_to_res_id(
                "roms_whatsapp.ir_cron_roms_wa_inbound", raise_if_not_found=True
            )
        )

    # Cron side: hand over to the conversation, then download the media
    # ------------------------------------------------------------------

    def _claim(self, where, limit):
        rows = self.env.execute_query(
            SQL(
                """SELECT id FROM roms_whatsapp_inbound WHERE %s
                 ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED""",
                where,
                limit,
            )
        )
        return self.browse([row[0] for row in rows])

    @api.model
    def _cron_process(self, batch_size=None):
        """Process one batch of pending inbound messages, then one batch of media
        downloads; the cron runner calls again while some remain."""
        self.flush_model()
        limit = batch_size or self.env["ir.config_parameter"]._roms_param(
            BATCH_SIZE_PARAM, DEFAULT_BATCH_SIZE
        )
        testing = getattr(threading.current_thread(), "testing", False)
        messages = self._claim(SQL("state = 'pending'"), limit)
        for inbound in messages:
            inbound._run_step(inbound._process)
        if not testing:
            # the conversations are visible at once
            self.env.cr.commit()  # pylint: disable=invalid-commit
        media = self._claim(SQL("state = 'done' AND media_state = 'pending'"), limit)
        for inbound in media:
            inbound._run_step(inbound._download_media)
        if not testing:
            # one batch of downloads at a time
            self.env.cr.commit()  # pylint: disable=invalid-commit
        remaining = self.search_count(
            [
                "|",
                ("state", "=", "pending"),
                "&",
                ("state", "=", "done"),
                ("media_state", "=", "pending"),
            ]
        )
        self.env["ir.cron"]._notify_progress(
            done=len(messages) + len(media), remaining=remaining
        )

    def _run_step(self, step):
        """Run ``step`` in a savepoint: a failure is recorded on the row (retried
        until MAX_ATTEMPTS) and never blocks the others."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                step()
        except Exception as error:  # noqa: BLE001 — any failure is recorded
            self.env.invalidate_all()  # the savepoint's writes are rolled back
            _logger.warning(
                "WhatsApp inbound %s (account %s): %s",
                self.provider_message_id,
                self.account_id.id,
                error,
            )
            attempts = self.attempts + 1
            vals = {"attempts": attempts, "error": str(error)[:2000]}
            temporary = getattr(error, "temporary", not isinstance(error, UserError))
            if attempts >= MAX_ATTEMPTS or not temporary:
                if self.state == "pending":
                    vals["state"] = "failed"
                else:
                    vals["media_state"] = "failed"
            self.write(vals)

    def _values(self):
        payload = self.payload or {}
        timestamp = payload.get("timestamp")
        return {
            "number": payload.get("number") or "",
            "profile_name": payload.get("profile_name") or "",
            "body": payload.get("body") or "",
            "reply_id": payload.get("reply_id") or "",
            "provider_message_id": self.provider_message_id,
            "timestamp": fields.Datetime.to_datetime(timestamp)
            if timestamp
            else self.create_date or datetime.datetime.now(),
            "attachment_ids": [],
        }

    def _process(self):
        """Hand the message to its conversation; apply a reminder's reply (button
        or number), route the answer to an interactive message
        (``discuss.channel._roms_wa_route_reply``) or apply an opt-out keyword."""
        values = self._values()
        if not values["reply_id"]:
            values["reply_id"] = self._numbered_option(values)
        channel_model = self.env["discuss.channel"].sudo()
        message = channel_model._roms_wa_receive(self.account_id, values)
        self.write({"message_id": message.id, "state": "done", "error": False})
        body = values["body"].strip()
        if message.model != "discuss.channel":
            return
        conversation = channel_model.browse(message.res_id)
        if conversation.roms_episode_id.csat_answer_id == message:
            # the answer to the satisfaction question, nothing else
            return
        if self._apply_reminder_reply(conversation, body, values["reply_id"]):
            return
        if values["reply_id"] and conversation._roms_wa_route_reply(
            values["reply_id"], message
        ):
            return
        partner = conversation.roms_partner_id
        if body and partner and partner._roms_opt_out_by_keyword(body):
            return
        if not values["reply_id"]:
            # a tap on a button nobody handles is never taken for a keyword
            self._automate(conversation, message, values)

    def _automate(self, conversation, message, values):
        """The automatic replies (welcome, away, keyword rules, menu bot): a
        failure there never costs the customer's message."""
        try:
            with self.env.cr.savepoint():
                conversation._roms_wa_automate(message, values)
        except Exception:
            _logger.exception(
                "Automatic reply to WhatsApp message %s failed",
                self.provider_message_id,
            )
            self.env.invalidate_all()

    def _reply_window(self):
        hours = self.env["ir.config_parameter"]._roms_param(
            REPLY_WINDOW_PARAM, DEFAULT_REPLY_WINDOW_HOURS
        )
        return datetime.timedelta(hours=min(max(hours, 1), 24 * 30))

    def _latest_question(self, number):
        """The latest question answered with a number sent to ``number`` through
        this account within the reply window, of any kind: an interactive
        message with options (menu bot, a template's buttons or list; numbered
        on a QR gateway), a reminder ("Reply 1 = order again…") or the
        satisfaction question ("Reply 1–5"). A number the customer types
        answers this one and never an older one. Empty if there is none."""
        self.ensure_one()
        Message = self.env["roms.message"].sudo()
        if not number:
            return Message
        window = [
            ("channel", "=", "whatsapp"),
            ("recipient", "=", number),
            ("roms_wa_account_id", "=", self.account_id.id),
            ("state", "in", ("sent", "delivered", "read")),
            ("sent_at", ">=", fields.Datetime.now() - self._reply_window()),
        ]
        # a link button alone (no options) asks nothing: filtered in the query,
        # so that only the latest question is read, however many were sent
        with_options = Message._search([*window, ("roms_wa_interactive", "!=", False)])
        with_options.add_where(
            interactive_options_sql(
                SQL.identifier(with_options.table, "roms_wa_interactive")
            )
        )
        return Message.search_fetch(
            [
                *window,
                "|",
                "|",
                ("id", "in", with_options),
                ("kind", "=", "csat"),
                "&",
                ("kind", "in", REPLY_KINDS),
                ("reply_token", "!=", False),
            ],
            ["kind", "roms_wa_interactive", "reply_token", "sent_at"],
            order="sent_at desc, id desc",
            limit=1,
        )

    def _numbered_option(self, values):
        """On a QR gateway, the id of the option a text that is only a number
        1..N chooses, when the latest numbered question (``_latest_question``)
        is an interactive message with options: a reminder or a satisfaction
        question sent after it takes the number. Else empty."""
        self.ensure_one()
        if self.account_id.provider == "meta":
            return ""
        match = NUMBER_REPLY.fullmatch(values.get("body") or "")
        if not match:
            return ""
        number = self.env["res.partner"]._roms_normalize_phone(values.get("number"))
        question = self._latest_question(number)
        if not question or question._roms_has_reply_buttons():
            # a reminder's number (or a satisfaction score) is not an option
            return ""
        options = interactive_options(question.roms_wa_interactive)
        index = int(match.group(1))
        if not 1 <= index <= len(options):
            return ""
        return options[index - 1][0]

    def _apply_reminder_reply(self, conversation, body, reply_id=None):
        """Apply the customer's answer to a reminder: a reply button's payload
        (Cloud API) or, on a QR gateway, "1", "2" or "3" to the last reminder
        sent to this number. Only from the number the reminder went to, through
        its account, within the reply window; anything else stays a chat
        message. A number answers the reminder only when it is the latest
        numbered question (``_latest_question``). Return whether it was an
        answer."""
        self.ensure_one()
        Message = self.env["roms.message"].sudo()
        number = conversation.roms_wa_number
        payload = reply_id or (self.payload or {}).get("reply_id") or ""
        since = fields.Datetime.now() - self._reply_window()
        if payload:
            reminder, action = Message._roms_from_reply_payload(payload)
        elif self.account_id.provider != "meta":
            action = NUMBERED_REPLIES.get(body.strip(" .!"))
            reminder = Message
            if action:
                question = self._latest_question(number)
                if question and question._roms_has_reply_buttons():
                    reminder = question
        else:
            return False
        if (
            not reminder
            or not action
            or reminder.recipient != number
            or reminder.roms_wa_account_id != self.account_id
            or reminder.state not in ("sent", "delivered", "read")
            or not reminder.sent_at
            or reminder.sent_at < since
        ):
            return False
        try:
            with self.env.cr.savepoint():
                reminder._roms_handle_reply(action)
        except Exception:
            # whatever failed, the customer's message stays in the chat
            _logger.exception(
                "Answer %s to reminder %s could not be applied", action, reminder.id
            )
            self.env.invalidate_all()
            return False
        return True

    def _media_max_bytes(self):
        megabytes = self.env["ir.config_parameter"]._roms_param(
            MEDIA_MAX_MB_PARAM, DEFAULT_MEDIA_MAX_MB
        )
        return int(megabytes * 1024 * 1024)

    def _download_media(self):
        """Download the message's media (images, PDF; size-limited) into an
        attachment of the message."""
        from odoo.tools.mimetypes import guess_mimetype

        media = (self.payload or {}).get("media") or {}
        try:
            data, _declared = self.account_id._client().download_media(
                media, self._media_max_bytes()
            )
        except WhatsAppProviderError as error:
            if error.code in ("too_large", "forbidden_host", "redirect"):
                self.write({"media_state": "refused", "error": str(error)})
                return
            raise
        # the content decides, not what the sender declares
        mimetype = guess_mimetype(data, default="application/octet-stream")
        if mimetype not in ALLOWED_MIMETYPES:
            self.write(
                {
                    "media_state": "refused",
                    "error": self.env._(
                        "File type %(mimetype)s is not accepted.", mimetype=mimetype
                    ),
                }
            )
            return
        message = self.message_id.sudo()
        # payloads stored before their file names lost their bidirectional
        # controls are read again here
        name = (
            without_bidi_controls(media.get("filename"))
            or f"whatsapp-{self.id}.{EXTENSIONS[mimetype]}"
        )
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": name,
                    "raw": data,
                    "mimetype": mimetype,
                    "res_model": message.model or "mail.message",
                    "res_id": message.res_id or message.id,
                }
            )
        )
        message.write({"attachment_ids": [Command.link(attachment.id)]})
        self.write({"media_state": "done", "error": False})

    @api.autovacuum
    def _gc_done(self):
        """Processed rows are kept 30 days for replay protection, then removed."""
        limit = fields.Datetime.subtract(fields.Datetime.now(), days=30)
        for ids in split_every(
            10000,
            self.search([("state", "!=", "pending"), ("create_date", "<", limit)]).ids,
        ):
            self.browse(ids).unlink()
