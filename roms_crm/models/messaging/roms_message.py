"""The one outbound queue of ROMS: every message to a customer is a row here first.

Channels plug in with one method per channel: ``_roms_send_<channel>(self)`` sends one
message and returns the provider's message id, or raises :class:`RomsSendError`.
The queue does the rest: claiming, throttling, retries with backoff, states and
receipts.

Never twice: a message is claimed for sending by an atomic
``UPDATE ... WHERE sending_since IS NULL`` that is committed *before* the channel
is called, and its outcome is committed right after. A worker that dies mid-batch
leaves the messages it had not reached untouched (the next run sends them) and the
one it was sending marked in flight: that one is never sent again blindly, it is
marked failed ("interrupted") for a person to check and retry.

While it sends, the worker holds a PostgreSQL session advisory lock on the message
(``IN_FLIGHT_LOCK``, the message id). PostgreSQL drops the lock with the worker's
connection, so a mark whose lock is free belongs to a dead worker: the next run of
the cron, on any server, fails it as interrupted at once; a mark older than
``IN_FLIGHT_TIMEOUT`` is failed in any case.
"""

import logging
import threading
from datetime import timedelta

import psycopg2
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.tools import SQL, mute_logger, plaintext2html

_logger = logging.getLogger(__name__)

BATCH_SIZE_PARAM = "roms_crm.message_batch_size"
MAX_ATTEMPTS_PARAM = "roms_crm.message_max_attempts"
RETRY_DELAY_PARAM = "roms_crm.message_retry_minutes"
RATE_LIMIT_PARAM = "roms_crm.rate_limit_%s"
DEFAULT_RATE_LIMIT = 0  # messages per minute and channel; 0: no limit
DEFAULT_BATCH_SIZE = 100
DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_RETRY_MINUTES = 5
MAX_RETRY_DELAY = timedelta(days=1)
# a message still marked in flight after this long belongs to a worker that died
IN_FLIGHT_TIMEOUT = timedelta(minutes=30)
# the first key of the advisory lock (two int4 keys: this, the message id) held by
# the worker sending a message
IN_FLIGHT_LOCK = 0x524F4D53  # "ROMS"

STATE_RANK = {"queued": 0, "sent": 1, "delivered": 2, "read": 3}

SEND_CRON_XMLID = "roms_crm.ir_cron_roms_send_messages"
# postcommit.data key: the trigger this transaction created for the sending cron
WAKE_KEY = "roms_crm.send_trigger"
# precommit.data key: the ids of the messages this transaction queued for the cron
QUEUED_KEY = "roms_crm.queued_messages"
# a queued message due within this time wakes the sending cron when its transaction
# commits: the cron's own next run would come no sooner (a broadcast spreads each
# batch over a few seconds, its jitter)
WAKE_HORIZON = timedelta(minutes=1)

MESSAGE_KINDS = [
    ("order_confirmation", "Order Confirmation"),
    ("shipping", "Shipping"),
    ("payment", "Payment"),
    ("reminder", "Reminder"),
    ("followup", "Follow-up"),
    ("cart_recovery", "Cart Recovery"),
    ("review_request", "Review Request"),
    ("broadcast", "Broadcast"),
    ("chat", "Chat"),
    ("manual", "Manual"),
]
# The frequency cap: at most this many marketing messages per customer per 7 days
# (0: no cap). Transactional messages are never capped.
CAP_PARAM = "roms_crm.marketing_cap_per_week"
DEFAULT_CAP = 0
CAP_DAYS = 7
# the messages that count towards the cap: those not cancelled or failed
CAP_STATES = ("queued", "sent", "delivered", "read")
# Attribution: an order within this many days after a reminder or broadcast sent to
# its customer counts as influenced by the latest such message.
ATTRIBUTION_DAYS_PARAM = "roms_crm.attribution_days"
DEFAULT_ATTRIBUTION_DAYS = 7
# the states of a message that reached the provider
SENT_STATES = ("sent", "delivered", "read")

MESSAGE_STATES = [
    ("queued", "Queued"),
    ("sent", "Sent"),
    ("delivered", "Delivered"),
    ("read", "Read"),
    ("failed", "Failed"),
    ("cancelled", "Cancelled"),
]


class RomsSendError(Exception):
    """A channel could not send a message.

    :param message: the reason, shown to users on the message
    :param code: a short machine code (provider error code, ``no_recipient``…)
    :param temporary: True when trying again later may succeed (network error,
        rate limit, provider down); the queue then retries with backoff.
    """

    def __init__(self, message, code=None, temporary=False):
        super().__init__(message)
        self.message = str(message)
        self.code = code
        self.temporary = temporary


class RomsMessage(models.Model):
    _name = "roms.message"
    _description = "ROMS Message"
    _order = "id desc"
    _rec_name = "recipient"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
    )
    channel = fields.Selection(
        [("email", "Email")],
        compute="_compute_channel",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    kind = fields.Selection(MESSAGE_KINDS, required=True, default="manual", index=True)
    body = fields.Text()
    state = fields.Selection(
        MESSAGE_STATES,
        string="Status",
        required=True,
        default="queued",
        index=True,
        copy=False,
    )
    res_model = fields.Char(string="Related Document Model", index=True)
    res_id = fields.Many2oneReference(
        string="Related Document", model_field="res_model", index=True
    )
    recipient = fields.Char(
        compute="_compute_recipient",
        store=True,
        readonly=False,
        precompute=True,
        help="Where the message goes: an e-mail address or an E.164 phone number.",
    )
    template_id = fields.Many2one("roms.message.template", ondelete="set null")
    attachment_ids = fields.Many2many("ir.attachment", string="Attachments")
    provider_message_id = fields.Char(
        string="Provider Message ID", index="btree_not_null", copy=False
    )
    error_code = fields.Char(copy=False)
    error_message = fields.Text(copy=False)
    attempts = fields.Integer(default=0, copy=False, readonly=True)
    next_attempt_at = fields.Datetime(
        string="Next Attempt",
        default=fields.Datetime.now,
        copy=False,
        help="Queued messages are sent from this time on.",
    )
    sending_since = fields.Datetime(
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="Set while a worker sends the message; a message stuck here was "
        "interrupted and is not sent again automatically.",
    )
    sent_at = fields.Datetime(string="Sent On", index=True, copy=False, readonly=True)
    delivered_at = fields.Datetime(string="Delivered On", copy=False, readonly=True)
    read_at = fields.Datetime(string="Read On", copy=False, readonly=True)
    clicked_at = fields.Datetime(
        string="Link First Opened",
        copy=False,
        readonly=True,
        help="When the customer first opened the personal link this message "
        "carried (a reorder link or a payment link).",
    )
    sale_order_line_id = fields.Many2one(
        "sale.order.line",
        string="Order Line",
        index="btree_not_null",
        ondelete="set null",
    )
    broadcast_id = fields.Many2one("roms.broadcast", ondelete="cascade", readonly=True)
    reminder_rule_id = fields.Many2one(
        "roms.reminder.rule",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )

    def init(self):
        cr = self.env.cr
        # the claim query: due queued messages, oldest first
        cr.execute(
            """CREATE INDEX IF NOT EXISTS roms_message_queued_due_idx
                   ON roms_message (channel, next_attempt_at, id)
                WHERE state = 'queued' AND sending_since IS NULL"""
        )
        # attribution: the latest messages sent to a customer before an order
        cr.execute(
            """CREATE INDEX IF NOT EXISTS roms_message_partner_sent_idx
                   ON roms_message (partner_id, sent_at)
                WHERE sent_at IS NOT NULL"""
        )
        # Never two reminders for one (rule, order line), never one broadcast
        # twice to a customer or to an address, whatever runs concurrently.
        for name, columns, where in (
            (
                "roms_message_reminder_line_uniq",
                "reminder_rule_id, sale_order_line_id",
                "reminder_rule_id IS NOT NULL AND sale_order_line_id IS NOT NULL",
            ),
            (
                "roms_message_broadcast_partner_uniq",
                "broadcast_id, partner_id",
                "broadcast_id IS NOT NULL",
            ),
            (
                "roms_message_broadcast_recipient_uniq",
                "broadcast_id, recipient",
                "broadcast_id IS NOT NULL AND recipient IS NOT NULL",
            ),
        ):
            cr.execute(
                SQL(
                    "CREATE UNIQUE INDEX IF NOT EXISTS %s ON roms_message (%s) "
                    "WHERE %s",
                    SQL.identifier(name),
                    SQL(columns),
                    SQL(where),
                )
            )

    @api.depends("partner_id")
    def _compute_channel(self):
        for message in self:
            if not message.channel and message.partner_id:
                message.channel = self._default_channel(message.partner_id)
            elif not message.channel:
                message.channel = "email"

    @api.depends("partner_id", "channel")
    def _compute_recipient(self):
        for message in self:
            message.recipient = (
                self._recipient(message.partner_id, message.channel)
                if message.partner_id and message.channel
                else False
            )

    @api.model_create_multi
    def create(self, vals_list):
        messages = super().create(vals_list)
        messages.filtered(lambda m: m.state == "queued")._wake_sender_at_commit()
        return messages

    def write(self, vals):
        result = super().write(vals)
        if vals.get("state") == "queued":
            self._wake_sender_at_commit()
        return result

    @api.onchange("template_id")
    def _onchange_template_id(self):
        """Writing by hand from a template: its text filled in for the customer."""
        template = self.template_id
        if template:
            lang = self.partner_id.lang or self.env.lang
            self.body = template.with_context(lang=lang)._render(
                partner=self.partner_id
            )
            if template.attachment_id:
                self.attachment_ids = [Command.link(template.attachment_id.id)]

    # ------------------------------------------------------------------ hooks

    @api.model
    def _default_channel(self, partner):
        """The channel a message to ``partner`` goes through by default."""
        return "email"

    @api.model
    def _marketing_kinds(self):
        """The kinds of message the frequency cap counts and limits; every other
        kind (order confirmation, shipping, payment, chat, the answers to a
        reminder's buttons) is transactional. A review request is neither: one
        per delivered order, never capped, but not sent to opted-out customers
        (see :meth:`_opt_out_kinds`)."""
        return ("reminder", "followup", "cart_recovery", "broadcast")

    @api.model
    def _opt_out_kinds(self):
        """The kinds of message an opted-out customer never gets."""
        return (*self._marketing_kinds(), "review_request")

    @api.model
    def _influencing_kinds(self):
        """The kinds of message after which an order of the customer counts as
        influenced (within the attribution days). Extend with ``super()``."""
        return ("reminder", "followup", "broadcast", "cart_recovery")

    @api.model
    def _attribution_days(self):
        """How many days after a reminder or broadcast an order of the customer
        counts as influenced by it (1 to 90)."""
        days = self.env["ir.config_parameter"]._roms_param(
            ATTRIBUTION_DAYS_PARAM, DEFAULT_ATTRIBUTION_DAYS
        )
        return min(max(days, 1), 90)

    @api.model
    def _payment_link_opened(self, order):
        """The customer opened the payment link (``{payment_link}``) of ``order``:
        the latest message sent about the order that carried it is clicked (its
        first opening kept)."""
        message = self.sudo().search(
            [
                ("res_model", "=", "sale.order"),
                ("res_id", "=", order.id),
                ("state", "in", SENT_STATES),
                ("body", "ilike", f"/payment/pay?%sale_order_id={order.id}"),
            ],
            order="id desc",
            limit=1,
        )
        if message and not message.clicked_at:
            message.clicked_at = fields.Datetime.now()

    @api.model
    def _frequency_cap(self):
        """The frequency cap (marketing messages per customer per 7 days), 0 when
        there is none."""
        return max(
            self.env["ir.config_parameter"]._roms_param(CAP_PARAM, DEFAULT_CAP), 0
        )

    @api.model
    def _cap_window_start(self, now=None):
        return (now or fields.Datetime.now()) - timedelta(days=CAP_DAYS)

    @api.model
    def _marketing_counts(self, partners, now=None):
        """{partner id: marketing messages of the last 7 days} for ``partners``,
        in one query."""
        if not partners:
            return {}
        groups = self.sudo()._read_group(
            [
                ("partner_id", "in", partners.ids),
                ("kind", "in", self._marketing_kinds()),
                ("state", "in", CAP_STATES),
                ("create_date", ">", self._cap_window_start(now)),
            ],
            ["partner_id"],
            ["__count"],
        )
        return {partner.id: count for partner, count in groups}

    @api.model
    def _capped_sql(self, partner_id, cap, now=None):
        """SQL condition: the customer whose id is the SQL ``partner_id`` got
        ``cap`` marketing messages or more in the last 7 days (the set-based twin
        of :meth:`_marketing_counts`, for broadcasts)."""
        return SQL(
            """(SELECT count(*) FROM roms_message cm
                 WHERE cm.partner_id = %(partner)s
                   AND cm.kind = ANY(%(kinds)s)
                   AND cm.state = ANY(%(states)s)
                   AND cm.create_date > %(since)s) >= %(cap)s""",
            partner=partner_id,
            kinds=list(self._marketing_kinds()),
            states=list(CAP_STATES),
            since=self._cap_window_start(now),
            cap=cap,
        )

    @api.model
    def _apply_frequency_cap(self, vals_list):
        """Marketing messages about to be queued beyond the frequency cap of their
        customer are kept cancelled, with the reason (done, not lost silently);
        ``vals_list`` is changed in place and returned."""
        cap = self._frequency_cap()
        if not cap:
            return vals_list
        partners = self.env["res.partner"].browse({v["partner_id"] for v in vals_list})
        counts = self._marketing_counts(partners)
        for vals in vals_list:
            if vals.get("state", "queued") != "queued":
                continue
            if vals.get("kind") not in self._marketing_kinds():
                continue
            count = counts.get(vals["partner_id"], 0)
            if count >= cap:
                vals.update(self._capped_vals(count, cap))
            else:
                counts[vals["partner_id"]] = count + 1
        return vals_list

    @api.model
    def _capped_vals(self, count, cap):
        """What a message skipped by the frequency cap keeps: its reason."""
        return {
            "state": "cancelled",
            "error_code": "frequency_cap",
            "error_message": self.env._(
                "Skipped by the frequency cap: the customer already got %(count)s "
                "marketing messages in the last 7 days (at most %(cap)s).",
                count=count,
                cap=cap,
            ),
        }

    @api.model
    def _opted_out_sql(self, partner):
        """SQL condition: the customer of the res_partner alias ``partner`` opted
        out. The same rule as ``res.partner.roms_opt_out`` (an active
        ``mail.blacklist`` e-mail or ``phone.blacklist`` number), written as two
        index probes per customer for the set-based reminder and broadcast
        queries."""
        self.env["mail.blacklist"].flush_model(["email", "active"])
        self.env["phone.blacklist"].flush_model(["number", "active"])
        return SQL(
            """(EXISTS (SELECT 1 FROM mail_blacklist bl
                         WHERE bl.active AND bl.email = %(email)s)
                OR EXISTS (SELECT 1 FROM phone_blacklist pb
                            WHERE pb.active AND pb.number = %(number)s))""",
            email=SQL.identifier(partner, "email_normalized"),
            number=SQL.identifier(partner, "roms_whatsapp_number"),
        )

    @api.model
    def _replied_since_sql(self, partner, since):
        """SQL condition: the customer of the res_partner alias ``partner`` wrote
        to the shop after the SQL timestamp ``since`` (an exit condition of
        follow-ups). No channel of this module receives messages: never; the
        WhatsApp channel extends it."""
        return SQL("FALSE")

    @api.model
    def _complete_queue_vals(self, vals, template, recipient, channel):
        """``vals`` of a message made from ``template`` for ``recipient``, with the
        template's attachment; without a recipient the message is kept failed
        (what it was for is done) and never sent."""
        if template.attachment_id:
            vals["attachment_ids"] = [fields.Command.set(template.attachment_id.ids)]
        if not recipient:
            vals.update(
                state="failed",
                error_code="no_recipient",
                error_message=self.env._(
                    "The customer has no number or e-mail address for %(channel)s.",
                    channel=channel,
                ),
            )
        return vals

    @api.model
    def _create_skipping_duplicates(self, vals_list):
        """Create these messages (sudo); those a unique index refuses (another
        worker queued the same one meanwhile) are skipped, one by one."""
        Message = self.sudo()
        if not vals_list:
            return Message
        try:
            with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                messages = Message.create(vals_list)
                messages.flush_recordset()
                return messages
        except psycopg2.IntegrityError:
            _logger.info("Some messages were queued meanwhile: one by one")
        messages = Message
        for vals in vals_list:
            try:
                with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                    message = Message.create(vals)
                    message.flush_recordset()
                    messages |= message
            except psycopg2.IntegrityError:
                _logger.info("%s message already queued, skipped", vals.get("kind"))
        return messages

    @api.model
    def _broadcast_default_channel(self):
        """The channel a new broadcast goes through. Channels that suit mass
        messages better override it (roms_whatsapp)."""
        return "email"

    @api.model
    def _recipient_sql(self, channel, partner):
        """SQL of a customer's valid address for ``channel`` (NULL when none),
        over the res_partner alias ``partner``: the same address
        ``_recipient`` gives, for set-based queueing. Channels extend it."""
        if channel == "email":
            email = SQL.identifier(partner, "email_normalized")
            return SQL(
                "CASE WHEN %s ~ %s THEN %s END",
                email,
                r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$",
                email,
            )
        return SQL("NULL::varchar")

    @api.model
    def _recipient(self, partner, channel):
        """The address of ``partner`` on ``channel``: an e-mail or E.164 number."""
        if channel == "email":
            return partner.email_normalized or partner.email or False
        return False

    def _subject(self):
        """The subject of the e-mail carrying this message."""
        self.ensure_one()
        label = self.template_id.name or dict(
            self._fields["kind"]._description_selection(self.env)
        ).get(self.kind)
        company = self.env.company.name
        return f"{company}: {label}" if company else label

    # ------------------------------------------------------------- settings

    @api.model
    def _rate_limit(self, channel):
        """Messages per minute allowed on ``channel``; 0 means no limit."""
        return max(
            self.env["ir.config_parameter"]._roms_param(
                RATE_LIMIT_PARAM % channel, DEFAULT_RATE_LIMIT
            ),
            0,
        )

    @api.model
    def _channel_budgets(self):
        """How many more messages each channel may send this minute (None: no
        limit), from one grouped count of the last minute's sends."""
        channels = [value for value, _label in self._fields["channel"].selection]
        limits = {channel: self._rate_limit(channel) for channel in channels}
        limited = [channel for channel, limit in limits.items() if limit]
        sent = {}
        if limited:
            since = fields.Datetime.now() - timedelta(minutes=1)
            sent = dict(
                self.sudo()._read_group(
                    [("sent_at", ">=", since), ("channel", "in", limited)],
                    ["channel"],
                    ["__count"],
                )
            )
        return {
            channel: (max(limit - sent.get(channel, 0), 0) if limit else None)
            for channel, limit in limits.items()
        }

    # ---------------------------------------------------------------- queue

    def _claim(self, channel=None, limit=None, due=True, hold=False):
        """Take queued messages not being sent, skipping the ones another worker
        holds: each one taken is held by its in-flight advisory lock
        (``IN_FLIGHT_LOCK``, its id). With ``hold`` (the cron, which commits
        after every message) the locks are session locks, kept across commits
        until :meth:`_release_in_flight`, so that the batch stays this worker's
        to the end; otherwise they end with the transaction. A plain SELECT: no
        row lock, so no serialisation failure with the workers committing their
        sends meanwhile. Restricted to ``self`` when not empty."""
        self.flush_model()
        conditions = [SQL("state = 'queued'"), SQL("sending_since IS NULL")]
        if self:
            conditions.append(SQL("id IN %s", tuple(self.ids)))
        if channel:
            conditions.append(SQL("channel = %s", channel))
        if due:
            conditions.append(SQL("next_attempt_at <= %s", fields.Datetime.now()))
        lock = "pg_try_advisory_lock" if hold else "pg_try_advisory_xact_lock"
        # the candidates in queue order; the lock is tried on them one by one
        # until ``limit`` are taken (a volatile function is not pushed down)
        rows = self.env.execute_query(
            SQL(
                """SELECT c.id FROM (SELECT id FROM roms_message WHERE %s
                                      ORDER BY next_attempt_at, id) c
                    WHERE %s(%s, c.id) %s""",
                SQL(" AND ").join(conditions),
                SQL(lock),
                IN_FLIGHT_LOCK,
                SQL("LIMIT %s", limit) if limit else SQL(),
            )
        )
        claimed = self.browse([row[0] for row in rows])
        # this transaction sends them itself (a chat reply): nothing to wake for
        self.env.cr.precommit.data.get(QUEUED_KEY, set()).difference_update(claimed.ids)
        return claimed

    def _mark_sending(self, hold=False):
        """Atomically mark this claimed message in flight; False when it is no
        longer queued (sent, cancelled meanwhile). With ``hold`` (the cron) a
        message another transaction changed meanwhile is skipped, not fatal."""
        self.ensure_one()
        self.flush_recordset()
        query = SQL(
            """UPDATE roms_message
                  SET sending_since = %s, attempts = COALESCE(attempts, 0) + 1
                WHERE id = %s AND state = 'queued' AND sending_since IS NULL
            RETURNING id""",
            fields.Datetime.now(),
            self.id,
        )
        if hold:
            try:
                with self.env.cr.savepoint(flush=False), mute_logger("odoo.sql_db"):
                    rows = self.env.execute_query(query)
            except psycopg2.errors.SerializationFailure:
                rows = []
        else:
            rows = self.env.execute_query(query)
        self.invalidate_recordset(["sending_since", "attempts"])
        return bool(rows)

    def _release_in_flight(self):
        """Drop the in-flight session locks of these messages (see ``_claim``)."""
        if not self:
            return
        try:
            self.env.execute_query(
                SQL(
                    "SELECT pg_advisory_unlock(%s, id) FROM unnest(%s::int[]) id",
                    IN_FLIGHT_LOCK,
                    list(self.ids),
                )
            )
        except psycopg2.Error:
            # the connection is gone: so are its locks
            _logger.warning("Could not release the in-flight locks of %s", self.ids)

    def _process(self, commit=False):
        """Send these claimed messages one by one; return how many were tried.

        With ``commit`` (the cron outside tests; the messages were claimed with
        ``hold``) the in-flight mark is committed before the channel is called
        and the outcome right after it, so that a crash can neither lose a send
        nor repeat one; each message's lock is released after its outcome, the
        locks of the ones not sent at the end."""
        done = 0
        pending = self
        try:
            if commit and self:
                # each mark starts a transaction that sees the others' sends
                self.env.cr.commit()  # pylint: disable=invalid-commit
            for message in self:
                if message._mark_sending(hold=commit):
                    if commit:
                        # the in-flight mark must survive a crash during the send
                        self.env.cr.commit()  # pylint: disable=invalid-commit
                    message._send_one()
                    done += 1
                    if commit:
                        # the outcome of a send is never rolled back by a later one
                        self.env.cr.commit()  # pylint: disable=invalid-commit
                if commit:
                    message._release_in_flight()
                pending -= message
        finally:
            if commit:
                pending._release_in_flight()
        # a running broadcast pauses by itself when too many of its sends fail
        broadcasts = self.broadcast_id.filtered(lambda b: b.state == "sending")
        if broadcasts:
            broadcasts.sudo()._check_failures()
        return done

    def _send_one(self):
        self.ensure_one()
        method = getattr(self, f"_send_{self.channel}", None)
        try:
            if method is None:
                raise RomsSendError(
                    self.env._(
                        "No sender for the channel %(channel)s.", channel=self.channel
                    ),
                    code="no_channel",
                )
            with self.env.cr.savepoint():
                provider_message_id = method()
        except RomsSendError as error:
            self._send_failed(error)
        except Exception as error:
            # an unexpected error may come after the provider took the message:
            # fail it for a person to check rather than risk sending it twice
            _logger.exception("Unexpected error sending ROMS message %s", self.id)
            self._send_failed(RomsSendError(str(error), code="error"))
        else:
            vals = {
                "sending_since": False,
                "error_code": False,
                "error_message": False,
            }
            if provider_message_id:
                vals["provider_message_id"] = provider_message_id
            if self.state == "queued":
                vals.update(state="sent", sent_at=fields.Datetime.now())
            self.write(vals)

    def _send_failed(self, error):
        self.ensure_one()
        max_attempts = self.env["ir.config_parameter"]._roms_param(
            MAX_ATTEMPTS_PARAM, DEFAULT_MAX_ATTEMPTS
        )
        vals = {
            "sending_since": False,
            "error_code": error.code or ("temporary" if error.temporary else "error"),
            "error_message": error.message,
        }
        if error.temporary and self.attempts < max_attempts:
            vals["next_attempt_at"] = fields.Datetime.now() + self._retry_delay()
        else:
            vals["state"] = "failed"
        self.write(vals)

    def _retry_delay(self):
        """Exponential backoff: the base delay doubled at every attempt."""
        self.ensure_one()
        base = self.env["ir.config_parameter"]._roms_param(
            RETRY_DELAY_PARAM, DEFAULT_RETRY_MINUTES
        )
        delay = timedelta(minutes=max(base, 1) * 2 ** max(self.attempts - 1, 0))
        return min(delay, MAX_RETRY_DELAY)

    @api.model
    def _fail_interrupted(self):
        """Messages left in flight by a worker that died: maybe sent, maybe not.
        They are failed, never resent automatically.

        A message is in flight while its worker holds its advisory lock (see
        :meth:`_claim`): a mark whose lock this transaction can take
        belongs to no living worker. Marks older than ``IN_FLIGHT_TIMEOUT``
        are failed in any case."""
        self.flush_model(["state", "sending_since"])
        rows = self.env.execute_query(
            SQL(
                """SELECT id FROM (SELECT id, sending_since FROM roms_message
                                    WHERE state = 'queued'
                                      AND sending_since IS NOT NULL
                                   OFFSET 0) m
                    WHERE m.sending_since < %s
                       OR pg_try_advisory_xact_lock(%s, m.id)""",
                fields.Datetime.now() - IN_FLIGHT_TIMEOUT,
                IN_FLIGHT_LOCK,
            )
        )
        if not rows:
            return self.browse()
        stale = self.sudo().browse([row[0] for row in rows])
        try:
            with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                stale.write(
                    {
                        "state": "failed",
                        "sending_since": False,
                        "error_code": "interrupted",
                        "error_message": self.env._(
                            "Sending was interrupted: the message may or may not "
                            "have reached the customer. Check, then retry if needed."
                        ),
                    }
                )
                stale.flush_recordset()
        except psycopg2.errors.SerializationFailure:
            # a worker finished one of them after this transaction began: it is
            # no longer in flight; the next run looks again
            self.env.invalidate_all()
            return self.browse()
        _logger.warning("ROMS messages interrupted while sending: %s", stale.ids)
        return stale

    @api.model
    def _cron_roms_send_messages(self, batch_size=None):
        """Send one batch of due messages, within each channel's rate limit."""
        batch_size = batch_size or self.env["ir.config_parameter"]._roms_param(
            BATCH_SIZE_PARAM, DEFAULT_BATCH_SIZE
        )
        self._fail_interrupted()
        testing = getattr(threading.current_thread(), "testing", False)
        messages = self.browse()
        for channel, budget in self._channel_budgets().items():
            limit = batch_size - len(messages)
            if budget is not None:
                limit = min(limit, budget)
            if limit > 0:
                messages |= self.browse()._claim(
                    channel=channel, limit=limit, hold=not testing
                )
        done = messages._process(commit=not testing)
        remaining = self._remaining()
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done

    @api.model
    def _remaining(self):
        """Due messages the cron may still send now (channels within their rate)."""
        channels = [
            channel
            for channel, budget in self._channel_budgets().items()
            if budget is None or budget > 0
        ]
        if not channels:
            return 0
        return self.sudo().search_count(
            [
                ("state", "=", "queued"),
                ("sending_since", "=", False),
                ("channel", "in", channels),
                ("next_attempt_at", "<=", fields.Datetime.now()),
            ]
        )

    @api.model
    def _wake_sender(self):
        """Run the sending cron as soon as this transaction commits, instead of
        at its next minute: Odoo's trigger, due now, created in this transaction
        (nothing runs if it rolls back) and waking the cron workers after the
        commit. One trigger per transaction, however many batches it queues: a
        trigger this transaction already created is pending (no run can consume
        it before the commit) and wakes the cron for all of them. Each run of the
        cron deletes the triggers due before it started (Odoo), so they never
        pile up. Returns the pending trigger."""
        Trigger = self.env["ir.cron.trigger"].sudo()
        pending = Trigger.browse(self.env.cr.postcommit.data.get(WAKE_KEY)).exists()
        if pending:
            return pending
        cron = self.env.ref(SEND_CRON_XMLID, raise_if_not_found=False)
        if not cron:
            return Trigger
        trigger = cron.sudo()._trigger()
        if trigger:
            self.env.cr.postcommit.data[WAKE_KEY] = trigger.id
        return trigger

    def _wake_sender_at_commit(self):
        """These messages were queued for the sending cron (created queued, or
        queued again): when this transaction commits, wake the cron
        (``_wake_sender``) if some of them are then still queued, not in flight
        and due within ``WAKE_HORIZON``. Not when all of them were sent in the
        transaction itself (a chat reply, an automatic WhatsApp message: claimed
        by ``_claim``), kept failed or cancelled (no recipient, the frequency cap)
        or wait for a later attempt (a reminder snoozed by "Later"). Called by
        ``create`` and ``write``; code queueing messages with SQL calls it for
        them. One check per commit (a flushing savepoint runs it too), one
        trigger per transaction. Returns ``self``."""
        if not self:
            return self
        data = self.env.cr.precommit.data
        if QUEUED_KEY not in data:
            data[QUEUED_KEY] = set()
            self.env.cr.precommit.add(self.sudo().browse()._wake_sender_if_queued)
        data[QUEUED_KEY].update(self.ids)
        return self

    def _wake_sender_if_queued(self):
        """Precommit (see ``_wake_sender_at_commit``): wake the sending cron when
        some message this transaction queued is still queued and due. Answered
        from the cache for the messages the ORM wrote (no query), by one query
        for the others (queued by SQL)."""
        ids = self.env.cr.precommit.data.pop(QUEUED_KEY, None)
        if not ids:
            return
        messages = self.browse(sorted(ids))
        horizon = fields.Datetime.now() + WAKE_HORIZON
        cache = self.env.cache
        names = ("state", "sending_since", "next_attempt_at")
        known = messages.filtered(
            lambda m: all(cache.contains(m, m._fields[name]) for name in names)
        )
        due = any(
            message.state == "queued"
            and not message.sending_since
            # the cron's claim: a message without a next attempt is never due
            and message.next_attempt_at
            and message.next_attempt_at <= horizon
            for message in known
        )
        others = messages - known
        if not due and others:
            self.flush_model(names)
            due = bool(
                self.env.execute_query(
                    SQL(
                        """SELECT 1 FROM roms_message
                            WHERE id = ANY(%s) AND state = 'queued'
                              AND sending_since IS NULL AND next_attempt_at <= %s
                            LIMIT 1""",
                        others.ids,
                        horizon,
                    )
                )
            )
        if due:
            self._wake_sender()

    def _send_now(self):
        """Send these queued messages at once (live chat replies), with the same
        claim and state handling as the cron, within the current transaction."""
        if not self:
            return 0
        return self.sudo()._claim(due=False)._process(commit=False)

    # ------------------------------------------------------------- receipts

    def _set_status(self, status, error_code=None, error_message=None, when=None):
        """Apply a status to these messages, never downgrading."""
        when = when or fields.Datetime.now()
        for message in self:
            if message.state == "cancelled":
                continue
            current = STATE_RANK.get(message.state, -1)
            vals = {}
            if status == "failed":
                if message.state in ("delivered", "read"):
                    continue
                vals = {
                    "state": "failed",
                    "error_code": error_code or "failed",
                    "error_message": error_message or False,
                }
            elif status in STATE_RANK and STATE_RANK[status] > current:
                vals["state"] = status
                if not message.sent_at:
                    vals["sent_at"] = when
                if status in ("delivered", "read") and not message.delivered_at:
                    vals["delivered_at"] = when
                if status == "read":
                    vals["read_at"] = when
            if vals:
                message.write(vals)
        return self

    @api.model
    def _apply_status(
        self,
        provider_message_id,
        status,
        error_code=None,
        error_message=None,
        when=None,
    ):
        """Apply a provider receipt (sent, delivered, read, failed) to the messages
        with this provider id. Never downgrades: queued < sent < delivered < read,
        and a failure does not override delivered or read."""
        if not provider_message_id:
            return self.browse()
        messages = self.sudo().search(
            [("provider_message_id", "=", provider_message_id)]
        )
        return messages._set_status(
            status, error_code=error_code, error_message=error_message, when=when
        )

    # -------------------------------------------------------------- actions

    def action_roms_retry(self):
        """Queue failed or cancelled messages again, from the first attempt."""
        to_retry = self.filtered(lambda m: m.state in ("failed", "cancelled"))
        to_retry.write(
            {
                "state": "queued",
                "attempts": 0,
                "next_attempt_at": fields.Datetime.now(),
                "sending_since": False,
                "error_code": False,
                "error_message": False,
            }
        )
        return True

    def action_roms_cancel(self):
        self.filtered(lambda m: m.state == "queued" and not m.sending_since).write(
            {"state": "cancelled"}
        )
        return True

    def action_roms_send_now(self):
        self._send_now()
        return True

    # --------------------------------------------------------- email channel

    def _email_body_html(self):
        self.ensure_one()
        partner = self.partner_id
        lang_env = self.with_context(lang=partner.lang or self.env.lang).env
        footer = Markup(
            '<p style="font-size: 12px; color: #888888;"><a href="%s">%s</a></p>'
        ) % (
            partner._roms_unsubscribe_url(),
            lang_env._("Unsubscribe from our messages"),
        )
        return plaintext2html(self.body or "") + footer

    def _send_email(self):
        """The e-mail channel: through Odoo's ``mail.mail``, sent at once; its
        outcome is the message's (exception → failed with its reason)."""
        self.ensure_one()
        if not self.recipient:
            raise RomsSendError(
                self.env._("The customer has no e-mail address."), code="no_recipient"
            )
        Mail = self.env["mail.mail"].sudo()
        mail = Mail.search(
            [("roms_message_id", "=", self.id), ("state", "=", "exception")], limit=1
        )
        if mail:
            mail.write(
                {"state": "outgoing", "failure_reason": False, "failure_type": False}
            )
        else:
            mail = Mail.create(
                {
                    "roms_message_id": self.id,
                    "subject": self._subject(),
                    "body_html": self._email_body_html(),
                    "email_to": self.recipient,
                    "email_from": self.env.company.email_formatted or False,
                    "auto_delete": False,
                    "attachment_ids": [Command.set(self.attachment_ids.ids)],
                    "headers": repr(
                        {
                            "List-Unsubscribe": (
                                f"<{self.partner_id._roms_unsubscribe_url()}>"
                            )
                        }
                    ),
                }
            )
        mail.send(raise_exception=False)
        if mail.state == "exception":
            failure_label = dict(
                mail._fields["failure_type"]._description_selection(self.env)
            ).get(mail.failure_type)
            reason = mail.failure_reason or failure_label
            raise RomsSendError(
                reason or self.env._("The e-mail failed."),
                code=mail.failure_type or "unknown",
                temporary=mail.failure_type == "mail_smtp",
            )
        return mail.message_id
