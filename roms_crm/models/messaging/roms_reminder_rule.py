import logging

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, create_index

from ...tools.cron import retried_soon

_logger = logging.getLogger(__name__)

LOOKBACK_PARAM = "roms_crm.reminder_lookback_days"
LEARNED_MAX_PARAM = "roms_crm.reminder_learned_max_days"
BATCH_PARAM = "roms_crm.reminder_batch_size"
DEFAULT_LOOKBACK_DAYS = 7
DEFAULT_LEARNED_MAX_DAYS = 365
DEFAULT_BATCH_SIZE = 500


class RomsReminderRule(models.Model):
    """Repeat-order reminder: "send this template X days after delivery".

    The cron ``_cron_roms_reminders`` finds the due (rule, order line) pairs with
    one set-based query over the delivery-date index and queues one
    ``roms.message`` per pair; a unique index on the queue makes a second
    reminder for the same pair impossible, whatever runs concurrently.
    """

    _name = "roms.reminder.rule"
    _description = "Repeat-order Reminder Rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    days_after_delivery = fields.Integer(
        required=True,
        default=14,
        help="The reminder is sent this many days after the order was delivered.",
    )
    product_ids = fields.Many2many(
        "product.product",
        "roms_reminder_rule_product_rel",
        "rule_id",
        "product_id",
        help="The products this rule reminds about; leave empty for all products.",
    )
    template_id = fields.Many2one(
        "roms.message.template",
        required=True,
        domain=[("template_type", "=", "reminder")],
        help="The message sent; {recommendation} is the product's cross-sell "
        "sentence in the customer's language.",
    )
    use_learned_interval = fields.Boolean(
        string="Learned Interval",
        help="For a customer who bought the product at least twice, remind after "
        "the median number of days between their purchases instead of the fixed "
        "days.",
    )
    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.company,
        help="Only orders of this company; leave empty for all companies.",
    )
    followup_template_id = fields.Many2one(
        "roms.message.template",
        string="Second Step",
        domain=[("template_type", "=", "reminder")],
        help="Optional: a second message, this many days after the reminder, sent "
        "only when the customer has not ordered the product again, answered or "
        "opted out since.",
    )
    followup_days = fields.Integer(
        string="Second Step After (days)",
        default=3,
        help="Days between the reminder and its second step.",
    )
    message_count = fields.Integer(string="Reminders", compute="_compute_message_count")

    @api.constrains("days_after_delivery")
    def _check_days_after_delivery(self):
        for rule in self:
            if rule.days_after_delivery < 1:
                raise ValidationError(
                    self.env._(
                        "Reminder rule %(rule)s: the days after delivery must be at "
                        "least 1.",
                        rule=rule.name,
                    )
                )

    @api.constrains("template_id")
    def _check_template_type(self):
        for rule in self:
            if rule.template_id.template_type != "reminder":
                raise ValidationError(
                    self.env._(
                        "Reminder rule %(rule)s needs a template of type Reminder.",
                        rule=rule.name,
                    )
                )

    @api.constrains("followup_template_id", "followup_days")
    def _check_followup(self):
        for rule in self.filtered("followup_template_id"):
            if rule.followup_template_id.template_type != "reminder":
                raise ValidationError(
                    self.env._(
                        "Reminder rule %(rule)s: the second step needs a template "
                        "of type Reminder.",
                        rule=rule.name,
                    )
                )
            if not 1 <= rule.followup_days <= 365:
                raise ValidationError(
                    self.env._(
                        "Reminder rule %(rule)s: the second step comes 1 to 365 "
                        "days after the reminder.",
                        rule=rule.name,
                    )
                )

    def _compute_message_count(self):
        counts = dict(
            self.env["roms.message"]._read_group(
                [("reminder_rule_id", "in", self.ids)],
                ["reminder_rule_id"],
                ["__count"],
            )
        )
        for rule in self:
            rule.message_count = counts.get(rule, 0)

    def action_view_messages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "roms_crm.roms_message_action_reminders"
        )
        action["domain"] = [("reminder_rule_id", "=", self.id)]
        return action

    def init(self):
        # The reminder scan walks the recently delivered orders only: the
        # predicate is the scan's own condition (an index made before a change of
        # the vocabulary keeps its old predicate until it is dropped).
        create_index(
            self.env.cr,
            "sale_order_roms_delivered_scan_idx",
            "sale_order",
            ["roms_delivered_date", "id"],
            where=self.env.cr.mogrify(self._delivered_sql("sale_order")).decode(
                self.env.cr.connection.encoding
            ),
        )
        # Re-order check and learned interval: a customer's lines of a product.
        create_index(
            self.env.cr,
            "sale_order_line_roms_partner_product_idx",
            "sale_order_line",
            ["order_partner_id", "product_id"],
        )
        return super().init()

    # ------------------------------------------------------------------
    # The scan
    # ------------------------------------------------------------------

    @api.model
    def _delivered_sql(self, alias):
        """SQL condition: the sale_order row ``alias`` is a delivered order that
        counts, the orders the scan reminds about (refunded ones aside)."""
        return SQL(
            "%s = 'delivered' AND %s",
            SQL.identifier(alias, "roms_stage"),
            self.env["sale.order"]._roms_counting_order_sql(alias),
        )

    @api.model
    def _due_query(self, rules, now, limit=None):
        """The one query of the scan: due (rule id, order line id) pairs.

        A line is due for a rule when its order is delivered (and not cancelled
        or refunded), the product is one of the rule's (or the rule has none),
        delivery + interval has come within the last lookback days, no reminder
        exists yet for the pair, the customer has not opted out and has not
        ordered the product again since the delivery. The interval is the rule's
        days, or with a learned interval the median of the customer's own days
        between purchases of the product (at least two purchases).

        Only orders delivered in a window before ``now`` are read (partial index
        on the delivery date), so the cost follows the due lines, not all orders.
        """
        lookback = self.env["ir.config_parameter"]._roms_param(
            LOOKBACK_PARAM, DEFAULT_LOOKBACK_DAYS
        )
        learned_max = self.env["ir.config_parameter"]._roms_param(
            LEARNED_MAX_PARAM, DEFAULT_LEARNED_MAX_DAYS
        )
        opted_out = self.env["roms.message"]._opted_out_sql("p")
        Order = self.env["sale.order"]
        return SQL(
            """
            WITH rule AS (
                SELECT r.id, r.days_after_delivery AS days, r.company_id,
                       COALESCE(r.use_learned_interval, FALSE) AS learned,
                       (SELECT array_agg(rp.product_id)
                          FROM roms_reminder_rule_product_rel rp
                         WHERE rp.rule_id = r.id) AS products
                  FROM roms_reminder_rule r
                 WHERE r.id = ANY(%(rules)s)
            ), candidate AS (
                SELECT rule.id AS rule_id, rule.days, rule.learned,
                       o.id AS order_id, o.roms_delivered_date AS delivered,
                       l.id AS line_id, l.order_partner_id AS partner_id,
                       l.product_id
                  FROM rule
                  JOIN sale_order o
                    ON %(delivered)s
                   AND o.roms_delivered_date > %(now)s - make_interval(
                           days => CASE WHEN rule.learned
                                        THEN GREATEST(rule.days, %(learned_max)s)
                                        ELSE rule.days END + %(lookback)s)
                   AND o.roms_delivered_date <= %(now)s - make_interval(
                           days => CASE WHEN rule.learned THEN 0
                                        ELSE rule.days END)
                   AND (rule.company_id IS NULL OR o.company_id = rule.company_id)
                  JOIN sale_order_line l
                    ON l.order_id = o.id AND l.display_type IS NULL
                   AND l.product_id IS NOT NULL
                   -- the shipping cost is no product to order again
                   AND l.is_delivery IS NOT TRUE
                   AND (rule.products IS NULL OR l.product_id = ANY(rule.products))
            ), learned AS (
                SELECT pair.partner_id, pair.product_id,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY gap.days)
                           AS median_days
                  FROM (SELECT DISTINCT partner_id, product_id
                          FROM candidate WHERE learned) AS pair
                 CROSS JOIN LATERAL (
                       SELECT EXTRACT(EPOCH FROM bought - lag(bought)
                                      OVER (ORDER BY bought)) / 86400.0 AS days
                         FROM (SELECT DISTINCT o2.date_order AS bought
                                 FROM sale_order_line l2
                                 JOIN sale_order o2 ON o2.id = l2.order_id
                                WHERE l2.order_partner_id = pair.partner_id
                                  AND l2.product_id = pair.product_id
                                  AND %(o2_counts)s) AS purchase
                       ) AS gap
                 WHERE gap.days IS NOT NULL
                 GROUP BY pair.partner_id, pair.product_id
            )
            SELECT c.rule_id, c.line_id
              FROM candidate c
              JOIN res_partner p ON p.id = c.partner_id
              LEFT JOIN learned lr
                ON c.learned AND lr.partner_id = c.partner_id
               AND lr.product_id = c.product_id
             CROSS JOIN LATERAL (
                   SELECT c.delivered + make_interval(
                              secs => LEAST(COALESCE(lr.median_days, c.days),
                                            GREATEST(c.days, %(learned_max)s))
                                      * 86400) AS due
                   ) AS d
             WHERE d.due <= %(now)s
               AND d.due > %(now)s - make_interval(days => %(lookback)s)
               AND NOT EXISTS (
                       SELECT 1 FROM roms_message m
                        WHERE m.reminder_rule_id = c.rule_id
                          AND m.sale_order_line_id = c.line_id)
               AND NOT %(refunded)s
               AND NOT EXISTS (
                       SELECT 1 FROM sale_order_line l3
                         JOIN sale_order o3 ON o3.id = l3.order_id
                        WHERE l3.order_partner_id = c.partner_id
                          AND l3.product_id = c.product_id
                          AND l3.order_id != c.order_id
                          AND %(o3_counts)s
                          AND o3.date_order > c.delivered)
               AND NOT %(opted_out)s
             ORDER BY c.line_id, c.rule_id
             %(limit)s
            """,
            rules=list(rules.ids),
            now=now,
            lookback=lookback,
            learned_max=learned_max,
            opted_out=opted_out,
            delivered=self._delivered_sql("o"),
            o2_counts=Order._roms_counting_order_sql("o2"),
            o3_counts=Order._roms_counting_order_sql("o3"),
            refunded=Order._roms_refunded_order_sql("c", "order_id"),
            limit=SQL("LIMIT %s", limit) if limit else SQL(),
        )

    @api.model
    def _active_rules(self):
        """The active rules, with what the scans read of them, in one query."""
        return self.search_fetch(  # pylint: disable=no-search-all
            [], ["followup_template_id", "followup_days"]
        )

    @api.model
    def _due_pairs(self, now=None, limit=None, rules=None):
        """Due (rule id, line id) pairs of the active rules (``rules``: already
        read), in one query."""
        rules = self._active_rules() if rules is None else rules
        if not rules:
            return []
        for model, names in (
            (
                "sale.order",
                ["roms_stage", "state", "roms_delivered_date", "date_order"],
            ),
            (
                "sale.order.line",
                ["order_partner_id", "product_id", "display_type", "is_delivery"],
            ),
            ("roms.refund.request", ["order_id", "state"]),
            ("roms.message", ["reminder_rule_id", "sale_order_line_id"]),
        ):
            self.env[model].flush_model(names)
        self.flush_model()
        return self.env.execute_query(
            self._due_query(rules, now or fields.Datetime.now(), limit)
        )

    # ------------------------------------------------------------------
    # Queueing
    # ------------------------------------------------------------------

    @api.model
    def _cron_roms_reminders(self, batch_size=None, now=None):
        """Queue one batch of due reminders, report progress and return; the cron
        runner calls again while some remain."""
        batch_size = batch_size or self.env["ir.config_parameter"]._roms_param(
            BATCH_PARAM, DEFAULT_BATCH_SIZE
        )
        rules = self._active_rules()
        pairs = self._due_pairs(now=now, limit=batch_size + 1, rules=rules)
        batch, more = pairs[:batch_size], len(pairs) > batch_size
        # the second steps due are those of reminders sent days ago: not the
        # ones queued now
        firsts = self._due_followups(
            now=now, limit=batch_size + 1, rules=rules.filtered("followup_template_id")
        )
        more = more or len(firsts) > batch_size
        queued = followups = self.env["roms.message"]
        if batch or firsts:
            # a customer of the batch updated meanwhile (the statistics of
            # another worker): the batch is queued again in a new transaction
            with retried_soon(self.env) as outcome:
                queued = self._queue_reminders(batch)
                followups = self._queue_followups(firsts[:batch_size])
            if outcome["conflict"]:
                queued = followups = self.env["roms.message"]
                batch, more = [], True
        self.env["ir.cron"]._notify_progress(
            done=len(batch) + len(followups), remaining=int(more)
        )
        return queued | followups

    @api.model
    def _queue_reminders(self, pairs):
        """Create the reminder messages of ``pairs`` (rule id, line id); pairs
        that got a reminder meanwhile (another worker) are skipped."""
        if not pairs:
            return self.env["roms.message"]
        rules = self.browse({rule_id for rule_id, _line in pairs})
        lines = self.env["sale.order.line"].browse([line for _rule, line in pairs])
        lines.fetch(["order_id", "order_partner_id", "product_id"])
        rule_of = {rule.id: rule for rule in rules}
        vals_list = [
            rule_of[rule_id]._reminder_vals(self.env["sale.order.line"].browse(line_id))
            for rule_id, line_id in pairs
        ]
        self._apply_frequency_cap(vals_list)
        # the unique (rule, line) index refuses a second reminder of a pair
        return self.env["roms.message"]._create_skipping_duplicates(vals_list)

    # ------------------------------------------------------------------
    # The second step
    # ------------------------------------------------------------------

    @api.model
    def _followup_query(self, rules, now, limit=None):
        """Due second steps: the ids of the reminders sent the rule's follow-up
        days ago (within the lookback) that have no follow-up yet, whose customer
        has since neither answered (a reply button, a number, any message:
        ``roms.message._replied_since_sql``), nor ordered the product again
        (a counting order after the reminder, or an order from its button), nor
        opted out. One query over the sent-date index of the queue."""
        lookback = self.env["ir.config_parameter"]._roms_param(
            LOOKBACK_PARAM, DEFAULT_LOOKBACK_DAYS
        )
        Message = self.env["roms.message"]
        return SQL(
            """
            SELECT m.id
              FROM roms_message m
              JOIN roms_reminder_rule r ON r.id = m.reminder_rule_id
              JOIN sale_order_line l ON l.id = m.sale_order_line_id
              JOIN res_partner p ON p.id = m.partner_id
             WHERE r.id = ANY(%(rules)s)
               AND r.followup_template_id IS NOT NULL
               AND m.kind = 'reminder' AND m.parent_id IS NULL
               AND m.state IN ('sent', 'delivered', 'read')
               AND m.sent_at <= %(now)s - make_interval(days => r.followup_days)
               AND m.sent_at > %(now)s - make_interval(
                       days => r.followup_days + %(lookback)s)
               AND m.replied_at IS NULL AND m.reply_order_id IS NULL
               AND NOT EXISTS (SELECT 1 FROM roms_message f
                                WHERE f.parent_id = m.id AND f.kind = 'followup')
               AND NOT EXISTS (
                       SELECT 1 FROM sale_order_line l3
                         JOIN sale_order o3 ON o3.id = l3.order_id
                        WHERE l3.order_partner_id = l.order_partner_id
                          AND l3.product_id = l.product_id
                          AND %(o3_counts)s
                          AND o3.date_order > m.sent_at)
               AND NOT %(opted_out)s
               AND NOT %(replied)s
             ORDER BY m.id
             %(limit)s
            """,
            rules=list(rules.ids),
            now=now,
            lookback=lookback,
            o3_counts=self.env["sale.order"]._roms_counting_order_sql("o3"),
            opted_out=Message._opted_out_sql("p"),
            replied=Message._replied_since_sql("p", SQL("m.sent_at")),
            limit=SQL("LIMIT %s", limit) if limit else SQL(),
        )

    @api.model
    def _due_followups(self, now=None, limit=None, rules=None):
        """The reminders (sudo) whose second step is due now (``rules``: the
        active rules with a second step, already read)."""
        if rules is None:
            rules = self.search([("followup_template_id", "!=", False)])
        if not rules:
            return self.env["roms.message"].sudo()
        for model, names in (
            ("sale.order", ["state", "date_order"]),
            ("sale.order.line", ["order_partner_id", "product_id"]),
            ("roms.refund.request", ["order_id", "state"]),
            ("roms.message", []),
        ):
            self.env[model].flush_model(names or None)
        self.flush_model()
        rows = self.env.execute_query(
            self._followup_query(rules, now or fields.Datetime.now(), limit)
        )
        return self.env["roms.message"].sudo().browse([row[0] for row in rows])

    @api.model
    def _queue_followups(self, reminders):
        """Queue the second step of these reminders (frequency cap applied); a
        reminder followed up meanwhile by another worker is skipped."""
        if not reminders:
            return self.env["roms.message"]
        vals_list = [
            reminder.reminder_rule_id._followup_vals(reminder) for reminder in reminders
        ]
        self._apply_frequency_cap(vals_list)
        return self.env["roms.message"]._create_skipping_duplicates(vals_list)

    def _followup_vals(self, reminder):
        """The queue row of this rule's second step after ``reminder``."""
        self.ensure_one()
        line = reminder.sale_order_line_id
        template = self.followup_template_id
        vals = self._reminder_vals(line, template=template)
        vals.update(kind="followup", sale_order_line_id=False, parent_id=reminder.id)
        return vals

    @api.model
    def _apply_frequency_cap(self, vals_list):
        """Reminders beyond the frequency cap of their customer are kept cancelled,
        with the reason (the pair is done, not lost silently)."""
        return self.env["roms.message"]._apply_frequency_cap(vals_list)

    def _reminder_vals(self, line, template=None):
        """The queue row of this rule's reminder for ``line`` (with ``template``:
        its second step's text)."""
        self.ensure_one()
        Message = self.env["roms.message"]
        template = template or self.template_id
        partner = line.order_partner_id
        lang = partner.lang or self.env.lang
        product = line.product_id.with_context(lang=lang)
        body = template.with_context(lang=lang)._render(
            partner=partner.with_context(lang=lang),
            order=line.order_id.with_context(lang=lang),
            product=product,
        )
        channel = Message._default_channel(partner)
        recipient = Message._recipient(partner, channel)
        vals = {
            "partner_id": partner.id,
            "channel": channel,
            "kind": "reminder",
            "body": body,
            "template_id": template.id,
            "res_model": "sale.order",
            "res_id": line.order_id.id,
            "recipient": recipient or False,
            "reminder_rule_id": self.id,
            "sale_order_line_id": line.id,
            "state": "queued",
        }
        # without a recipient, kept (marks the pair as done) but never sent
        return self.env["roms.message"]._complete_queue_vals(
            vals, template, recipient, channel
        )

    def action_run_now(self):
        """Queue the reminders that are due now (all batches)."""
        total = 0
        while True:
            queued = self._cron_roms_reminders()
            total += len(queued)
            if not queued:
                break
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._("%(count)s reminders queued.", count=total),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
