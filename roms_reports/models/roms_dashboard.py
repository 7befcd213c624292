from datetime import datetime, time, timedelta

import pytz

from odoo import Command, api, fields, models
from odoo.tools import SQL

WAITING_STAGES = ("pending", "processed", "shipped")
LIST_LIMIT = 5


class RomsDashboard(models.AbstractModel):
    """The figures of the ROMS dashboard, read in one call: a few set-based
    queries, each independent of the number of customers and orders."""

    _name = "roms.dashboard"
    _description = "ROMS Dashboard"

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @api.model
    def _roms_tz(self):
        return self.env["res.partner"]._roms_tz()

    @api.model
    def _now(self):
        return fields.Datetime.now()

    @api.model
    def _day_start(self, day):
        """The UTC datetime (naive) at which ``day`` starts in the shop's zone."""
        zone = pytz.timezone(self._roms_tz())
        local = zone.localize(datetime.combine(day, time.min))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _today(self):
        zone = pytz.timezone(self._roms_tz())
        return pytz.utc.localize(self._now()).astimezone(zone).date()

    @api.model
    def _change(self, today, last_week):
        """Change against last week in percent, None when last week had nothing."""
        if not last_week:
            return None
        return round((today - last_week) * 100.0 / last_week, 1)

    @api.model
    def _window_action(self, name, model, domain, views=("list", "form")):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "domain": domain,
            "views": [[False, view] for view in views],
            "target": "current",
        }

    # ------------------------------------------------------------------
    # The one call
    # ------------------------------------------------------------------

    @api.model
    @api.readonly
    def get_dashboard_data(self, days=30):
        """Everything the dashboard shows. ``days``: length of the chart period.
        Reads only: on the read replica when there is one (``db_replica_host``)."""
        days = max(1, min(int(days or 30), 366))
        now = self._now()
        today = self._today()
        bounds = {
            "today_start": self._day_start(today),
            "now": now,
            "week_start": self._day_start(today - timedelta(days=7)),
            "week_now": now - timedelta(days=7),
            "period_start": self._day_start(today - timedelta(days=days - 1)),
            "first_day": today - timedelta(days=days - 1),
            "days": days,
            "today": today,
            # this week: since Monday in the shop's zone
            "this_week_start": self._day_start(today - timedelta(days=today.weekday())),
        }
        self.env["sale.order"].flush_model()
        self.env["res.partner"].flush_model()
        # The figures aggregate a period of orders: their estimated cost passes
        # PostgreSQL's jit_above_cost, and compiling them took longer than running
        # them (new/returning: 4.4 s of JIT for 0.3 s of work at 100,000 customers,
        # ./setup/load). Off for this transaction only.
        self.env.cr.execute("SET LOCAL jit = off")
        orders = self._fig_orders_today(bounds)
        daily = self._fig_daily(bounds)
        show_sales = self.env.user.has_group("roms_crm.group_roms_admin")
        orders["show_sales"] = show_sales
        if not show_sales:
            # company-wide sales are for the owner, not for customer service: the
            # dashboard then shows neither the sales tile nor the chart's sales axis
            orders.update(sales=None, sales_last_week=None, sales_change=None)
            for day in daily:
                day["sales"] = None
        return {
            "today": fields.Date.to_string(today),
            "days": days,
            "currency": self._currency(),
            "orders": orders,
            "chats": self._fig_chats_today(bounds),
            "first_response": self._fig_first_response(bounds),
            "whatsapp": self._fig_whatsapp(),
            "daily": daily,
            "customers": self._fig_new_returning(bounds),
            "segments": self._fig_segments(),
            "waiting_chats": self._fig_waiting_chats(),
            "waiting_orders": self._fig_waiting_orders(),
            "reminders": self._fig_reminder_revenue(bounds) if show_sales else None,
        }

    @api.model
    def _currency(self):
        """How the dashboard prints amounts. Rupiah is shown whole (Rp 1.250.000):
        Odoo keeps IDR at two decimals for the books, but nothing below Rp 1 has
        been paid in decades and the shop owner reads whole Rupiah."""
        currency = self.env.company.currency_id
        return {
            "symbol": currency.symbol,
            "position": currency.position,
            "digits": 0 if currency.name == "IDR" else currency.decimal_places,
        }

    # ------------------------------------------------------------------
    # Figures: one query each
    # ------------------------------------------------------------------

    @api.model
    def _fig_orders_today(self, b):
        """Confirmed orders and their sales, today so far and on the same weekday
        last week up to the same time."""
        Order = self.env["sale.order"]
        today = SQL(
            "so.date_order >= %s AND so.date_order <= %s", b["today_start"], b["now"]
        )
        week = SQL(
            "so.date_order >= %s AND so.date_order <= %s",
            b["week_start"],
            b["week_now"],
        )
        [(orders, sales, orders_w, sales_w)] = self.env.execute_query(
            SQL(
                """SELECT count(*) FILTER (WHERE %(today)s),
                          COALESCE(sum(%(amount)s) FILTER (WHERE %(today)s), 0),
                          count(*) FILTER (WHERE %(week)s),
                          COALESCE(sum(%(amount)s) FILTER (WHERE %(week)s), 0)
                     FROM sale_order so
                    WHERE %(counts)s AND so.company_id IN %(companies)s
                      AND ((%(today)s) OR (%(week)s))""",
                today=today,
                week=week,
                amount=Order._roms_amount_company_sql("so"),
                counts=Order._roms_counting_order_sql("so"),
                companies=tuple(self.env.companies.ids),
            )
        )
        domain = [
            *Order._roms_counting_order_domain(),
            ("date_order", ">=", fields.Datetime.to_string(b["today_start"])),
        ]
        action = self._window_action(self.env._("Today's Orders"), "sale.order", domain)
        return {
            "count": orders,
            "count_last_week": orders_w,
            "count_change": self._change(orders, orders_w),
            "sales": sales,
            "sales_last_week": sales_w,
            "sales_change": self._change(sales, sales_w),
            "action": action,
        }

    @api.model
    def _fig_reminder_revenue(self, b):
        """This week's orders that reminders brought and their sales, attributed
        (ordered through a reminder's link or button) or influenced, as ROMS
        attributes every order (``sale.order._roms_attribution_sql``)."""
        Order = self.env["sale.order"]
        Order.flush_model()
        self.env["roms.message"].flush_model(["kind"])
        where = SQL(
            "so.date_order >= %s AND so.date_order <= %s AND so.company_id IN %s",
            b["this_week_start"],
            b["now"],
            tuple(self.env.companies.ids),
        )
        [(orders, sales, attributed)] = self.env.execute_query(
            SQL(
                """SELECT count(*), COALESCE(sum(a.amount), 0),
                          count(*) FILTER (WHERE a.attributed)
                     FROM (%(attribution)s) a
                     JOIN roms_message m ON m.id = a.message_id
                    WHERE m.kind = 'reminder'""",
                attribution=Order._roms_attribution_sql(where),
            )
        )
        action = self._window_action(
            self.env._("Reminder Results"),
            "roms.message.result.report",
            [("kind", "=", "reminder")],
            views=("pivot", "list"),
        )
        return {
            "count": orders,
            "attributed": attributed,
            "sales": sales,
            "action": action,
        }

    @api.model
    def _fig_chats_today(self, b):
        """Conversations in which the customer wrote today, against last week."""
        today = SQL("m.date >= %s AND m.date <= %s", b["today_start"], b["now"])
        week = SQL("m.date >= %s AND m.date <= %s", b["week_start"], b["week_now"])
        self.env["mail.message"].flush_model(
            ["model", "res_id", "date", "roms_wa_direction"]
        )
        [(chats, chats_w)] = self.env.execute_query(
            SQL(
                """SELECT count(DISTINCT m.res_id) FILTER (WHERE %(today)s),
                          count(DISTINCT m.res_id) FILTER (WHERE %(week)s)
                     FROM mail_message m
                    WHERE m.model = 'discuss.channel' AND m.roms_wa_direction = 'in'
                      AND ((%(today)s) OR (%(week)s))""",
                today=today,
                week=week,
            )
        )
        domain = [
            ("channel_type", "=", "roms_whatsapp"),
            ("roms_last_inbound_at", ">=", fields.Datetime.to_string(b["today_start"])),
        ]
        return {
            "count": chats,
            "count_last_week": chats_w,
            "count_change": self._change(chats, chats_w),
            "action": self._window_action(
                self.env._("Today's Chats"), "discuss.channel", domain
            ),
        }

    @api.model
    def _fig_first_response(self, b):
        """Today's median first-response time of the live chat in minutes (None:
        nobody was answered today), as the Agent Performance report measures it
        (``roms.whatsapp.agent.report._roms_first_response_median``)."""
        median = self.env["roms.whatsapp.agent.report"]._roms_first_response_median(
            b["today"]
        )
        action = False
        # the agents' figures are the owner's report
        if self.env.user.has_group("roms_crm.group_roms_admin"):
            action = self._window_action(
                self.env._("Agent Performance"),
                "roms.whatsapp.agent.report",
                [("day", "=", fields.Date.to_string(b["today"]))],
                views=("list", "pivot", "graph"),
            )
        return {"median": median, "action": action}

    @api.model
    def _fig_whatsapp(self):
        """The default account (else the first one): connected or not, since when."""
        Account = self.env["roms.whatsapp.account"]
        account = Account.search_fetch(
            [],
            ["name", "state", "state_since", "state_reason", "is_default"],
            order="is_default desc, id",
            limit=1,
        )
        action = self._window_action(
            self.env._("WhatsApp Accounts"), "roms.whatsapp.account", []
        )
        if not account:
            return {"configured": False, "action": action}
        since = account.state_since
        reason = account.state_reason
        if reason:
            reason = dict(
                Account._fields["state_reason"]._description_selection(self.env)
            ).get(reason)
        return {
            "configured": True,
            "name": account.name,
            "connected": account.state == "connected",
            "state_label": dict(
                account._fields["state"]._description_selection(self.env)
            ).get(account.state),
            "since": fields.Datetime.to_string(since) if since else False,
            "reason": reason or False,
            "action": dict(action, res_id=account.id, views=[[False, "form"]]),
        }

    @api.model
    def _fig_daily(self, b):
        """Orders and sales per local day of the chart period (days without an
        order included, as zero)."""
        day = self.env["res.partner"]._roms_local_date_sql(SQL("so.date_order"))
        Order = self.env["sale.order"]
        rows = self.env.execute_query(
            SQL(
                """SELECT d::date, count(so.id),
                          COALESCE(sum(%(amount)s), 0)
                     FROM generate_series(%(first)s::date, %(last)s::date,
                                          interval '1 day') d
                     LEFT JOIN sale_order so
                       ON %(counts)s AND so.company_id IN %(companies)s
                      AND so.date_order >= %(start)s AND %(day)s = d::date
                    GROUP BY d ORDER BY d""",
                amount=Order._roms_amount_company_sql("so"),
                counts=Order._roms_counting_order_sql("so"),
                first=b["first_day"],
                last=b["today"],
                start=b["period_start"],
                day=day,
                companies=tuple(self.env.companies.ids),
            )
        )
        return [
            {"date": fields.Date.to_string(d), "orders": n, "sales": s}
            for d, n, s in rows
        ]

    @api.model
    def _fig_new_returning(self, b):
        """Customers who ordered per day of the period: new (their first confirmed
        order ever) and returning (they had ordered before). A customer is the
        company (commercial partner): a contact's order counts for it.

        Set-based, in the order of cost: a customer's later days in the period
        are returning by the period's own rows (a window); a first order day
        after the customer's ``roms_first_order_date`` is returning (kept by
        the statistics on confirmation, cancellation and order edits, and by
        the daily recompute); only the rest (the day's new customers, and the
        customers whose statistics were never computed) look for an earlier
        order, so a missing or late first order date costs time, never a
        wrong figure.
        """
        day = self.env["res.partner"]._roms_local_date_sql(SQL("so.date_order"))
        Order = self.env["sale.order"]
        rows = self.env.execute_query(
            SQL(
                """WITH period AS (
                       SELECT c.commercial_partner_id AS partner_id, %(day)s AS day,
                              min(so.date_order) AS first_at
                         FROM sale_order so
                         JOIN res_partner c ON c.id = so.partner_id
                        WHERE %(counts)s AND so.company_id IN %(companies)s
                          AND so.date_order >= %(start)s
                        GROUP BY c.commercial_partner_id, day
                   ), earlier AS (
                       SELECT p.partner_id, p.day,
                              p.first_at > min(p.first_at)
                                           OVER (PARTITION BY p.partner_id)
                              OR COALESCE((
                                  SELECT cp.roms_first_order_date < p.day
                                    FROM res_partner cp
                                   WHERE cp.id = p.partner_id), false)
                              OR EXISTS (
                                  SELECT 1 FROM sale_order o
                                  JOIN res_partner oc ON oc.id = o.partner_id
                                 WHERE oc.commercial_partner_id = p.partner_id
                                   AND %(o_counts)s
                                   AND o.date_order < p.first_at) AS returning
                         FROM period p
                   )
                   SELECT d::date,
                          count(p.partner_id) FILTER (WHERE NOT p.returning),
                          count(p.partner_id) FILTER (WHERE p.returning)
                     FROM generate_series(%(first)s::date, %(last)s::date,
                                          interval '1 day') d
                     LEFT JOIN earlier p ON p.day = d::date
                    GROUP BY d ORDER BY d""",
                day=day,
                counts=Order._roms_counting_order_sql("so"),
                o_counts=Order._roms_counting_order_sql("o"),
                start=b["period_start"],
                first=b["first_day"],
                last=b["today"],
                companies=tuple(self.env.companies.ids),
            )
        )
        return [
            {"date": fields.Date.to_string(d), "new": new, "returning": returning}
            for d, new, returning in rows
        ]

    @api.model
    def _fig_segments(self):
        """Customers per active segment."""
        self.env["roms.segment"].flush_model()
        lang = self.env.lang or "en_US"
        rows = self.env.execute_query(
            SQL(
                """SELECT s.id, COALESCE(s.name->>%(lang)s, s.name->>'en_US'),
                          s.code, count(r.partner_id)
                     FROM roms_segment s
                     LEFT JOIN roms_partner_segment_rel r ON r.segment_id = s.id
                    WHERE s.active
                    GROUP BY s.id ORDER BY s.sequence, s.id""",
                lang=lang,
            )
        )
        return [
            {
                "id": segment_id,
                "name": name,
                "code": code,
                "count": count,
                "action": self._window_action(
                    name, "res.partner", [("roms_segment_ids", "in", [segment_id])]
                ),
            }
            for segment_id, name, code, count in rows
        ]

    @api.model
    def _fig_waiting_chats(self):
        """The conversations no agent has taken, the longest waiting first."""
        self.env["discuss.channel"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """SELECT c.id, COALESCE(p.name, c.name), c.roms_last_inbound_at,
                          count(*) OVER ()
                     FROM discuss_channel c
                     LEFT JOIN res_partner p ON p.id = c.roms_partner_id
                    WHERE c.channel_type = 'roms_whatsapp'
                      AND c.roms_agent_id IS NULL
                      AND c.roms_last_inbound_at IS NOT NULL
                    ORDER BY c.roms_last_inbound_at, c.id
                    LIMIT %s""",
                LIST_LIMIT,
            )
        )
        domain = [
            ("channel_type", "=", "roms_whatsapp"),
            ("roms_agent_id", "=", False),
            ("roms_last_inbound_at", "!=", False),
        ]
        return {
            "count": rows[0][3] if rows else 0,
            "records": [
                {"id": cid, "name": name, "since": fields.Datetime.to_string(since)}
                for cid, name, since, _count in rows
            ],
            "action": self._window_action(
                self.env._("Unassigned Chats"), "discuss.channel", domain
            ),
        }

    @api.model
    def _fig_waiting_orders(self):
        """Per waiting stage: how many orders, and the oldest few."""
        rows = self.env.execute_query(
            SQL(
                """SELECT roms_stage, id, name, partner_name, date_order, total
                     FROM (
                       SELECT so.roms_stage, so.id, so.name, p.name AS partner_name,
                              so.date_order, count(*) OVER w AS total,
                              row_number() OVER (
                                  w ORDER BY so.date_order, so.id) AS rank
                         FROM sale_order so JOIN res_partner p ON p.id = so.partner_id
                        WHERE so.roms_stage IN %(stages)s AND so.state != 'cancel'
                          AND so.company_id IN %(companies)s
                       WINDOW w AS (PARTITION BY so.roms_stage)
                     ) t
                    WHERE rank <= %(limit)s""",
                stages=WAITING_STAGES,
                limit=LIST_LIMIT,
                companies=tuple(self.env.companies.ids),
            )
        )
        labels = dict(
            self.env["sale.order"]
            ._fields["roms_stage"]
            ._description_selection(self.env)
        )
        result = []
        for stage in WAITING_STAGES:
            stage_rows = [r for r in rows if r[0] == stage]
            domain = [("roms_stage", "=", stage), ("state", "!=", "cancel")]
            result.append(
                {
                    "stage": stage,
                    "label": labels[stage],
                    "count": stage_rows[0][5] if stage_rows else 0,
                    "records": [
                        {
                            "id": r[1],
                            "name": r[2],
                            "partner": r[3],
                            "date": fields.Datetime.to_string(r[4]),
                        }
                        for r in stage_rows
                    ],
                    "action": self._window_action(labels[stage], "sale.order", domain),
                }
            )
        return result

    # ------------------------------------------------------------------
    # Actions on a set of customers
    # ------------------------------------------------------------------

    @api.model
    def _draft_broadcast(self, partners, name):
        """A draft roms.broadcast to exactly ``partners``, opened for the owner."""
        broadcast = self.env["roms.broadcast"].create(
            {"name": name, "partner_ids": [Command.set(partners.ids)]}
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "roms.broadcast",
            "res_id": broadcast.id,
            "views": [[False, "form"]],
        }
