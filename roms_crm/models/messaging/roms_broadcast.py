from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from ...tools.cron import retried_soon
from .roms_message_template import template_variables

BATCH_PARAM = "roms_crm.broadcast_batch_size"
JITTER_PARAM = "roms_crm.broadcast_jitter_seconds"
THRESHOLD_PARAM = "roms_crm.broadcast_failure_threshold"
MIN_SAMPLE_PARAM = "roms_crm.broadcast_failure_min_sample"
DEFAULT_BATCH_SIZE = 2000
DEFAULT_JITTER_SECONDS = 10
DEFAULT_THRESHOLD = 20  # percent of the messages tried
DEFAULT_MIN_SAMPLE = 20

STATES = [
    ("draft", "Draft"),
    ("scheduled", "Scheduled"),
    ("sending", "Sending"),
    ("paused", "Paused"),
    ("stopped", "Stopped"),
    ("done", "Done"),
]
SENT_STATES = ("sent", "delivered", "read")


class RomsBroadcast(models.Model):
    """A message to an audience of customers (segments, categories, cities).

    Recipients are materialised as ``roms.message`` rows by the cron in committed
    batches of INSERT … SELECT: the ids never travel through Python and a
    50,000-customer broadcast is never one transaction. A unique (broadcast,
    customer) index makes stop/resume and concurrent workers unable to queue a
    customer twice. Opted-out customers, customers without an address for the
    channel and second customers sharing one number are skipped and counted.
    """

    _name = "roms.broadcast"
    _description = "Broadcast"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, required=True
    )
    state = fields.Selection(
        STATES, default="draft", required=True, readonly=True, tracking=True, copy=False
    )
    # audience: AND between the kinds, OR within a kind
    segment_ids = fields.Many2many(
        "roms.segment",
        "roms_broadcast_segment_rel",
        "broadcast_id",
        "segment_id",
        string="Segments",
    )
    category_ids = fields.Many2many(
        "roms.customer.category",
        "roms_broadcast_category_rel",
        "broadcast_id",
        "category_id",
        string="Customer Categories",
    )
    city_ids = fields.Many2many(
        "res.city",
        "roms_broadcast_city_rel",
        "broadcast_id",
        "city_id",
        string="Cities",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        "roms_broadcast_partner_rel",
        "broadcast_id",
        "partner_id",
        string="Customers",
        help="Only these customers (for example the top customers of a report); "
        "combined with the other criteria.",
    )
    channel = fields.Selection(
        selection="_selection_channel",
        required=True,
        default=lambda self: self._default_channel(),
    )
    template_id = fields.Many2one(
        "roms.message.template",
        domain=[("template_type", "=", "broadcast")],
        help="Sent in each customer's language. Leave empty to write the message "
        "below.",
    )
    body = fields.Text(
        string="Message",
        help="Plain text; {customer_name} (or {name}) becomes the customer's name.",
    )
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "roms_broadcast_attachment_rel",
        "broadcast_id",
        "attachment_id",
        string="Image or Document",
    )
    send_mode = fields.Selection(
        [("now", "Send now"), ("scheduled", "At a date")],
        string="When",
        default="now",
        required=True,
    )
    scheduled_at = fields.Datetime(string="Send At", copy=False)
    started_at = fields.Datetime(string="Started On", readonly=True, copy=False)
    done_at = fields.Datetime(string="Finished On", readonly=True, copy=False)
    pause_reason = fields.Text(readonly=True, copy=False)
    # the failure check counts from the last resume or retry
    check_sent_base = fields.Integer(readonly=True, copy=False)
    check_failed_base = fields.Integer(readonly=True, copy=False)

    # live audience (before sending)
    audience_count = fields.Integer(
        string="Audience", compute="_compute_audience_counts"
    )
    opt_out_count = fields.Integer(
        string="Opted Out", compute="_compute_audience_counts"
    )
    recipient_count = fields.Integer(
        string="Recipients",
        compute="_compute_audience_counts",
        help="Customers of the audience who have not opted out.",
    )

    # materialisation
    materialised = fields.Boolean(
        string="All Queued", readonly=True, copy=False, default=False
    )
    last_partner_id = fields.Integer(readonly=True, copy=False)
    skipped_opt_out_count = fields.Integer(
        string="Skipped: Opted Out", readonly=True, copy=False
    )
    skipped_invalid_count = fields.Integer(
        string="Skipped: No Address",
        readonly=True,
        copy=False,
        help="Customers without a valid number or e-mail address for the channel.",
    )
    skipped_capped_count = fields.Integer(
        string="Skipped: Frequency Cap",
        readonly=True,
        copy=False,
        help="Customers who already got the most marketing messages the shop sends "
        "in 7 days (Settings › Frequency Cap).",
    )
    skipped_duplicate_count = fields.Integer(
        string="Skipped: Duplicates",
        readonly=True,
        copy=False,
        help="Customers sharing a number or e-mail address already in this "
        "broadcast: each address gets the message once.",
    )

    # progress
    message_total = fields.Integer(string="Total Messages", compute="_compute_progress")
    queued_count = fields.Integer(string="Queued", compute="_compute_progress")
    sent_count = fields.Integer(string="Sent", compute="_compute_progress")
    failed_count = fields.Integer(string="Failed", compute="_compute_progress")
    cancelled_count = fields.Integer(string="Cancelled", compute="_compute_progress")
    progress = fields.Float(
        compute="_compute_progress", help="Share of the messages sent or failed."
    )

    # ------------------------------------------------------------------
    # Defaults, constraints
    # ------------------------------------------------------------------

    @api.model
    def _selection_channel(self):
        return (
            self.env["roms.message"]._fields["channel"]._description_selection(self.env)
        )

    @api.model
    def _default_channel(self):
        return self.env["roms.message"]._broadcast_default_channel()

    @api.model
    def _allowed_variables(self):
        """Variables a broadcast may use: only the customer's (no order, no
        product). Extended by modules that add customer variables."""
        return {"customer_name", "name"}

    @api.constrains("body")
    def _check_body(self):
        allowed = self._allowed_variables()
        for broadcast in self.filtered("body"):
            names, balanced = template_variables(broadcast.body)
            if not balanced or set(names) - allowed:
                raise ValidationError(
                    self.env._(
                        "Broadcast %(name)s: the message may only use "
                        "%(allowed)s between braces.",
                        name=broadcast.name,
                        allowed=", ".join(f"{{{v}}}" for v in sorted(allowed)),
                    )
                )

    @api.constrains("template_id")
    def _check_template(self):
        allowed = self._allowed_variables()
        for broadcast in self.filtered("template_id"):
            template = broadcast.template_id
            unknown = set(template_variables(template.body)[0]) - allowed
            if template.template_type != "broadcast" or unknown:
                raise ValidationError(
                    self.env._(
                        "Broadcast %(name)s needs a template of type Broadcast that "
                        "only uses the customer's variables (%(allowed)s).",
                        name=broadcast.name,
                        allowed=", ".join(f"{{{v}}}" for v in sorted(allowed)),
                    )
                )

    @api.onchange("template_id")
    def _onchange_template_id(self):
        if self.template_id:
            self.body = self.template_id.body

    # ------------------------------------------------------------------
    # Audience
    # ------------------------------------------------------------------

    def _audience_domain(self):
        """Active ROMS customers in any of the segments AND any of the categories
        AND any of the cities chosen (a kind left empty does not filter)."""
        self.ensure_one()
        domain = [("roms_category", "!=", False)]
        if self.segment_ids:
            domain.append(("roms_segment_ids", "in", self.segment_ids.ids))
        if self.category_ids:
            domain.append(("roms_category", "in", self.category_ids.mapped("code")))
        if self.city_ids:
            domain.append(("city_id", "in", self.city_ids.ids))
        if self.partner_ids:
            domain.append(("id", "in", self.partner_ids.ids))
        return domain

    def _has_audience(self):
        return bool(
            self.segment_ids or self.category_ids or self.city_ids or self.partner_ids
        )

    @api.depends("segment_ids", "category_ids", "city_ids", "partner_ids")
    def _compute_audience_counts(self):
        Partner = self.env["res.partner"]
        for broadcast in self:
            if not broadcast._has_audience():
                broadcast.audience_count = broadcast.opt_out_count = 0
                broadcast.recipient_count = 0
                continue
            domain = broadcast._audience_domain()
            audience = Partner.search_count(domain)
            opted_out = Partner.search_count(
                expression.AND([domain, [("roms_opt_out", "=", True)]])
            )
            broadcast.audience_count = audience
            broadcast.opt_out_count = opted_out
            broadcast.recipient_count = audience - opted_out

    def _compute_progress(self):
        counts = {}
        for broadcast, state, count in self.env["roms.message"]._read_group(
            [("broadcast_id", "in", self.ids)],
            ["broadcast_id", "state"],
            ["__count"],
        ):
            counts.setdefault(broadcast.id, {})[state] = count
        for broadcast in self:
            by_state = counts.get(broadcast.id, {})
            total = sum(by_state.values())
            sent = sum(by_state.get(state, 0) for state in SENT_STATES)
            failed = by_state.get("failed", 0)
            broadcast.message_total = total
            broadcast.queued_count = by_state.get("queued", 0)
            broadcast.sent_count = sent
            broadcast.failed_count = failed
            broadcast.cancelled_count = by_state.get("cancelled", 0)
            broadcast.progress = 100.0 * (sent + failed) / total if total else 0.0

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def _check_ready(self):
        for broadcast in self:
            if not broadcast._has_audience():
                raise UserError(
                    self.env._(
                        "Broadcast %(name)s: choose at least one segment, customer "
                        "category or city.",
                        name=broadcast.name,
                    )
                )
            if not broadcast.template_id and not (broadcast.body or "").strip():
                raise UserError(
                    self.env._(
                        "Broadcast %(name)s: write a message or choose a template.",
                        name=broadcast.name,
                    )
                )
            if broadcast.send_mode == "scheduled" and not broadcast.scheduled_at:
                raise UserError(
                    self.env._(
                        "Broadcast %(name)s: choose when to send it.",
                        name=broadcast.name,
                    )
                )

    def action_send(self):
        """Send now, or schedule: the cron queues the recipients in batches."""
        self._check_ready()
        for broadcast in self:
            if broadcast.state != "draft":
                raise UserError(
                    self.env._(
                        "Broadcast %(name)s was already sent.", name=broadcast.name
                    )
                )
        now = fields.Datetime.now()
        later = self.filtered(
            lambda b: b.send_mode == "scheduled" and b.scheduled_at > now
        )
        later.write({"state": "scheduled"})
        (self - later).write({"state": "sending", "started_at": now})
        cron = self.env.ref(
            "roms_crm.ir_cron_roms_broadcasts", raise_if_not_found=False
        )
        if cron:
            for broadcast in self:
                cron.sudo()._trigger(
                    broadcast.scheduled_at if broadcast in later else None
                )
        return True

    def action_cancel_schedule(self):
        self.filtered(lambda b: b.state == "scheduled").write({"state": "draft"})
        return True

    def action_stop(self):
        """Stop: the queued messages are cancelled (not the ones being sent right
        now); resume sends them and queues the rest of the audience."""
        running = self.filtered(lambda b: b.state in ("scheduled", "sending", "paused"))
        running.write({"state": "stopped"})
        running._cancel_queued()
        for broadcast in running:
            broadcast.message_post(
                body=self.env._("Stopped by %(user)s.", user=self.env.user.name)
            )
        return True

    def action_resume(self):
        """Resume a stopped or paused broadcast: the cancelled messages are queued
        again and the rest of the audience is queued; no customer gets it twice."""
        resumable = self.filtered(lambda b: b.state in ("stopped", "paused"))
        if not resumable:
            raise UserError(self.env._("Only stopped or paused broadcasts resume."))
        resumable.write({"state": "sending", "pause_reason": False})
        resumable._requeue(["cancelled"])
        resumable._reset_failure_check()
        for broadcast in resumable:
            broadcast.message_post(
                body=self.env._("Resumed by %(user)s.", user=self.env.user.name)
            )
        resumable._trigger()
        return True

    def action_retry_failed(self):
        """Send the failed messages again (and only those)."""
        for broadcast in self:
            if broadcast.state in ("draft", "scheduled"):
                raise UserError(
                    self.env._(
                        "Broadcast %(name)s has not been sent yet.",
                        name=broadcast.name,
                    )
                )
        held = self.filtered(lambda b: b.state in ("paused", "stopped"))
        # a paused or stopped broadcast keeps them until it resumes
        retried = held._requeue(["failed"], state="cancelled")
        retried.update((self - held)._requeue(["failed"]))
        self.filtered(lambda b: b.state == "done").write(
            {"state": "sending", "done_at": False}
        )
        self._reset_failure_check()
        for broadcast in self:
            if broadcast in held:
                body = self.env._(
                    "%(count)s failed messages will be sent again when the broadcast "
                    "resumes (%(user)s).",
                    count=retried.get(broadcast.id, 0),
                    user=self.env.user.name,
                )
            else:
                body = self.env._(
                    "%(count)s failed messages queued again by %(user)s.",
                    count=retried.get(broadcast.id, 0),
                    user=self.env.user.name,
                )
            broadcast.message_post(body=body)
        self._trigger()
        return True

    def _reset_failure_check(self):
        self.invalidate_recordset(["sent_count", "failed_count"])
        for broadcast in self:
            broadcast.write(
                {
                    "check_sent_base": broadcast.sent_count,
                    "check_failed_base": broadcast.failed_count,
                }
            )

    def action_view_messages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "roms_crm.roms_message_action_broadcast"
        )
        action["domain"] = [("broadcast_id", "=", self.id)]
        action["context"] = {"create": False, "group_by": ["state"]}
        return action

    def _trigger(self):
        cron = self.env.ref(
            "roms_crm.ir_cron_roms_broadcasts", raise_if_not_found=False
        )
        if cron:
            cron.sudo()._trigger()

    def _cancel_queued(self):
        """Cancel the queued messages of these broadcasts. Rows the sending cron
        holds right now (locked) are left to it: they are being sent."""
        if not self:
            return
        Message = self.env["roms.message"]
        Message.flush_model(["broadcast_id", "state"])
        self.env.execute_query(
            SQL(
                """UPDATE roms_message SET state = 'cancelled', write_date = now()
                                    AT TIME ZONE 'UTC', write_uid = %(uid)s
                    WHERE id IN (SELECT id FROM roms_message
                                  WHERE broadcast_id = ANY(%(ids)s)
                                    AND state = 'queued'
                                    FOR NO KEY UPDATE SKIP LOCKED)""",
                uid=self.env.uid,
                ids=self.ids,
            )
        )
        Message.invalidate_model(["state", "write_date", "write_uid"])

    def _requeue(self, states, state="queued"):
        """Queue again (or hold, with ``state="cancelled"``) the messages of these
        broadcasts in ``states``, with a new jitter; return {broadcast id: count}."""
        if not self:
            return {}
        Message = self.env["roms.message"]
        Message.flush_model()
        rows = self.env.execute_query(
            SQL(
                """UPDATE roms_message m
                      SET state = %(state)s, attempts = 0, error_code = NULL,
                          error_message = NULL,
                          next_attempt_at = now() AT TIME ZONE 'UTC'
                              + make_interval(secs => random() * %(jitter)s),
                          write_date = now() AT TIME ZONE 'UTC', write_uid = %(uid)s
                    WHERE m.id IN (SELECT id FROM roms_message
                                    WHERE broadcast_id = ANY(%(ids)s)
                                      AND state = ANY(%(states)s)
                                      FOR NO KEY UPDATE SKIP LOCKED)
                RETURNING m.id, m.broadcast_id""",
                state=state,
                jitter=self.env["ir.config_parameter"]._roms_param(
                    JITTER_PARAM, DEFAULT_JITTER_SECONDS
                ),
                uid=self.env.uid,
                ids=self.ids,
                states=list(states),
            )
        )
        Message.invalidate_model()
        if state == "queued":
            Message.browse([row[0] for row in rows])._wake_sender_at_commit()
        counts = {}
        for _message_id, broadcast_id in rows:
            counts[broadcast_id] = counts.get(broadcast_id, 0) + 1
        return counts

    # ------------------------------------------------------------------
    # Materialisation
    # ------------------------------------------------------------------

    def _body_sql(self, partner):
        """SQL of the message of one customer (alias ``partner``): the template in
        the customer's language, or the message; variables replaced."""
        self.ensure_one()
        if self.template_id:
            body = SQL(
                "(SELECT COALESCE(t.body->>%s.lang, t.body->>'en_US')"
                "   FROM roms_message_template t WHERE t.id = %s)",
                SQL.identifier(partner),
                self.template_id.id,
            )
        else:
            body = SQL("%s::text", self.body or "")
        # one pass over the names, as the templates' substitution does: a
        # customer's name is never substituted again
        name = SQL("COALESCE(%s, '')", SQL.identifier(partner, "name"))
        return SQL(
            "replace(replace(%s, '{customer_name}', '{name}'), '{name}', %s)",
            body,
            name,
        )

    def _materialise(self, batch_size=None):
        """Queue the next batch of this broadcast's recipients (one INSERT …
        SELECT), count what was skipped and move the cursor; mark the broadcast
        materialised after the last batch. Returns the number of rows queued."""
        self.ensure_one()
        batch_size = int(
            batch_size
            or self.env["ir.config_parameter"]._roms_param(
                BATCH_PARAM, DEFAULT_BATCH_SIZE
            )
        )
        Partner = self.env["res.partner"]
        Message = self.env["roms.message"]
        # one worker per broadcast at a time
        self.flush_recordset()
        locked = self.env.execute_query(
            SQL(
                """SELECT id FROM roms_broadcast WHERE id = %s AND state = 'sending'
                   AND materialised IS NOT TRUE FOR NO KEY UPDATE SKIP LOCKED""",
                self.id,
            )
        )
        if not locked:
            return 0
        self.invalidate_recordset(["last_partner_id", "materialised"])
        audience = Partner.with_context(active_test=True)._search(
            expression.AND(
                [self._audience_domain(), [("id", ">", self.last_partner_id)]]
            ),
            order="id",
            limit=batch_size,
        )
        attachments = self.attachment_ids | self.template_id.attachment_id
        relation = Message._fields["attachment_ids"]
        jitter = self.env["ir.config_parameter"]._roms_param(
            JITTER_PARAM, DEFAULT_JITTER_SECONDS
        )
        Partner.flush_model()
        Message.flush_model()
        self.flush_recordset()
        cap = Message._frequency_cap()
        [(last_id, opt_out, invalid, duplicate, capped, ok, inserted_ids)] = (
            self.env.execute_query(
                SQL(
                    """
                WITH audience AS (%(audience)s),
                candidate AS (
                    SELECT p.id AS partner_id, %(body)s AS body,
                           %(recipient)s AS recipient,
                           %(opted_out)s AS opted_out
                      FROM res_partner p JOIN audience a ON a.id = p.id
                ), ranked AS (
                    SELECT c.*, row_number() OVER (
                               PARTITION BY c.recipient
                               ORDER BY c.opted_out, c.partner_id) AS copy
                      FROM candidate c
                ), classified AS (
                    SELECT r.*,
                           CASE WHEN r.opted_out THEN 'opt_out'
                                WHEN r.recipient IS NULL THEN 'invalid'
                                WHEN r.copy > 1 OR EXISTS (
                                    SELECT 1 FROM roms_message m
                                     WHERE m.broadcast_id = %(broadcast)s
                                       AND m.recipient = r.recipient)
                                THEN 'duplicate'
                                %(capped)s
                                ELSE 'ok' END AS status
                      FROM ranked r
                ), inserted AS (
                    INSERT INTO roms_message (
                        partner_id, channel, kind, body, state, recipient,
                        broadcast_id, template_id, res_model, res_id, attempts,
                        next_attempt_at, create_uid, create_date, write_uid,
                        write_date)
                    SELECT c.partner_id, %(channel)s, 'broadcast', c.body, 'queued',
                           c.recipient, %(broadcast)s, %(template)s, 'roms.broadcast',
                           %(broadcast)s, 0,
                           %(now)s + make_interval(secs => random() * %(jitter)s),
                           %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM classified c
                     WHERE c.status = 'ok'
                     ORDER BY c.partner_id
                    ON CONFLICT DO NOTHING
                    RETURNING id
                ), attached AS (
                    INSERT INTO %(rel)s (%(rel_message)s, %(rel_attachment)s)
                    SELECT i.id, a.id FROM inserted i
                     CROSS JOIN unnest(%(attachments)s::int[]) AS a(id)
                )
                SELECT (SELECT max(id) FROM audience),
                       count(*) FILTER (WHERE status = 'opt_out'),
                       count(*) FILTER (WHERE status = 'invalid'),
                       count(*) FILTER (WHERE status = 'duplicate'),
                       count(*) FILTER (WHERE status = 'capped'),
                       count(*) FILTER (WHERE status = 'ok'),
                       (SELECT array_agg(id) FROM inserted)
                  FROM classified
                """,
                    audience=audience.select(SQL.identifier(audience.table, "id")),
                    body=self._body_sql("p"),
                    recipient=Message._recipient_sql(self.channel, "p"),
                    opted_out=Message._opted_out_sql("p"),
                    capped=SQL(
                        "WHEN %s THEN 'capped'",
                        Message._capped_sql(SQL.identifier("r", "partner_id"), cap),
                    )
                    if cap
                    else SQL(),
                    broadcast=self.id,
                    channel=self.channel,
                    template=self.template_id.id or None,
                    now=fields.Datetime.now(),
                    jitter=jitter,
                    uid=self.env.uid,
                    rel=SQL.identifier(relation.relation),
                    rel_message=SQL.identifier(relation.column1),
                    rel_attachment=SQL.identifier(relation.column2),
                    attachments=attachments.ids,
                )
            )
        )
        inserted = len(inserted_ids or [])
        values = {
            "skipped_opt_out_count": self.skipped_opt_out_count + opt_out,
            "skipped_invalid_count": self.skipped_invalid_count + invalid,
            "skipped_capped_count": self.skipped_capped_count + capped,
            # rows another worker queued meanwhile count as duplicates too
            "skipped_duplicate_count": self.skipped_duplicate_count
            + duplicate
            + (ok - inserted),
        }
        if last_id:
            values["last_partner_id"] = last_id
        if not last_id or opt_out + invalid + duplicate + capped + ok < batch_size:
            values["materialised"] = True
        self.write(values)
        Message.invalidate_model()
        # the batch is sent when it commits, not at the sending cron's next minute
        Message.browse(inserted_ids or [])._wake_sender_at_commit()
        return inserted

    # ------------------------------------------------------------------
    # Cron: start, materialise, watch, finish
    # ------------------------------------------------------------------

    @api.model
    def _cron_roms_broadcasts(self, batch_size=None):
        """One step of every running broadcast: start the scheduled ones that are
        due, queue one batch of recipients of one broadcast, pause the ones
        failing too much, close the finished ones. The cron runner calls again
        (after a commit) while recipients remain to be queued."""
        now = fields.Datetime.now()
        due = self.search([("state", "=", "scheduled"), ("scheduled_at", "<=", now)])
        due.write({"state": "sending", "started_at": now})
        running = self.search([("state", "=", "sending")])
        running._check_failures()
        pending = running.filtered(
            lambda b: b.state == "sending" and not b.materialised
        )
        done = 0
        if pending:
            # a customer of the batch updated meanwhile (the statistics of
            # another worker): the batch is queued again in a new transaction
            with retried_soon(self.env):
                done = pending[0]._materialise(batch_size)
        running.filtered(lambda b: b.state == "sending")._close_finished()
        remaining = len(pending.filtered(lambda b: not b.materialised))
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done

    def _close_finished(self):
        finished = self.filtered("materialised")
        if not finished:
            return
        finished.invalidate_recordset(["queued_count"])
        closed = finished.filtered(lambda b: not b.queued_count)
        closed.write({"state": "done", "done_at": fields.Datetime.now()})

    def _check_failures(self):
        """Pause the running broadcasts whose messages fail too often (a blocked
        number, a provider refusing): a share of failures above the threshold
        once enough messages were tried. Posts the reason in the chatter."""
        threshold = self.env["ir.config_parameter"]._roms_param(
            THRESHOLD_PARAM, DEFAULT_THRESHOLD
        )
        min_sample = self.env["ir.config_parameter"]._roms_param(
            MIN_SAMPLE_PARAM, DEFAULT_MIN_SAMPLE
        )
        if threshold <= 0:
            return self.browse()
        self.invalidate_recordset(["sent_count", "failed_count"])
        paused = self.browse()
        for broadcast in self.filtered(lambda b: b.state == "sending"):
            sent = max(broadcast.sent_count - broadcast.check_sent_base, 0)
            failed = max(broadcast.failed_count - broadcast.check_failed_base, 0)
            tried = sent + failed
            if tried < max(min_sample, 1):
                continue
            ratio = 100.0 * failed / tried
            if ratio <= threshold:
                continue
            reason = self.env._(
                "Paused automatically: %(failed)s of %(tried)s messages failed "
                "(%(ratio)s%%, above the %(threshold)s%% threshold). Check the "
                "channel and the failed messages, then resume.",
                failed=failed,
                tried=tried,
                ratio=round(ratio, 1),
                threshold=round(threshold, 1),
            )
            broadcast.write({"state": "paused", "pause_reason": reason})
            broadcast._cancel_queued()
            broadcast.message_post(body=reason)
            paused |= broadcast
        return paused
