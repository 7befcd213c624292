"""The messaging cases of ./setup/bench (registered in bench_runner's CASES).

messaging_reminder_scan     the reminder cron over all delivered lines, 100 of
                            them due (bench_data plants them), vs the bare indexed
                            SELECT of the same due pairs
messaging_broadcast_queue   queueing a broadcast to 50,000 customers (fewer at the
                            small scale: all of them) in committed-size batches, vs
                            one INSERT … SELECT of the same queue rows
messaging_cart_recovery_scan
                            the abandoned-cart recovery scan (both steps, with its
                            exit checks) finding 100 idle quotations among all open
                            ones, vs the bare indexed SELECT of the same quotations
"""

import datetime
import statistics

import bench_data
from bench_runner import Case, case, timed

BROADCAST_RECIPIENTS = 50_000
BROADCAST_BODY = "Halo {customer_name}, promo Ramadan: diskon 20% semua kopi!"

FLOOR_REMINDER_SQL = """
SELECT l.id
  FROM sale_order o
  JOIN sale_order_line l ON l.order_id = o.id AND l.display_type IS NULL
 WHERE %(delivered)s
   AND o.roms_delivered_date > %(now)s - interval '21 days'
   AND o.roms_delivered_date <= %(now)s - interval '14 days'
   AND NOT EXISTS (SELECT 1 FROM roms_message m
                    WHERE m.reminder_rule_id = %(rule)s
                      AND m.sale_order_line_id = l.id)
   AND NOT %(refunded)s
   AND NOT EXISTS (SELECT 1 FROM sale_order_line l3
                     JOIN sale_order o3 ON o3.id = l3.order_id
                    WHERE l3.order_partner_id = l.order_partner_id
                      AND l3.product_id = l.product_id
                      AND %(o3_counts)s
                      AND o3.date_order > o.roms_delivered_date)
"""


def floor_reminder_sql(env, now, rule):
    """FLOOR_REMINDER_SQL in roms_crm's words for delivered orders that count and
    refunded orders (sale.order's SQL vocabulary), like ours."""
    from odoo.tools import SQL

    Order = env["sale.order"]
    return SQL(
        FLOOR_REMINDER_SQL,
        now=now,
        rule=rule.id,
        delivered=env["roms.reminder.rule"]._delivered_sql("o"),
        refunded=Order._roms_refunded_order_sql("o"),
        o3_counts=Order._roms_counting_order_sql("o3"),
    )


def _param(env, key):
    return env["ir.config_parameter"].sudo().get_param(key)


@case("messaging_reminder_scan", target=3.0)
class ReminderScan(Case):
    """Ours: the reminder cron's scan (_due_pairs: the active rules, then the
    one set-based query with opt-out, refunds, re-orders and learned intervals)
    with one 14-day rule for all products, run 30 days after the data set's date,
    finding the 100 planted due lines among all delivered ones. Floor: the bare
    indexed SELECT of the same due lines. The detail also gives the whole cron
    run: the scan plus rendering and queueing the 100 reminders."""

    def setup(self, env):
        stamp = _param(env, "roms_bench.now")
        if not stamp or _param(env, "roms_bench.data") != bench_data.DATA_VERSION:
            raise RuntimeError("bench data without planted reminders: rebuild it")
        self.now = datetime.datetime.fromisoformat(stamp) + datetime.timedelta(
            days=bench_data.REMINDER_RUN_DAYS
        )
        self.expected = bench_data.REMINDER_DUE_ORDERS * bench_data.REMINDER_DUE_LINES
        env.cr.execute(
            "SELECT count(*) FROM sale_order_line l JOIN sale_order o "
            "ON o.id = l.order_id WHERE o.roms_stage = 'delivered'"
        )
        self.detail = (
            f"{self.expected} due among {env.cr.fetchone()[0]} delivered lines"
        )

    def _rule(self, env):
        Rule = env["roms.reminder.rule"].with_context(active_test=False)
        Rule.search([]).write({"active": False})
        template = env["roms.message.template"].search(
            [("template_type", "=", "reminder")], limit=1
        ) or env["roms.message.template"].create(
            {
                "name": "Bench reminder",
                "template_type": "reminder",
                "body": "Halo {customer_name}, {product_name} sudah mau habis? "
                "{recommendation}",
            }
        )
        rule = Rule.create(
            {
                "name": "Bench 14 days",
                "days_after_delivery": 14,
                "template_id": template.id,
                # the cron also scans for due second steps (with their exit checks)
                "followup_template_id": template.id,
                "followup_days": 3,
            }
        )
        env["ir.config_parameter"].sudo().set_param(
            "roms_crm.reminder_lookback_days", "7"
        )
        env.flush_all()
        return rule

    cron_times = ()

    def ours(self, env):
        self._rule(env)
        Rule = env["roms.reminder.rule"]
        result = {}

        def scan():
            result["pairs"] = Rule._due_pairs(now=self.now, limit=501)

        seconds = timed(scan)
        if len(result["pairs"]) != self.expected:
            raise RuntimeError(f"ours found {len(result['pairs'])} due lines")
        env.invalidate_all()

        def cron():
            result["queued"] = Rule._cron_roms_reminders(batch_size=500, now=self.now)
            env.flush_all()

        self.cron_times = [*self.cron_times, timed(cron)]
        if len(result["queued"]) != self.expected:
            raise RuntimeError(f"ours queued {len(result['queued'])} reminders")
        return seconds

    def finish(self):
        self.detail += ", whole cron run (scan, render, queue) median {:.1f} ms".format(
            statistics.median(self.cron_times[1:] or self.cron_times) * 1000
        )

    def floor(self, env):
        rule = self._rule(env)
        query = floor_reminder_sql(env, self.now, rule)
        result = {}

        def run():
            env.cr.execute(query)
            result["rows"] = env.cr.fetchall()

        seconds = timed(run)
        if len(result["rows"]) != self.expected:
            raise RuntimeError(f"floor found {len(result['rows'])} due lines")
        return seconds


@case("messaging_broadcast_queue", target=3.0)
class BroadcastQueue(Case):
    """Ours: a broadcast to a segment of 50,000 customers (all customers at the
    small scale) sent and its recipients queued by _materialise() in
    batches of the configured size (opt-out, address and duplicate checks, body
    per customer). Floor: one INSERT … SELECT of the same queue rows."""

    def setup(self, env):
        env.cr.execute(
            "SELECT id FROM res_partner WHERE roms_category IS NOT NULL AND active "
            "ORDER BY id LIMIT %s",
            [BROADCAST_RECIPIENTS],
        )
        self.partners = [row[0] for row in env.cr.fetchall()]
        self.detail = f"{len(self.partners)} recipients"

    def _segment(self, env):
        env.cr.execute(
            """INSERT INTO roms_segment (name, code, sequence, active, rule_type,
                                        domain, create_uid, create_date, write_uid,
                                        write_date)
               VALUES ('{"en_US": "Bench broadcast"}', 'bench_broadcast', 99, TRUE,
                       'domain', '[]', 1, now(), 1, now())
               RETURNING id"""
        )
        segment = env.cr.fetchone()[0]
        env.cr.execute(
            "INSERT INTO roms_partner_segment_rel (partner_id, segment_id) "
            "SELECT unnest(%s::int[]), %s",
            [self.partners, segment],
        )
        env.invalidate_all()
        return segment

    def ours(self, env):
        segment = self._segment(env)
        broadcast = env["roms.broadcast"].create(
            {
                "name": "Bench broadcast",
                "segment_ids": [(6, 0, [segment])],
                "channel": "email",
                "body": BROADCAST_BODY,
            }
        )
        env.flush_all()
        result = {"queued": 0}

        def run():
            broadcast.action_send()
            while broadcast.state == "sending" and not broadcast.materialised:
                result["queued"] += broadcast._materialise()
            env.flush_all()

        seconds = timed(run)
        if result["queued"] != len(self.partners):
            raise RuntimeError(f"ours queued {result['queued']} messages")
        return seconds

    def floor(self, env):
        segment = self._segment(env)
        env.cr.execute(
            """INSERT INTO roms_broadcast (name, company_id, state, channel,
                                          send_mode, body, create_uid, create_date,
                                          write_uid, write_date)
               VALUES ('Bench floor', 1, 'sending', 'email', 'now', %s, 1, now(), 1,
                       now())
               RETURNING id""",
            [BROADCAST_BODY],
        )
        broadcast = env.cr.fetchone()[0]

        def run():
            env.cr.execute(
                """INSERT INTO roms_message (
                       partner_id, channel, kind, body, state, recipient,
                       broadcast_id, res_model, res_id, attempts, next_attempt_at,
                       create_uid, create_date, write_uid, write_date)
                   SELECT p.id, 'email', 'broadcast',
                          replace(%(body)s, '{customer_name}', p.name), 'queued',
                          p.email_normalized, %(broadcast)s, 'roms.broadcast',
                          %(broadcast)s, 0, now(), 1, now(), 1, now()
                     FROM res_partner p
                     JOIN roms_partner_segment_rel r ON r.partner_id = p.id
                    WHERE r.segment_id = %(segment)s""",
                {"body": BROADCAST_BODY, "broadcast": broadcast, "segment": segment},
            )
            result = env.cr.rowcount
            if result != len(self.partners):
                raise RuntimeError(f"floor queued {result} messages")

        return timed(run)


CART_RECOVERY_DUE = 100
CART_RECOVERY_HOURS = 24

FLOOR_CART_RECOVERY_SQL = """
SELECT o.id
  FROM sale_order o
 WHERE o.state IN ('draft', 'sent')
   AND o.date_order <= %(since)s
   AND o.date_order > %(oldest)s
   AND NOT EXISTS (SELECT 1 FROM roms_message m
                    WHERE m.kind = 'cart_recovery' AND m.res_id = o.id)
"""


@case("messaging_cart_recovery_scan", target=3.0)
class CartRecoveryScan(Case):
    """Ours: the cart-recovery scan (_roms_due_cart_recoveries: quotations idle
    24 hours and second messages 48 hours after the first, with the exit checks:
    not paid, the customer neither wrote since nor opted out, not messaged yet)
    run ten days after the data set's date, when 100 open quotations (moved there
    by each run, untimed) are idle. Floor: the bare indexed SELECT of the same
    quotations."""

    def setup(self, env):
        stamp = _param(env, "roms_bench.now")
        if not stamp:
            raise RuntimeError("bench data without a date: rebuild it")
        # ten days after the data set's last order: only the planted ones are idle
        self.now = datetime.datetime.fromisoformat(stamp) + datetime.timedelta(days=10)
        env.cr.execute(
            "SELECT count(*) FROM sale_order WHERE state IN ('draft', 'sent')"
        )
        self.detail = f"{CART_RECOVERY_DUE} idle among {env.cr.fetchone()[0]} open quotations"

    def _plant(self, env):
        """Turn the recovery on and make 100 open quotations of customers who did
        not opt out idle since 30 hours before the run (rolled back after it)."""
        params = env["ir.config_parameter"].sudo()
        params.set_param("roms_crm.cart_recovery_hours", str(CART_RECOVERY_HOURS))
        params.set_param("roms_crm.cart_recovery_second_hours", "48")
        env.flush_all()
        env.cr.execute(
            """UPDATE sale_order SET date_order = %(idle)s
                WHERE id IN (
                      SELECT o.id FROM sale_order o
                        JOIN res_partner p ON p.id = o.partner_id
                       WHERE o.state IN ('draft', 'sent')
                         AND NOT EXISTS (SELECT 1 FROM mail_blacklist b
                                          WHERE b.active
                                            AND b.email = p.email_normalized)
                         AND NOT EXISTS (SELECT 1 FROM phone_blacklist b
                                          WHERE b.active
                                            AND b.number = p.roms_whatsapp_number)
                       ORDER BY o.id LIMIT %(count)s)""",
            {
                "idle": self.now - datetime.timedelta(hours=30),
                "count": CART_RECOVERY_DUE,
            },
        )
        if env.cr.rowcount != CART_RECOVERY_DUE:
            raise RuntimeError(f"only {env.cr.rowcount} open quotations to plant")
        env.invalidate_all()

    def ours(self, env):
        self._plant(env)
        result = {}

        def scan():
            result["pairs"] = env["sale.order"]._roms_due_cart_recoveries(
                now=self.now, limit=501
            )

        seconds = timed(scan)
        if len(result["pairs"]) != CART_RECOVERY_DUE:
            raise RuntimeError(f"ours found {len(result['pairs'])} idle quotations")
        return seconds

    def floor(self, env):
        self._plant(env)
        since = self.now - datetime.timedelta(hours=CART_RECOVERY_HOURS)
        params = {"since": since, "oldest": since - datetime.timedelta(days=2)}
        result = {}

        def run():
            env.cr.execute(FLOOR_CART_RECOVERY_SQL, params)
            result["rows"] = env.cr.fetchall()

        seconds = timed(run)
        if len(result["rows"]) != CART_RECOVERY_DUE:
            raise RuntimeError(f"floor found {len(result['rows'])} idle quotations")
        return seconds
