import logging
import re
import threading

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ...tools.cron import retried_soon

_logger = logging.getLogger(__name__)

# Customers per batch of the statistics cron and of segment recomputes.
STATS_BATCH_SIZE = 5000
LIFETIME_PARAM = "roms_crm.lifetime_months"
DEFAULT_LIFETIME_MONTHS = 24
DEFAULT_TZ = "Asia/Jakarta"
# the first key of the advisory lock (two int4 keys: this, the customer id) that a
# transaction writing a customer's statistics holds until it ends
STATS_LOCK = 0x524F5354  # "ROST"

ROMS_CATEGORIES = [
    ("lead", "Lead"),
    ("customer", "Customer"),
    ("reseller", "Reseller"),
    ("dropshipper", "Dropshipper"),
    ("agent", "Agent"),
    ("distributor", "Distributor"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    roms_category = fields.Selection(
        ROMS_CATEGORIES,
        string="Customer Category",
        default="customer",
        index=True,
        tracking=True,
        help="How the shop sells to this contact: end customers, or resellers, "
        "dropshippers, agents and distributors who buy to sell on.",
    )
    roms_join_date = fields.Date(
        string="Join Date",
        default=lambda self: self._roms_today(),
        help="When the customer joined the shop. Imported with the customer, so an "
        "import does not make everyone a new member.",
    )
    roms_gender = fields.Selection(
        [("male", "Male"), ("female", "Female")],
        string="Gender",
    )
    roms_instagram = fields.Char(string="Instagram")
    roms_tiktok = fields.Char(string="TikTok")
    roms_facebook = fields.Char(string="Facebook")

    # Phone identity: ROMS customers' numbers are stored in E.164 (+62…); the
    # normalised number is their WhatsApp identity and the key for de-duplication.
    roms_whatsapp_number = fields.Char(
        string="WhatsApp Number",
        compute="_compute_roms_whatsapp_number",
        store=True,
        index="btree_not_null",
        help="The normalised (E.164) mobile number, or the phone number when there is "
        "no mobile: the customer's WhatsApp identity.",
    )
    roms_phone_search = fields.Char(
        string="Any Phone Number",
        compute="_compute_roms_phone_search",
        search="_search_roms_phone_search",
        help="Finds customers by their number however it is typed: 0812-3456-7890, "
        "62812…, +62 812… or a part of it.",
    )
    roms_duplicate_count = fields.Integer(
        string="Duplicates",
        compute="_compute_roms_duplicate_count",
        search="_search_roms_duplicate_count",
        help="Other contacts with the same WhatsApp number.",
    )

    # Statistics: stored, written set-based by _roms_update_stats() from the
    # confirmed orders of the customer and its contacts, in company currency.
    roms_currency_id = fields.Many2one(
        "res.currency", compute="_compute_roms_currency_id", string="Company Currency"
    )
    roms_order_count = fields.Integer(string="Orders", readonly=True, copy=False)
    roms_item_qty = fields.Float(
        string="Items Ordered",
        digits="Product Unit of Measure",
        readonly=True,
        copy=False,
    )
    roms_total_spent = fields.Monetary(
        string="Total Spent",
        currency_field="roms_currency_id",
        readonly=True,
        copy=False,
    )
    roms_first_order_date = fields.Date(string="First Order", readonly=True, copy=False)
    roms_last_order_date = fields.Date(
        string="Last Order", readonly=True, copy=False, index="btree_not_null"
    )
    roms_avg_order_value = fields.Monetary(
        string="Average Order Value",
        currency_field="roms_currency_id",
        readonly=True,
        copy=False,
    )
    roms_avg_days_between_orders = fields.Float(
        string="Average Days Between Orders", digits=(16, 1), readonly=True, copy=False
    )
    roms_orders_per_month = fields.Float(
        string="Orders per Month", digits=(16, 2), readonly=True, copy=False
    )
    roms_spend_per_month = fields.Monetary(
        string="Spend per Month",
        currency_field="roms_currency_id",
        readonly=True,
        copy=False,
    )
    roms_lifetime_value = fields.Monetary(
        string="Customer Lifetime Value",
        currency_field="roms_currency_id",
        readonly=True,
        copy=False,
        help="Average order value × orders per month × the expected customer "
        "lifetime in months (a ROMS setting).",
    )
    roms_loyalty_ratio = fields.Float(
        string="Loyalty Ratio",
        digits=(16, 2),
        readonly=True,
        copy=False,
        help="Share of the months since the first order in which the customer ordered.",
    )
    roms_stats_date = fields.Date(
        string="Statistics Updated On", readonly=True, copy=False
    )
    roms_segment_ids = fields.Many2many(
        "roms.segment",
        "roms_partner_segment_rel",
        "partner_id",
        "segment_id",
        string="Segments",
        readonly=True,
        copy=False,
    )

    # Indonesian address: province (state_id), city/regency (city_id of
    # base_address_extended) and district (kecamatan), each list filtering the next.
    roms_district_id = fields.Many2one(
        "roms.district",
        string="District",
        domain="[('city_id', '=?', city_id), ('state_id', '=?', state_id)]",
        index="btree_not_null",
        help="Kecamatan of the address. Choosing it fills in the city/regency and "
        "the province.",
    )

    # ------------------------------------------------------------------
    # Phone identity
    # ------------------------------------------------------------------

    @api.depends("mobile", "phone", "country_id")
    def _compute_roms_whatsapp_number(self):
        for partner in self:
            partner.roms_whatsapp_number = partner._roms_normalize_phone(
                partner.mobile or partner.phone, partner.country_id
            )

    def _compute_roms_phone_search(self):
        for partner in self:
            partner.roms_phone_search = partner.roms_whatsapp_number

    def _search_roms_phone_search(self, operator, value):
        if operator not in ("=", "ilike") or not isinstance(value, str):
            raise UserError(self.env._("Unsupported search on phone numbers."))
        domain = [
            "|",
            ("mobile", "ilike", value),
            ("phone", "ilike", value),
        ]
        normalized = self._roms_normalize_phone(value)
        if normalized:
            domain = ["|", ("roms_whatsapp_number", "=", normalized), *domain]
        # a part of a number, typed with spaces, dashes or a leading 0
        digits = re.sub(r"\D", "", value).lstrip("0")
        if len(digits) >= 4:
            domain = ["|", ("roms_whatsapp_number", "like", digits), *domain]
        return domain

    def _compute_roms_duplicate_count(self):
        numbers = [n for n in self.mapped("roms_whatsapp_number") if n]
        counts = dict(
            self.with_context(active_test=False)._read_group(
                [("roms_whatsapp_number", "in", numbers)],
                ["roms_whatsapp_number"],
                ["__count"],
            )
        )
        for partner in self:
            partner.roms_duplicate_count = max(
                counts.get(partner.roms_whatsapp_number, 1) - 1, 0
            )

    def _search_roms_duplicate_count(self, operator, value):
        if operator not in ("=", "!=", ">", ">=", "<", "<=") or not isinstance(
            value, int
        ):
            raise UserError(self.env._("Unsupported search on duplicates."))
        if (operator, value) not in ((">", 0), (">=", 1), ("!=", 0)):
            raise UserError(
                self.env._("Only searching for contacts with duplicates is supported.")
            )
        query = SQL(
            """(SELECT roms_whatsapp_number FROM res_partner
                WHERE roms_whatsapp_number IS NOT NULL
             GROUP BY roms_whatsapp_number HAVING count(*) > 1)"""
        )
        return [("roms_whatsapp_number", "in", query)]

    @api.model
    def _roms_default_phone_country(self):
        return (
            self.env.ref("base.id", raise_if_not_found=False)
            or self.env.company.country_id
        )

    def _roms_normalize_phone(self, number, country=False, strict=False):
        """Return ``number`` in E.164, read as a number of ``country`` (Indonesia by
        default): ``0812-3456-7890``, ``62812 3456 7890`` and ``+62 812-3456-7890``
        all give ``+6281234567890``. An invalid number raises a ValidationError
        when ``strict``, else gives False."""
        if not number or not number.strip():
            return False
        country = country or self._roms_default_phone_country()
        try:
            return self._phone_format_number(
                number.strip(), country, force_format="E164", raise_exception=True
            )
        except UserError as error:
            if not strict:
                return False
            raise ValidationError(
                self.env._(
                    "The phone number %(number)s is not valid: %(reason)s",
                    number=number,
                    reason=error.args[0],
                )
            ) from error

    def _roms_normalize_phone_vals(self, vals, country=False, strict=False):
        """Normalise the numbers in ``vals`` in place. Numbers that cannot be
        normalised are refused when ``strict``, else left as typed.

        Odoo's own forms that ROMS does not own (the portal's account details) set
        ``roms_phone_keep_unreadable`` in the context: there a number ROMS cannot
        read is kept as typed, as Odoo does, instead of failing the form."""
        strict = strict and not self.env.context.get("roms_phone_keep_unreadable")
        for fname in ("mobile", "phone"):
            number = vals.get(fname)
            if number:
                normalized = self._roms_normalize_phone(number, country, strict=strict)
                vals[fname] = normalized or number

    @api.model_create_multi
    def create(self, vals_list):
        # ROMS screens, the import and the API create customers with an explicit
        # category: their numbers must be valid. Contacts made elsewhere in Odoo are
        # normalised when possible and never refused.
        default_strict = bool(self.env.context.get("default_roms_category"))
        for vals in vals_list:
            country = self.env["res.country"].browse(vals.get("country_id"))
            strict = default_strict or bool(vals.get("roms_category"))
            self._roms_normalize_phone_vals(vals, country, strict=strict)
        return super().create(vals_list)

    def write(self, vals):
        if not ({"mobile", "phone"} & vals.keys()):
            return super().write(vals)
        # Numbers are read in the partner's country; customers' must be valid.
        country = self.env["res.country"].browse(vals.get("country_id"))
        becomes_customer = bool(vals.get("roms_category"))
        groups = self.grouped(
            lambda p: (
                country or p.country_id,
                becomes_customer or bool(p.roms_category),
            )
        )
        for (group_country, strict), partners in groups.items():
            group_vals = dict(vals)
            self._roms_normalize_phone_vals(group_vals, group_country, strict=strict)
            super(ResPartner, partners).write(group_vals)
        return True

    def action_roms_merge_duplicates(self):
        """Open Odoo's merge wizard on this customer and its duplicates."""
        self.ensure_one()
        partners = (
            self.with_context(active_test=False).search(
                [("roms_whatsapp_number", "=", self.roms_whatsapp_number)]
            )
            if self.roms_whatsapp_number
            else self
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "base.action_partner_merge"
        )
        action["context"] = {
            "active_model": "res.partner",
            "active_ids": partners.ids,
            "active_id": self.id,
        }
        return action

    # ------------------------------------------------------------------
    # Statistics and segments
    # ------------------------------------------------------------------

    def _compute_roms_currency_id(self):
        for partner in self:
            partner.roms_currency_id = (
                partner.company_id or self.env.company
            ).currency_id

    @api.model
    def _roms_tz(self):
        """The shop's time zone (its company's). Read as superuser: a customer
        on a token page (the public user) may not read the company's contact."""
        return self.env.company.sudo().partner_id.tz or DEFAULT_TZ

    @api.model
    def _roms_local_date_sql(self, column):
        """SQL expression: the day of the UTC timestamp ``column`` in the shop's
        time zone, clamped to the days Python reads back (years 1 to 9999): a far
        date written by hand (an order of 9999-12-31 23:00 UTC falls in the year
        10000 in Jakarta) must not make a figure or a report unreadable."""
        return SQL(
            """LEAST(GREATEST((%s AT TIME ZONE 'UTC' AT TIME ZONE %s)::date,
                              DATE '0001-01-01'), DATE '9999-12-31')""",
            column,
            self._roms_tz(),
        )

    @api.model
    def _roms_today(self):
        """Today in the shop's time zone: the day of the shop's records (join
        dates, segments), whoever writes them and wherever the server runs."""
        return fields.Date.context_today(self.with_context(tz=self._roms_tz()))

    @api.model
    def _roms_latest_today(self):
        """The latest day it is now for the shop or for the current user. A date
        someone enters is in the future only after this day: early in the
        morning in Jakarta it is still yesterday in UTC."""
        return max(self._roms_today(), fields.Date.context_today(self))

    @api.model
    def _roms_primary_segment_sql(self, alias):
        """SQL row source: the primary segment of the res_partner row ``alias``,
        one row with the column ``segment_id``, or none; used as
        ``LEFT JOIN LATERAL (%s) seg ON TRUE``.

        A customer can belong to several segments; reports that group by segment
        use the primary one, so that no sale is counted twice: the first active
        segment of the customer in the segments' order (sequence, then id).
        """
        segment = self.env["roms.segment"]._fields
        return SQL(
            """SELECT roms_rel.segment_id
                 FROM roms_partner_segment_rel roms_rel
                 JOIN roms_segment roms_seg ON roms_seg.id = roms_rel.segment_id
                WHERE %(partner)s AND %(active)s
                ORDER BY %(sequence)s, roms_seg.id
                LIMIT 1""",
            partner=SQL(
                "roms_rel.partner_id = %s",
                SQL.identifier(alias, "id"),
                to_flush=self._fields["roms_segment_ids"],
            ),
            active=SQL.identifier("roms_seg", "active", to_flush=segment["active"]),
            sequence=SQL.identifier(
                "roms_seg", "sequence", to_flush=segment["sequence"]
            ),
        )

    @api.model
    def _roms_stats_refunds_sql(self):
        """SQL returning (commercial_partner_id, amount) rows of refunded amounts
        to subtract from the customers' spend, or None.

        Refund requests marked refunded, on orders that count, converted to the
        company currency with the order's rate like the orders themselves."""
        self.env["roms.refund.request"].flush_model(["state", "amount", "order_id"])
        Order = self.env["sale.order"]
        return SQL(
            """
SELECT p.commercial_partner_id AS partner_id,
       %(amount)s AS amount
  FROM roms_refund_request r
  JOIN sale_order so ON so.id = r.order_id
  JOIN res_partner p ON p.id = so.partner_id
 WHERE r.state = 'refunded' AND %(counts)s""",
            amount=Order._roms_amount_company_sql("so", SQL("r.amount")),
            counts=Order._roms_counting_order_sql("so"),
        )

    def _roms_update_stats(self):
        """Bring the statistics and segments of these customers up to date: in
        this transaction, or right after it commits for the customers whose row
        another transaction holds or has changed since this one began (see
        ``_roms_stats_lock``). Every change of an order that counts comes here,
        whatever its entry point (backend, portal, order API, XML-RPC)."""
        if not self:
            return
        current = self._roms_stats_lock()
        (self - current)._roms_update_stats_after_commit()
        current._roms_write_stats()

    def _roms_stats_lock(self):
        """The customers of ``self`` whose statistics row this transaction can
        write without a serialisation failure, held for it until it ends.

        Odoo's transactions are REPEATABLE READ: one that updates a row another
        transaction changed and committed since it began fails with "could not
        serialize access due to concurrent update" (an ERROR in PostgreSQL's and
        Odoo's logs, then Odoo replays the whole request). Two orders of one
        customer confirmed at once (an XML-RPC call and an order API request, two
        servers) both write the customer's row, so every writer of statistics:

        1. waits for the other writers: a transaction-level advisory lock per
           customer, held until commit;
        2. compares the row its snapshot sees with the last committed one (read
           with a cursor of its own): a row changed since is not written here
           (also when this transaction changed it itself: then the refresh
           after commit writes it, a step later than needed);
        3. locks the rows it writes ``FOR NO KEY UPDATE SKIP LOCKED``: a row
           another transaction holds (the nightly statistics' batch) is not
           written here either.

        The customers not written here are refreshed once this transaction has
        committed. Each customer is checked once per transaction. Not in tests:
        a test is one transaction that no other writes in, and a cursor of its
        own would not see the test's data.
        """
        if getattr(threading.current_thread(), "testing", False):
            return self
        cr = self.env.cr
        writable = cr.postcommit.data.setdefault("roms_crm.stats_writable", {})
        todo = sorted(set(self.ids) - writable.keys())
        if todo:
            cr.execute(
                SQL(
                    "SELECT pg_advisory_xact_lock(%s, id) FROM unnest(%s::int[]) id",
                    STATS_LOCK,
                    todo,
                )
            )
            versions = SQL(
                "SELECT id, xmin::text FROM res_partner WHERE id = ANY(%s)", todo
            )
            cr.execute(versions)
            seen = dict(cr.fetchall())
            with self.env.registry.cursor() as fresh_cr:
                fresh_cr.execute(versions)
                committed = dict(fresh_cr.fetchall())
            # a customer this transaction created is none of the others' business
            current = [
                pid
                for pid in todo
                if committed.get(pid, seen.get(pid)) == seen.get(pid)
            ]
            locked = set()
            if current:
                cr.execute(
                    SQL(
                        """SELECT id FROM res_partner WHERE id = ANY(%s)
                           FOR NO KEY UPDATE SKIP LOCKED""",
                        current,
                    )
                )
                locked = {row[0] for row in cr.fetchall()}
            writable.update((pid, pid in locked) for pid in todo)
        return self.browse([pid for pid in self.ids if writable[pid]])

    def _roms_update_stats_after_commit(self):
        """Refresh the statistics of these customers once this transaction has
        committed, in a transaction of its own that first waits for every other
        writer of their rows (the rows themselves, then the advisory lock of
        ``_roms_stats_lock``, so that a writer that checked them meanwhile leaves
        them to this one), in READ COMMITTED: once it holds them, each of its
        statements reads what the others committed, and no update of theirs can
        make it fail."""
        if not self:
            return
        postcommit = self.env.cr.postcommit
        stale = postcommit.data.get("roms_crm.stats_stale")
        if stale is None:
            stale = postcommit.data["roms_crm.stats_stale"] = set()
            registry, env = self.env.registry, self.env

            def refresh():
                ids = sorted(stale)
                try:
                    with registry.cursor() as cr:
                        cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
                        cr.execute(
                            SQL(
                                """SELECT id FROM res_partner WHERE id = ANY(%s)
                                    ORDER BY id FOR NO KEY UPDATE""",
                                ids,
                            )
                        )
                        ids = [row[0] for row in cr.fetchall()]
                        cr.execute(
                            SQL(
                                "SELECT pg_advisory_xact_lock(%s, id)"
                                " FROM unnest(%s::int[]) id",
                                STATS_LOCK,
                                ids,
                            )
                        )
                        # this registry, not one looked up by name (which waits
                        # while a registry loads)
                        cr.transaction = api.Transaction(registry)
                        refresh_env = api.Environment(cr, env.uid, env.context, env.su)
                        refresh_env["res.partner"].browse(ids)._roms_write_stats()
                except Exception:
                    _logger.warning(
                        "Statistics of customers %s not refreshed: the daily "
                        "statistics will do it",
                        ids,
                        exc_info=True,
                    )

            postcommit.add(refresh)
        stale.update(self.ids)

    def _roms_write_stats(self):
        """Recompute the statistics and segments of these customers set-based.

        One UPDATE … FROM (aggregate) for the whole recordset, whatever the
        number of orders, then the segments. Contacts of a company share the
        company's statistics (their orders count for the company).
        """
        if not self:
            return
        self.env["sale.order"].flush_model(
            ["state", "partner_id", "date_order", "amount_total", "currency_rate"]
        )
        self.env["sale.order.line"].flush_model(
            ["order_id", "product_uom_qty", "display_type"]
        )
        self.flush_model(["commercial_partner_id", "roms_category"])
        lifetime = self.env["ir.config_parameter"]._roms_param(
            LIFETIME_PARAM, float(DEFAULT_LIFETIME_MONTHS)
        )
        refunds = self._roms_stats_refunds_sql() or SQL(
            "SELECT NULL::int AS partner_id, 0::numeric AS amount WHERE false"
        )
        today = self.env["roms.segment"]._today()
        self.env.execute_query(
            SQL(
                """
WITH batch AS (
    SELECT id, commercial_partner_id FROM res_partner WHERE id = ANY(%(ids)s)
), orders AS (
    SELECT so.id,
           cp.commercial_partner_id AS partner_id,
           %(day)s AS day,
           %(amount)s AS amount
      FROM sale_order so
      JOIN res_partner cp ON cp.id = so.partner_id
     WHERE %(counts)s
       AND cp.commercial_partner_id IN (SELECT commercial_partner_id FROM batch)
), per_partner AS (
    SELECT partner_id,
           count(*) AS order_count,
           sum(amount) AS spent,
           min(day) AS first_day,
           max(day) AS last_day,
           count(DISTINCT date_trunc('month', day)) AS active_months
      FROM orders GROUP BY partner_id
), items AS (
    SELECT o.partner_id, sum(sol.product_uom_qty) AS qty
      FROM sale_order_line sol JOIN orders o ON o.id = sol.order_id
     WHERE sol.display_type IS NULL
     GROUP BY o.partner_id
), refunded AS (
    SELECT partner_id, sum(amount) AS amount FROM (%(refunds)s) r GROUP BY partner_id
), stats AS (
    SELECT p.partner_id, p.order_count, p.first_day, p.last_day,
           COALESCE(i.qty, 0) AS qty,
           GREATEST(p.spent - COALESCE(r.amount, 0), 0) AS spent,
           -- months since the first order, at least one
           GREATEST((%(today)s::date - p.first_day) / 30.4375, 1) AS months,
           p.active_months,
           -- calendar months from the first order's month to this one
           GREATEST(
               EXTRACT(YEAR FROM age(date_trunc('month', %(today)s::date),
                                     date_trunc('month', p.first_day))) * 12
               + EXTRACT(MONTH FROM age(date_trunc('month', %(today)s::date),
                                        date_trunc('month', p.first_day))) + 1,
               1) AS calendar_months
      FROM per_partner p
      LEFT JOIN items i ON i.partner_id = p.partner_id
      LEFT JOIN refunded r ON r.partner_id = p.partner_id
)
UPDATE res_partner rp
   SET roms_order_count = COALESCE(s.order_count, 0),
       roms_item_qty = COALESCE(s.qty, 0),
       roms_total_spent = COALESCE(s.spent, 0),
       roms_first_order_date = s.first_day,
       roms_last_order_date = s.last_day,
       roms_avg_order_value = COALESCE(s.spent / s.order_count, 0),
       roms_avg_days_between_orders = CASE WHEN s.order_count > 1
           THEN (s.last_day - s.first_day)::numeric / (s.order_count - 1) ELSE 0 END,
       roms_orders_per_month = COALESCE(s.order_count / s.months, 0),
       roms_spend_per_month = COALESCE(s.spent / s.months, 0),
       roms_lifetime_value = COALESCE(
           s.spent / s.order_count * (s.order_count / s.months) * %(lifetime)s, 0),
       roms_loyalty_ratio = COALESCE(
           LEAST(s.active_months::numeric / s.calendar_months, 1), 0),
       roms_stats_date = %(today)s
  FROM batch b
  LEFT JOIN stats s ON s.partner_id = b.commercial_partner_id
 WHERE rp.id = b.id
""",
                ids=self.ids,
                day=self._roms_local_date_sql(SQL("so.date_order")),
                amount=self.env["sale.order"]._roms_amount_company_sql("so"),
                counts=self.env["sale.order"]._roms_counting_order_sql("so"),
                refunds=refunds,
                today=today,
                lifetime=lifetime,
            )
        )
        self.invalidate_recordset(
            [
                "roms_order_count",
                "roms_item_qty",
                "roms_total_spent",
                "roms_first_order_date",
                "roms_last_order_date",
                "roms_avg_order_value",
                "roms_avg_days_between_orders",
                "roms_orders_per_month",
                "roms_spend_per_month",
                "roms_lifetime_value",
                "roms_loyalty_ratio",
                "roms_stats_date",
            ]
        )
        self.env["roms.segment"]._assign(self)

    @api.model
    def _cron_roms_customer_stats(self, batch_size=STATS_BATCH_SIZE):
        """Recompute every customer's statistics and segments once a day.

        Takes one batch of customers not yet done today, locked with
        FOR NO KEY UPDATE SKIP LOCKED so that several workers share the work, and
        reports progress: the cron runner calls again while some remain. Not
        FOR UPDATE: that lock says the row's key may change, so every
        transaction begun before the batch's commit that refers to one of its
        customers (a broadcast batch, a reminder, an order) would fail with a
        serialisation error at its foreign key check.
        """
        today = self.env["roms.segment"]._today()
        self.flush_model(["roms_category", "roms_stats_date"])
        pending = SQL(
            """roms_category IS NOT NULL
               AND roms_stats_date IS DISTINCT FROM %s""",
            today,
        )
        batch = self.browse()
        # customers updated meanwhile by another transaction (a worker's
        # batch, an order): this batch runs again in a new transaction
        with retried_soon(self.env) as outcome:
            rows = self.env.execute_query(
                SQL(
                    """SELECT id FROM res_partner WHERE %s
                        ORDER BY id LIMIT %s FOR NO KEY UPDATE SKIP LOCKED""",
                    pending,
                    batch_size,
                )
            )
            batch = self.browse([row[0] for row in rows])
            # locked above: SKIP LOCKED is this batch's share of the work
            batch._roms_write_stats()
        if outcome["conflict"]:
            batch = self.browse()
        [(remaining,)] = self.env.execute_query(
            SQL("SELECT count(*) FROM res_partner WHERE %s", pending)
        )
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)

    @api.model
    def _roms_update_all_stats(self):
        """Recompute every customer now (demo data, settings, benchmark).

        One statement for everyone: the order lines are read in a single pass,
        which batches would repeat (the cron batches to share work and commit)."""
        customers = self.with_context(active_test=False).search(
            [("roms_category", "!=", False)], order="id"
        )
        customers._roms_write_stats()

    def action_roms_update_stats(self):
        self._roms_update_stats()

    @api.model
    def _address_fields(self):
        return super()._address_fields() + ["roms_district_id"]

    @api.onchange("roms_district_id")
    def _onchange_roms_district_id(self):
        if self.roms_district_id and self.city_id != self.roms_district_id.city_id:
            self.city_id = self.roms_district_id.city_id

    @api.onchange("city_id")
    def _onchange_city_id(self):
        # base_address_extended empties the postal code when the city has none (no
        # Indonesian city has one: postal codes belong to villages) and the province
        # when the city is emptied, e.g. because another province was chosen: keep both.
        zip_code, state = self.zip, self.state_id
        result = super()._onchange_city_id()
        if not self.city_id.zipcode:
            self.zip = zip_code
        if not self.city_id:
            self.state_id = state
        if self.roms_district_id.city_id != self.city_id:
            self.roms_district_id = False
        return result

    @api.onchange("state_id")
    def _onchange_state_id_roms(self):
        if self.city_id.state_id and self.city_id.state_id != self.state_id:
            if self.city == self.city_id.name:
                self.city = False
            self.city_id = False
