import re

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.misc import hmac

# Customers per batch of the statistics cron and of segment recomputes.
STATS_BATCH_SIZE = 5000
DEFAULT_TZ = "Asia/Jakarta"

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
        default=fields.Date.context_today,
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

    # Messaging: opt-out lives in Odoo's own blacklists, so every sender
    # (ROMS queue, mass mailing, SMS) checks one place.
    roms_opt_out = fields.Boolean(
        string="Opted Out",
        compute="_compute_roms_opt_out",
        inverse="_inverse_roms_opt_out",
        search="_search_roms_opt_out",
        compute_sudo=True,
        help="The customer asked not to receive reminders or broadcasts (their "
        "e-mail and WhatsApp number are blacklisted). Order confirmations and "
        "shipping messages are still sent.",
    )
    roms_message_count = fields.Integer(
        string="Customer Messages",
        compute="_compute_roms_message_count",
        compute_sudo=True,
        groups="roms_crm.group_roms_cs",
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
        return self.env.company.partner_id.tz or DEFAULT_TZ

    @api.model
    def _roms_stats_order_domain_sql(self):
        """SQL condition on ``so`` (sale_order) selecting the orders that count:
        confirmed and not cancelled. A hook for other addons."""
        return SQL("so.state = 'sale'")

    @api.model
    def _roms_stats_refunds_sql(self):
        """SQL returning (commercial_partner_id, amount) rows of refunded amounts
        to subtract from the customers' spend, or None.

        Refund requests marked refunded, on orders that count, converted to the
        company currency with the order's rate like the orders themselves."""
        self.env["roms.refund.request"].flush_model(["state", "amount", "order_id"])
        return SQL(
            """
SELECT p.commercial_partner_id AS partner_id,
       r.amount / COALESCE(NULLIF(so.currency_rate, 0), 1) AS amount
  FROM roms_refund_request r
  JOIN sale_order so ON so.id = r.order_id
  JOIN res_partner p ON p.id = so.partner_id
 WHERE r.state = 'refunded' AND %s""",
            self._roms_stats_order_domain_sql(),
        )

    def _roms_update_stats(self):
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
        lifetime = float(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("roms_crm.lifetime_months", 24)
        )
        refunds = self._roms_stats_refunds_sql() or SQL(
            "SELECT NULL::int AS partner_id, 0::numeric AS amount WHERE false"
        )
        today = self.env["roms.segment"]._roms_today()
        self.env.execute_query(
            SQL(
                """
WITH batch AS (
    SELECT id, commercial_partner_id FROM res_partner WHERE id = ANY(%(ids)s)
), orders AS (
    SELECT so.id,
           cp.commercial_partner_id AS partner_id,
           -- clamped to the dates Python can read back (year 1 to 9999): a far
           -- date_order written by hand must not make the customer unreadable
           LEAST(GREATEST(
               (so.date_order AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date,
               DATE '0001-01-01'), DATE '9999-12-31') AS day,
           so.amount_total / COALESCE(NULLIF(so.currency_rate, 0), 1) AS amount
      FROM sale_order so
      JOIN res_partner cp ON cp.id = so.partner_id
     WHERE %(order_condition)s
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
                tz=self._roms_tz(),
                order_condition=self._roms_stats_order_domain_sql(),
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
        self.env["roms.segment"]._roms_assign(self)

    @api.model
    def _cron_roms_customer_stats(self, batch_size=STATS_BATCH_SIZE):
        """Recompute every customer's statistics and segments once a day.

        Takes one batch of customers not yet done today, locked with
        FOR UPDATE SKIP LOCKED so that several workers share the work, and
        reports progress: the cron runner calls again while some remain.
        """
        today = self.env["roms.segment"]._roms_today()
        self.flush_model(["roms_category", "roms_stats_date"])
        pending = SQL(
            """roms_category IS NOT NULL
               AND roms_stats_date IS DISTINCT FROM %s""",
            today,
        )
        rows = self.env.execute_query(
            SQL(
                """SELECT id FROM res_partner WHERE %s
                    ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED""",
                pending,
                batch_size,
            )
        )
        batch = self.browse([row[0] for row in rows])
        batch._roms_update_stats()
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
        customers._roms_update_stats()

    def action_roms_update_stats(self):
        self._roms_update_stats()

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

    # ------------------------------------------------------------------
    # Resellers: personal discount (through a pricelist) and portal access
    # ------------------------------------------------------------------

    # Categories that may have a personal discount, and that may log in to the portal.
    _roms_discount_categories = ("reseller", "dropshipper")
    _roms_portal_categories = ("reseller", "dropshipper", "agent", "distributor")

    roms_discount_percent = fields.Float(
        string="Discount (%)",
        digits=(5, 2),
        copy=False,
        tracking=True,
        inverse="_inverse_roms_discount_percent",
        help="Personal discount of a reseller or dropshipper on the sales price of "
        "every product. It is given through a pricelist shared by the customers with "
        "the same discount, so quotations and portal prices show it; 0 returns the "
        "customer to the default pricelist.",
    )
    roms_portal_user_id = fields.Many2one(
        "res.users",
        string="Portal User",
        compute="_compute_roms_portal_user_id",
        compute_sudo=True,
        help="The user this customer logs in to the customer portal with.",
    )

    @api.constrains("roms_discount_percent", "roms_category")
    def _check_roms_discount_percent(self):
        for partner in self:
            percent = partner.roms_discount_percent
            if not 0 <= percent <= 100:
                raise ValidationError(
                    self.env._(
                        "The discount of %(partner)s must be between 0 and 100 %%.",
                        partner=partner.display_name,
                    )
                )
            if percent and partner.roms_category not in self._roms_discount_categories:
                raise ValidationError(
                    self.env._(
                        "Only resellers and dropshippers can have a discount: set the "
                        "discount of %(partner)s to 0 first.",
                        partner=partner.display_name,
                    )
                )

    @api.onchange("roms_category")
    def _onchange_roms_category_discount(self):
        if self.roms_category not in self._roms_discount_categories:
            self.roms_discount_percent = 0

    def _inverse_roms_discount_percent(self):
        # Checked here too: a pricelist must not be created for a refused value.
        self._check_roms_discount_percent()
        for percent, partners in self.grouped("roms_discount_percent").items():
            if not percent:
                partners = partners.filtered(
                    lambda p: self._roms_is_discount_pricelist(
                        p.specific_property_product_pricelist
                    )
                )
                if not partners:
                    continue
            self._roms_check_discount_rights()
            pricelist = (
                self._roms_get_discount_pricelist(percent)
                if percent
                else self.env["product.pricelist"]
            )
            partners._roms_set_pricelist(pricelist)

    def _roms_check_discount_rights(self):
        if not (self.env.su or self.env.user.has_group("roms_crm.group_roms_admin")):
            raise AccessError(
                self.env._("Only ROMS administrators can change a customer's discount.")
            )

    def _roms_set_pricelist(self, pricelist):
        """Sell to these customers with ``pricelist`` in the current company; an
        empty one returns them to the default pricelist."""
        self.specific_property_product_pricelist = pricelist

    @api.model
    def _roms_get_discount_pricelist(self, percent):
        """Return the pricelist giving ``percent`` % off the sales price of every
        product in the current company and its currency: an existing one, shared by
        every customer with that discount, or a new one."""
        company = self.env.company
        items = (
            self.env["product.pricelist.item"]
            .sudo()
            .search(
                [
                    ("applied_on", "=", "3_global"),
                    ("compute_price", "=", "percentage"),
                    ("base", "=", "list_price"),
                    ("percent_price", "=", percent),
                    ("pricelist_id.active", "=", True),
                    ("pricelist_id.company_id", "=", company.id),
                    ("pricelist_id.currency_id", "=", company.currency_id.id),
                ]
            )
        )
        pricelist = items.pricelist_id.filtered(
            self._roms_is_discount_pricelist
        ).sorted("id")[:1]
        if not pricelist:
            self._roms_enable_pricelists()
            pricelist = (
                self.env["product.pricelist"]
                .sudo()
                .create(self._roms_discount_pricelist_vals(percent))
            )
        return pricelist.sudo(False)

    @api.model
    def _roms_is_discount_pricelist(self, pricelist):
        """Whether ``pricelist`` only takes a percentage off the sales price of every
        product, at any quantity and date: the kind of pricelist a discount uses."""
        pricelist = pricelist.sudo()
        item = pricelist.item_ids
        return (
            len(pricelist) == 1
            and len(item) == 1
            and not pricelist.country_group_ids
            and item.applied_on == "3_global"
            and item.compute_price == "percentage"
            and item.base == "list_price"
            and item.min_quantity <= 1
            and not item.date_start
            and not item.date_end
        )

    @api.model
    def _roms_discount_pricelist_vals(self, percent):
        company = self.env.company
        label = f"{percent:g}"
        return {
            "name": self.env._("Reseller −%(percent)s %%", percent=label),
            "company_id": company.id,
            "currency_id": company.currency_id.id,
            # After the default pricelist, which customers without one fall back to.
            "sequence": 100,
            "item_ids": [
                fields.Command.create(
                    {
                        "applied_on": "3_global",
                        "compute_price": "percentage",
                        "base": "list_price",
                        "percent_price": percent,
                    }
                )
            ],
        }

    @api.model
    def _roms_enable_pricelists(self):
        """Turn Odoo's pricelists on (Sales › Settings › Pricelists) when they are
        off, as Odoo does when a second currency is activated: it gives each company
        its default pricelist, in the company's currency, for customers without a
        discount. Customers' pricelists apply either way, but with the setting off
        the pricelists are hidden and saving the settings archives them."""
        group_pricelist = self.env.ref("product.group_product_pricelist")
        group_user = self.env.ref("base.group_user").sudo()
        if group_pricelist not in group_user.implied_ids:
            group_user._apply_group(group_pricelist)
            self.env.company.sudo()._activate_or_create_pricelists()

    @api.depends("user_ids")
    def _compute_roms_portal_user_id(self):
        for partner in self:
            partner.roms_portal_user_id = partner.user_ids.filtered(
                lambda user: user._is_portal()
            )[:1]

    def _roms_check_portal_grant(self):
        """Only ROMS administrators grant portal access, and only to resellers,
        dropshippers, agents and distributors."""
        if not (self.env.su or self.env.user.has_group("roms_crm.group_roms_admin")):
            raise AccessError(
                self.env._("Only ROMS administrators can grant portal access.")
            )
        for partner in self:
            if partner.roms_category not in self._roms_portal_categories:
                raise UserError(
                    self.env._(
                        "Portal access is for resellers, dropshippers, agents and "
                        "distributors, and %(partner)s is none of them.",
                        partner=partner.display_name,
                    )
                )

    def action_roms_grant_portal(self):
        """Open Odoo's portal access wizard on this customer: granting access there
        emails them an invitation with a link to choose their password."""
        self.ensure_one()
        self._roms_check_portal_grant()
        wizard = self.env["portal.wizard"].create(
            {"partner_ids": [fields.Command.set(self.ids)]}
        )
        return wizard._action_open_modal()

    def action_roms_portal_password(self):
        """Open the wizard where the administrator gives this customer a portal
        login and password, without any email."""
        self.ensure_one()
        self._roms_check_portal_grant()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Set Portal Password"),
            "res_model": "roms.portal.password",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.id},
        }

    # ------------------------------------------------------------------
    # Messaging: opt-out and messages
    # ------------------------------------------------------------------

    @api.depends("email_normalized", "roms_whatsapp_number")
    def _compute_roms_opt_out(self):
        emails = [e for e in self.mapped("email_normalized") if e]
        numbers = [n for n in self.mapped("roms_whatsapp_number") if n]
        blocked_emails = set()
        blocked_numbers = set()
        if emails:
            blocked_emails = set(
                self.env["mail.blacklist"]
                .sudo()
                .search([("email", "in", emails)])
                .mapped("email")
            )
        if numbers:
            blocked_numbers = set(
                self.env["phone.blacklist"]
                .sudo()
                .search([("number", "in", numbers)])
                .mapped("number")
            )
        for partner in self:
            partner.roms_opt_out = bool(
                (partner.email_normalized in blocked_emails)
                or (partner.roms_whatsapp_number in blocked_numbers)
            )

    def _inverse_roms_opt_out(self):
        for partner in self:
            partner._roms_set_opt_out(partner.roms_opt_out)

    def _roms_set_opt_out(self, opt_out, message=None):
        """Add (or remove) this customer's e-mail and WhatsApp number to Odoo's
        blacklists."""
        MailBlacklist = self.env["mail.blacklist"].sudo()
        PhoneBlacklist = self.env["phone.blacklist"].sudo()
        for partner in self:
            if partner.email_normalized:
                if opt_out:
                    MailBlacklist._add(partner.email_normalized, message=message)
                else:
                    MailBlacklist._remove(partner.email_normalized, message=message)
            if partner.roms_whatsapp_number:
                if opt_out:
                    PhoneBlacklist._add([partner.roms_whatsapp_number], message=message)
                else:
                    PhoneBlacklist._remove(
                        [partner.roms_whatsapp_number], message=message
                    )
        self.invalidate_recordset(["roms_opt_out"])

    def _search_roms_opt_out(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on opt-out."))
        self.env["res.partner"].flush_model(
            ["email_normalized", "roms_whatsapp_number"]
        )
        self.env["mail.blacklist"].flush_model(["email", "active"])
        self.env["phone.blacklist"].flush_model(["number", "active"])
        blocked = SQL(
            """(SELECT partner.id FROM res_partner partner
                 WHERE partner.email_normalized IN (
                           SELECT email FROM mail_blacklist WHERE active)
                    OR partner.roms_whatsapp_number IN (
                           SELECT number FROM phone_blacklist WHERE active))"""
        )
        return [("id", "in" if (operator == "=") == value else "not in", blocked)]

    def _roms_opt_out_keywords(self):
        keywords = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("roms_crm.opt_out_keywords", "STOP,BERHENTI")
        )
        return {k.strip().upper() for k in (keywords or "").split(",") if k.strip()}

    def _roms_opt_out_by_keyword(self, text):
        """Opt these customers out when ``text`` (an inbound message) is an opt-out
        keyword; return whether it was one."""
        normalized = " ".join((text or "").split()).strip(" .!").upper()
        if not normalized or normalized not in self._roms_opt_out_keywords():
            return False
        self._roms_set_opt_out(
            True,
            message=self.env._(
                "Opted out by replying %(keyword)s.", keyword=normalized
            ),
        )
        return True

    def _roms_unsubscribe_token(self):
        self.ensure_one()
        return hmac(self.env(su=True), "roms-unsubscribe", self.id)

    def _roms_unsubscribe_url(self):
        self.ensure_one()
        return (
            f"{self.get_base_url()}/roms/unsubscribe/{self.id}/"
            f"{self._roms_unsubscribe_token()}"
        )

    def _compute_roms_message_count(self):
        counts = dict(
            self.env["roms.message"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.roms_message_count = counts.get(partner._origin, 0)

    def action_roms_messages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "roms_crm.roms_message_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def _roms_panel_partner_values(self):
        """What a customer panel (the live chat's, roms_whatsapp) shows of this
        customer. A hook: modules add their own figures (roms_loyalty: points)."""
        self.ensure_one()
        return {
            "id": self.id,
            "name": self.name,
            "phone": self.roms_whatsapp_number or self.mobile or self.phone or "",
            "email": self.email or "",
            "category": dict(
                self._fields["roms_category"]._description_selection(self.env)
            ).get(self.roms_category, ""),
            "segments": self.roms_segment_ids.mapped("name"),
        }
