"""The runner of ./setup/bench: measures ROMS's hot paths against their floor (raw
SQL or Odoo's native path) on a generated database (setup/bench_data.py).

Each case runs once to warm up, then ``--runs`` times, ours and floor alternately,
each run rolled back so that all runs start from the same data.
"""

import argparse
import base64
import csv
import io
import json
import logging
import random
import statistics
import sys
import time
from pathlib import Path

SETUP = Path(__file__).resolve().parent
sys.path.insert(0, str(SETUP))
# Case modules (setup/bench_<topic>.py) import `case` and `Case` from here: make
# `import bench_runner` find this module even when it runs as __main__.
sys.modules.setdefault("bench_runner", sys.modules[__name__])
import bench_data  # noqa: E402
import bench_reports  # noqa: E402

IMPORT_ROWS = 10_000
CASES = {}


def case(name, target, unit="s"):
    def register(cls):
        cls.name, cls.target, cls.unit = name, target, unit
        CASES[name] = cls
        return cls

    return register


class Case:
    """``setup(env)`` once, then ``ours(env)`` and ``floor(env)`` return the
    measure of one run (seconds, or a count)."""

    name = target = unit = None
    detail = ""

    def setup(self, env):
        pass

    def verify(self, env):
        """Raise when ours and the floor do not compute the same result (a fast
        wrong answer must fail). Called once, before the timed runs."""

    def passes(self, ours, floor):
        return ours <= self.target * floor


def timed(func):
    started = time.perf_counter()
    func()
    return time.perf_counter() - started


# ----------------------------------------------------------------------------
# Customer statistics
# ----------------------------------------------------------------------------

FLOOR_STATS_SQL = """
WITH orders AS (
    SELECT so.id, cp.commercial_partner_id AS partner_id,
           (so.date_order AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS day,
           %(amount)s AS amount
      FROM sale_order so JOIN res_partner cp ON cp.id = so.partner_id
     WHERE %(counts)s
), per_partner AS (
    SELECT partner_id, count(*) AS order_count, sum(amount) AS spent,
           min(day) AS first_day, max(day) AS last_day,
           count(DISTINCT date_trunc('month', day)) AS active_months
      FROM orders GROUP BY partner_id
), items AS (
    SELECT o.partner_id, sum(sol.product_uom_qty) AS qty
      FROM sale_order_line sol JOIN orders o ON o.id = sol.order_id
     WHERE sol.display_type IS NULL
     GROUP BY o.partner_id
), stats AS (
    SELECT c.id, p.order_count, p.spent, p.first_day, p.last_day, p.active_months,
           COALESCE(i.qty, 0) AS qty
      FROM res_partner c
      LEFT JOIN per_partner p ON p.partner_id = c.commercial_partner_id
      LEFT JOIN items i ON i.partner_id = c.commercial_partner_id
     WHERE c.roms_category IS NOT NULL
)
UPDATE res_partner rp
   SET roms_order_count = COALESCE(s.order_count, 0),
       roms_item_qty = s.qty,
       roms_total_spent = COALESCE(s.spent, 0),
       roms_first_order_date = s.first_day,
       roms_last_order_date = s.last_day,
       roms_avg_order_value = COALESCE(s.spent / s.order_count, 0),
       roms_loyalty_ratio = COALESCE(s.active_months, 0),
       roms_stats_date = CURRENT_DATE
  FROM stats s
 WHERE rp.id = s.id
"""


def floor_stats_sql(env):
    """FLOOR_STATS_SQL in roms_crm's words for the orders that count and their
    amount in company currency (sale.order's SQL vocabulary), like ours."""
    from odoo.tools import SQL

    Order = env["sale.order"]
    return SQL(
        FLOOR_STATS_SQL,
        tz=env["res.partner"]._roms_tz(),
        amount=Order._roms_amount_company_sql("so"),
        counts=Order._roms_counting_order_sql("so"),
    )


@case("customer_stats", target=2.0)
class CustomerStats(Case):
    """Ours: _roms_update_all_stats() (statistics and segments of every customer,
    in batches). Floor: one UPDATE … FROM (aggregate) of the same per-customer
    numbers for all customers at once, without segments."""

    def setup(self, env):
        env.cr.execute(
            "SELECT count(*) FROM res_partner WHERE roms_category IS NOT NULL"
        )
        self.detail = f"{env.cr.fetchone()[0]} customers"

    STATS_COLUMNS = (
        "id, roms_order_count, round(roms_total_spent::numeric, 2), "
        "roms_first_order_date, roms_last_order_date, "
        "round(roms_item_qty::numeric, 2)"
    )

    def _snapshot(self, env):
        env.flush_all()
        env.cr.execute(
            f"SELECT {self.STATS_COLUMNS} FROM res_partner"
            " WHERE roms_category IS NOT NULL ORDER BY id"
        )
        return env.cr.fetchall()

    def verify(self, env):
        env["res.partner"]._roms_update_all_stats()
        ours = self._snapshot(env)
        env.cr.rollback()
        env.invalidate_all()
        self.floor(env)
        floor = self._snapshot(env)
        if ours != floor:
            wrong = next(o for o, f in zip(ours, floor, strict=True) if o != f)
            raise RuntimeError(f"customer_stats: ours and floor differ, e.g. {wrong}")

    def ours(self, env):
        return timed(lambda: env["res.partner"]._roms_update_all_stats())

    def floor(self, env):
        query = floor_stats_sql(env)
        return timed(lambda: env.cr.execute(query))


@case("customer_stats_one_order", target=1.0, unit="queries")
class CustomerStatsOneOrder(Case):
    """Queries of order._roms_update_customer_stats(): ours for the customer with
    200 orders, floor for the customer with 2 orders; they must be equal."""

    def setup(self, env):
        get = env["ir.config_parameter"].sudo().get_param
        self.orders = {}
        for key in ("big", "small"):
            partner = int(get(f"roms_bench.{key}_customer"))
            self.orders[key] = env["sale.order"].search(
                [("partner_id", "=", partner), ("state", "=", "sale")], limit=1
            ).id
        self.times = {"big": [], "small": []}

    def _count(self, env, key):
        env.invalidate_all()
        order = env["sale.order"].browse(self.orders[key])
        before = env.cr.sql_log_count
        started = time.perf_counter()
        order._roms_update_customer_stats()
        env.flush_all()
        self.times[key].append(time.perf_counter() - started)
        return env.cr.sql_log_count - before

    def ours(self, env):
        return self._count(env, "big")

    def floor(self, env):
        return self._count(env, "small")

    def passes(self, ours, floor):
        return ours == floor

    def finish(self):
        self.detail = "median {:.1f} ms (200 orders) vs {:.1f} ms (2 orders)".format(
            statistics.median(self.times["big"]) * 1000,
            statistics.median(self.times["small"]) * 1000,
        )


@case("customer_import", target=1.0)
class CustomerImport(Case):
    """Ours: a 10,000-row .xlsx of new customers through roms.customer.import
    (action_import: read, validate, create). Floor: the same rows as CSV through
    Odoo's base_import (execute_import, not a dry run)."""

    FIELDS = [
        "name", "mobile", "email", "roms_category", "roms_gender", "street",
        "state_id", "city_id", "zip", "roms_join_date",
    ]
    HEADERS = [
        "Name", "Mobile/WhatsApp", "Email", "Category", "Gender", "Street",
        "Province", "City/Regency", "Postal Code", "Join Date",
    ]

    def setup(self, env):
        # Cities whose name is unique, so that base_import finds them by name.
        env.cr.execute(
            """SELECT c.name->>'en_US', s.name FROM res_city c
                 JOIN res_country_state s ON s.id = c.state_id
                WHERE c.name->>'en_US' IN (
                    SELECT name->>'en_US' FROM res_city GROUP BY 1
                    HAVING count(*) = 1)
                ORDER BY c.id"""
        )
        self.cities = env.cr.fetchall()
        self.serial = 0
        self.rng = random.Random(1)
        self.detail = f"{IMPORT_ROWS} new customers"

    def _rows(self):
        """Fresh rows: numbers never used before in this process, nor by the
        bench customers (other prefixes)."""
        self.serial += 1
        rng = self.rng
        rows = []
        for i in range(IMPORT_ROWS):
            name, gender = bench_data.person_name(rng)
            city, state = rng.choice(self.cities)
            prefix = bench_data.IMPORT_PREFIXES[i % 2]
            number = f"0{prefix}-{self.serial:02d}{i:06d}"
            rows.append([
                name, number, f"bench{self.serial}.{i}@example.com", "customer",
                gender, f"Jl. Merdeka No. {i % 200 + 1}", state, city,
                f"{rng.randrange(10000, 99999)}",
                f"2025-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
            ])
        return rows

    def ours(self, env):
        import xlsxwriter

        buf = io.BytesIO()
        book = xlsxwriter.Workbook(buf, {"constant_memory": True})
        sheet = book.add_worksheet("Customers")
        sheet.write_row(0, 0, self.HEADERS)
        for index, row in enumerate(self._rows(), start=1):
            row[4] = row[4].capitalize()
            row[3] = row[3].capitalize()
            sheet.write_row(index, 0, row)
        book.close()
        record = env["roms.customer.import"].create(
            {"file": base64.b64encode(buf.getvalue()), "file_name": "bench.xlsx"}
        )

        def run():
            record.action_import()
            env.flush_all()

        seconds = timed(run)
        if record.state != "done" or record.created_count != IMPORT_ROWS:
            errors = record.error_ids[:5].mapped("message")
            raise RuntimeError(
                f"ROMS import: state {record.state}, created "
                f"{record.created_count}, errors {errors}"
            )
        return seconds

    def floor(self, env):
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(self.FIELDS)
        writer.writerows(self._rows())
        wizard = env["base_import.import"].create({
            "res_model": "res.partner",
            "file": buf.getvalue().encode(),
            "file_name": "bench.csv",
            "file_type": "text/csv",
        })
        options = {
            "quoting": '"', "separator": ",", "encoding": "utf-8",
            "has_headers": True, "date_format": "%Y-%m-%d", "datetime_format": "",
            "float_thousand_separator": ",", "float_decimal_separator": ".",
            "import_skip_records": [], "import_set_empty_fields": [],
            "fallback_values": {}, "name_create_enabled_fields": {},
            "advanced": False, "tracking_disable": True,
        }
        result = {}

        def run():
            result.update(wizard.execute_import(
                self.FIELDS, self.FIELDS, options, dryrun=False
            ))
            env.flush_all()

        seconds = timed(run)
        errors = [m for m in result.get("messages", []) if m.get("type") == "error"]
        if errors or len(result.get("ids") or []) != IMPORT_ROWS:
            raise RuntimeError(
                f"base_import: {len(result.get('ids') or [])} ids, errors {errors[:3]}"
            )
        return seconds


bench_reports.register(case, Case, timed)

import bench_whatsapp  # noqa: E402

bench_whatsapp.register(case, Case)

import bench_shipping  # noqa: E402

bench_shipping.register(case, Case)


# ----------------------------------------------------------------------------
# Runner
# ----------------------------------------------------------------------------


def measure(registry, bench, runs):
    from odoo import SUPERUSER_ID, api

    ours, floor = [], []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        bench.setup(env)
        cr.rollback()
        env.invalidate_all()
        bench.verify(env)
        cr.rollback()
        for index in range(runs + 1):
            for side, results in ((bench.ours, ours), (bench.floor, floor)):
                env.invalidate_all()
                value = side(env)
                cr.rollback()
                env.invalidate_all()
                if index:  # the first run warms up
                    results.append(value)
    if hasattr(bench, "finish"):
        bench.finish()
    ours_m, floor_m = statistics.median(ours), statistics.median(floor)
    return {
        "case": bench.name,
        "unit": bench.unit,
        "ours": ours_m,
        "floor": floor_m,
        "ratio": ours_m / floor_m if floor_m else None,
        "target": bench.target,
        "pass": bench.passes(ours_m, floor_m),
        "runs": {"ours": ours, "floor": floor},
        "detail": bench.detail,
        "higher_is_better": getattr(bench, "higher_is_better", False),
    }


def fmt(value, unit):
    if unit == "s":
        return f"{value:.3f} s"
    return f"{value:g} {unit}"


def print_table(results, scale, runs):
    header = ["case", "ours (median)", "floor (median)", "ratio", "target", "result"]
    rows = []
    for r in results:
        target = "equal" if r["unit"] == "queries" else f"<= {r['target']:g}"
        if r.get("higher_is_better"):
            target = f">= {r['target']:g}"
        rows.append([
            r["case"], fmt(r["ours"], r["unit"]), fmt(r["floor"], r["unit"]),
            f"{r['ratio']:.2f}" if r["ratio"] is not None else "-", target,
            "pass" if r["pass"] else "FAIL",
        ])
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    print(f"ROMS benchmark, scale {scale}, {runs} runs after one warm-up")
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)))
    for r in results:
        if r["detail"]:
            print(f"  {r['case']}: {r['detail']}")


def load_case_modules():
    """Import every setup/bench_<topic>.py: each registers its cases."""
    import importlib

    for path in sorted(SETUP.glob("bench_*.py")):
        if path.stem not in ("bench_data", "bench_runner"):
            importlib.import_module(path.stem)


def main():
    load_case_modules()
    parser = argparse.ArgumentParser(prog="setup/bench")
    parser.add_argument("--conf", required=True, help=argparse.SUPPRESS)
    parser.add_argument("--scale", choices=bench_data.SCALES, default="small")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print JSON results")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("cases", nargs="*", metavar="case",
                        help="cases or groups (customers, api, order, messaging, "
                        "whatsapp, shipping, reports) to run (default all): "
                        + ", ".join(CASES))
    args = parser.parse_args()
    # a group name runs every case whose name starts with it: `customers` runs the
    # customer_* cases
    args.cases = [
        case
        for name in args.cases
        for case in (
            [name]
            if name in CASES
            else [
                c
                for c in CASES
                if c.startswith((name + "_", name.rstrip("s") + "_"))
            ]
            or [name]
        )
    ]
    unknown = set(args.cases) - CASES.keys()
    if unknown:
        parser.error(f"unknown case(s): {', '.join(sorted(unknown))}")

    import odoo
    from odoo.tools import config

    config.parse_config(["-c", args.conf, "--log-level=warn"])
    # cases with a database of their own (ensure_database) need no bench data
    own = [getattr(CASES[name], "ensure_database", None) for name in args.cases]
    if own and all(own):
        db = own[0](args.conf)
    else:
        db = bench_data.ensure(args.conf, args.scale, args.seed)
    config.parse_config(["-c", args.conf, "-d", db, "--log-level=warn"])
    logging.getLogger("odoo.addons.base_import").setLevel(logging.WARNING)
    benches = [(name, CASES[name]()) for name in args.cases or CASES]
    # a case may need more addons than roms_crm: its own copy of the database, made
    # before any registry holds a connection to the template
    databases = [
        bench.database(args.conf, db) if hasattr(bench, "database") else db
        for _name, bench in benches
    ]
    results = []
    for (name, bench), case_db in zip(benches, databases, strict=True):
        registry = odoo.modules.registry.Registry(case_db)
        print(f"running {name} …", file=sys.stderr)
        results.append(measure(registry, bench, args.runs))
    if args.json:
        print(json.dumps({"scale": args.scale, "results": results}, indent=2))
    else:
        print_table(results, args.scale, args.runs)
    return 0 if all(r["pass"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
