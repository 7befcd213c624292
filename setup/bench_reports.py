"""./setup/bench cases of roms_reports (registered by bench_runner.py).

``reports_dashboard``: roms.dashboard.get_dashboard_data() figure by figure against
the bare SQL of each figure (the very queries the figure runs, replayed straight
on the database cursor): what the ORM and Python add around them.

roms_reports is not installed in the shared bench databases: the case runs on
``roms_bench_<scale>_reports``, a copy of ``roms_bench_<scale>`` with roms_reports
installed (made on first use, updated when the code of roms_reports changes).
"""

import hashlib
import statistics
import subprocess
import sys
import time
from pathlib import Path

import bench_data

SETUP = Path(__file__).resolve().parent
ADDON = "roms_reports"
FIGURES = [
    "orders_today",
    "chats_today",
    "daily",
    "new_returning",
    "segments",
    "waiting_chats",
    "waiting_orders",
    "whatsapp",
    "reminder_revenue",
]


def fingerprint():
    digest = hashlib.sha1()
    for path in sorted((SETUP.parent / ADDON).rglob("*")):
        if path.is_file() and path.suffix in (".py", ".xml", ".csv", ".js"):
            digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_db(conf, base_name):
    """``<base_name>_reports`` with roms_reports installed and up to date."""
    name = f"{base_name}_reports"
    code = fingerprint()
    if bench_data.bench_scale(name) and bench_data.get_param(
        name, "roms_bench.reports_base"
    ) == bench_data.get_param(base_name, "roms_bench.code"):
        if bench_data.get_param(name, "roms_bench.reports_code") != code:
            print(f"updating {ADDON} in {name}", file=sys.stderr)
            bench_data.run_odoo(conf, "-d", name, "-u", ADDON, "--stop-after-init")
            bench_data.set_param(name, "roms_bench.reports_code", code)
        return name
    if bench_data.database_exists(name):
        bench_data.admin(f'DROP DATABASE "{name}" WITH (FORCE)')
    print(f"installing {ADDON} in {name} (a few minutes)", file=sys.stderr)
    bench_data.admin(f'CREATE DATABASE "{name}" TEMPLATE "{base_name}"')
    try:
        bench_data.run_odoo(
            conf, "-d", name, "-i", ADDON, "--without-demo=all", "--stop-after-init"
        )
    except subprocess.CalledProcessError:
        sys.exit(f"error: {ADDON} could not be installed in {name}")
    bench_data.set_param(name, "roms_bench.reports_code", code)
    bench_data.set_param(
        name, "roms_bench.reports_base", bench_data.get_param(base_name, "roms_bench.code")
    )
    return name


def register(case, Case, timed):
    @case("reports_dashboard", target=1.5)
    class ReportsDashboard(Case):
        """Ours: each figure method of get_dashboard_data() (the whole call is a
        sum of them). Floor: the same figure's queries replayed as bare SQL."""

        database = staticmethod(ensure_db)

        def setup(self, env):
            dashboard = env["roms.dashboard"]
            self.queries = {}
            cr = env.cr
            for figure in FIGURES:
                recorded = self.queries[figure] = []
                original = cr.execute

                def record(query, params=None, *args, _recorded=recorded, _original=original):
                    if hasattr(query, "code"):  # odoo.tools.SQL
                        _recorded.append((query.code, tuple(query.params)))
                    else:
                        _recorded.append((query, params))
                    return _original(query, params, *args)

                cr.execute = record
                try:
                    self._call(dashboard, figure)
                finally:
                    del cr.execute
            self.times = {f: {"ours": [], "floor": []} for f in FIGURES}
            env.cr.execute(
                "SELECT (SELECT count(*) FROM res_partner WHERE roms_category IS NOT "
                "NULL), (SELECT count(*) FROM sale_order_line)"
            )
            self.sizes = env.cr.fetchone()

        def _bounds(self, dashboard):
            from datetime import timedelta

            now = dashboard._now()
            today = dashboard._today()
            return {
                "today_start": dashboard._day_start(today),
                "now": now,
                "week_start": dashboard._day_start(today - timedelta(days=7)),
                "week_now": now - timedelta(days=7),
                "period_start": dashboard._day_start(today - timedelta(days=29)),
                "first_day": today - timedelta(days=29),
                "days": 30,
                "today": today,
                "this_week_start": dashboard._day_start(
                    today - timedelta(days=today.weekday())
                ),
            }

        def _call(self, dashboard, figure):
            method = getattr(dashboard, f"_fig_{figure}")
            if figure in ("segments", "waiting_chats", "waiting_orders", "whatsapp"):
                return method()
            return method(self._bounds(dashboard))

        def ours(self, env):
            dashboard = env["roms.dashboard"]
            total = 0.0
            for figure in FIGURES:
                env.invalidate_all()
                seconds = timed(lambda f=figure: self._call(dashboard, f))
                self.times[figure]["ours"].append(seconds)
                total += seconds
            return total

        def floor(self, env):
            cursor = env.cr._obj
            total = 0.0
            for figure in FIGURES:
                started = time.perf_counter()
                for query, params in self.queries[figure]:
                    cursor.execute(query, params)
                    if cursor.description:
                        cursor.fetchall()
                seconds = time.perf_counter() - started
                self.times[figure]["floor"].append(seconds)
                total += seconds
            return total

        def finish(self):
            parts = [f"{self.sizes[0]} customers, {self.sizes[1]} order lines"]
            for figure in FIGURES:
                ours = statistics.median(self.times[figure]["ours"]) * 1000
                floor = statistics.median(self.times[figure]["floor"]) * 1000
                count = len(self.queries[figure])
                parts.append(
                    f"{figure}: {ours:.1f} ms vs bare SQL {floor:.1f} ms "
                    f"({count} quer{'y' if count == 1 else 'ies'})"
                )
            self.detail = "\n    ".join(parts)
