"""Order cases of ./setup/bench: the order REST API against XML-RPC, and the order
export of 100,000 lines with its peak memory."""

import contextlib
import http.client
import io
import json
import os
import socket
import subprocess
import sys
import time
import xmlrpc.client
from pathlib import Path

from bench_runner import Case, case, timed

API_ORDERS = 30  # orders per measured run, each with 3 lines
EXPORT_LINES = 100_000
EXPORT_MEMORY_MB = 300
BENCH_SOURCE = "bench"
BENCH_RPC_REF = "bench-rpc"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def odoo_server(conf, db):
    """A real Odoo HTTP server on a free loopback port serving ``db`` only
    (threaded, no cron), stopped on exit."""
    import odoo

    port = free_port()
    odoo_bin = Path(odoo.__path__[0]).parent / "odoo-bin"
    process = subprocess.Popen(
        [
            sys.executable, str(odoo_bin), "-c", conf, "-d", db,
            f"--db-filter=^{db}$", "--http-interface=127.0.0.1",
            f"--http-port={port}", "--workers=0", "--max-cron-threads=0",
            "--log-level=warn", "--no-database-list",
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request(
                    "POST", "/web/webclient/version_info", body="{}",
                    headers={"Content-Type": "application/json"},
                )
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the Odoo server for the benchmark did not start")
            time.sleep(0.5)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


@case("api_orders", target=1.0)
class ApiOrders(Case):
    """Orders created and confirmed through POST /api/v1/orders (customer matched
    by phone, lines by SKU) against the same orders through Odoo's XML-RPC
    (sale.order create + action_confirm, ids handed to the client for free),
    one real HTTP server for both. Measured: seconds per API_ORDERS orders, so
    the ratio is the inverse of the throughput ratio (target: ours no slower)."""

    def setup(self, env):
        from odoo.tools import config

        self.conf, self.db = config.rcfile, env.cr.dbname
        user = env["res.users"].search([("login", "=", "roms_bench_api")])
        if not user:
            user = env["res.users"].create({
                "name": "ROMS bench integration",
                "login": "roms_bench_api",
                "groups_id": [
                    (4, env.ref("base.group_user").id),
                    (4, env.ref("roms_crm.group_roms_api").id),
                    (4, env.ref("sales_team.group_sale_salesman_all_leads").id),
                ],
            })
        # the integration user is no customer: keep it out of the other cases'
        # audiences (broadcasts, statistics)
        user.partner_id.roms_category = False
        self.uid = user.id
        integrations = env["roms.api.integration"].with_context(active_test=False)
        integration = integrations.search(
            [("name", "=", "ROMS bench")]
        ) or integrations.create({"name": "ROMS bench", "source_names": BENCH_SOURCE})
        self.key = (
            env["res.users.apikeys"].with_user(user).sudo()
            ._roms_generate(integration, "bench")
        )
        env.cr.execute(
            """SELECT p.id, p.roms_whatsapp_number FROM res_partner p
                WHERE p.roms_category = 'customer' AND p.roms_whatsapp_number IS NOT NULL
                ORDER BY p.id LIMIT %s""",
            [API_ORDERS],
        )
        self.customers = env.cr.fetchall()
        env.cr.execute(
            """SELECT id, default_code FROM product_product
                WHERE default_code LIKE 'BNC%%' ORDER BY id LIMIT 9"""
        )
        self.products = env.cr.fetchall()
        # a benchmark measures throughput: lift the API's per-key rate limit for
        # the run (0 = none) and put the shop's value back afterwards
        params = env["ir.config_parameter"].sudo()
        self.rate_limit = params.get_param("roms_crm.api_rate_per_minute")
        params.set_param("roms_crm.api_rate_per_minute", "0")
        env.cr.commit()
        self.run = 0
        self.server = odoo_server(self.conf, self.db)
        self.port = self.server.__enter__()
        self.detail = (
            f"{API_ORDERS} orders of 3 lines per run, confirmed; "
            "ratio = our time / XML-RPC time (≤ 1: at least as many orders/s)"
        )

    def verify(self, env):
        """One order each way for the same customer and lines: same customer,
        lines, total and state."""
        self.run += 1
        self._post(0, f"BENCH-VERIFY-{os.getpid()}")
        self._rpc(0)
        with self._registry().cursor() as cr:
            cr.execute(
                """SELECT so.partner_id, so.state, so.amount_total,
                          array_agg((sol.product_id, sol.product_uom_qty)
                                    ORDER BY sol.product_id)
                     FROM sale_order so JOIN sale_order_line sol ON sol.order_id = so.id
                    WHERE so.roms_external_id = %s OR so.client_order_ref = %s
                    GROUP BY so.id ORDER BY so.id""",
                [f"BENCH-VERIFY-{os.getpid()}", BENCH_RPC_REF],
            )
            ours, floor = cr.fetchall()[-2:]
        if ours != floor:
            raise RuntimeError(f"api_orders: API order {ours} != XML-RPC order {floor}")

    def _registry(self):
        import odoo

        return odoo.modules.registry.Registry(self.db)

    def _post(self, index, external_id, connection=None):
        connection = connection or http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=60
        )
        headers = {
            "Authorization": f"Bearer {self.key}",
            "Content-Type": "application/json",
        }
        _pid, phone = self.customers[index]
        body = {
            "external_id": external_id,
            "source": BENCH_SOURCE,
            "status": "processed",
            "customer": {"name": "Pelanggan Bench", "phone": phone},
            "lines": [
                {"sku": sku, "quantity": 1 + (index + n) % 3}
                for n, (_id, sku) in enumerate(self.products[index % 3 :: 3])
            ],
        }
        connection.request("POST", "/api/v1/orders", json.dumps(body), headers)
        response = connection.getresponse()
        payload = response.read()
        if response.status != 201:
            raise RuntimeError(f"API answered {response.status}: {payload!r}")

    def _rpc(self, index, rpc=None):
        rpc = rpc or xmlrpc.client.ServerProxy(
            f"http://127.0.0.1:{self.port}/xmlrpc/2/object", allow_none=True
        )
        partner_id, _phone = self.customers[index]
        order_id = rpc.execute_kw(
            self.db, self.uid, self.key, "sale.order", "create",
            [{
                "partner_id": partner_id,
                "client_order_ref": BENCH_RPC_REF,
                "order_line": [
                    (0, 0, {"product_id": pid, "product_uom_qty": 1 + (index + n) % 3})
                    for n, (pid, _sku) in enumerate(self.products[index % 3 :: 3])
                ],
            }],
        )
        rpc.execute_kw(
            self.db, self.uid, self.key, "sale.order", "action_confirm", [[order_id]]
        )

    def ours(self, env):
        self.run += 1
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

        def post_all():
            for index in range(len(self.customers)):
                self._post(
                    index, f"BENCH-{os.getpid()}-{self.run}-{index}", connection
                )

        return timed(post_all)

    def floor(self, env):
        rpc = xmlrpc.client.ServerProxy(
            f"http://127.0.0.1:{self.port}/xmlrpc/2/object", allow_none=True
        )

        def create_all():
            for index in range(len(self.customers)):
                self._rpc(index, rpc)

        return timed(create_all)

    def finish(self):
        self.server.__exit__(None, None, None)
        import odoo
        from odoo import SUPERUSER_ID, api

        with odoo.modules.registry.Registry(self.db).cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env["sale.order"].search([
                "|", ("roms_source", "=", BENCH_SOURCE),
                ("client_order_ref", "=", BENCH_RPC_REF),
            ])
            orders._action_cancel()
            orders.picking_ids.unlink()
            orders.unlink()
            env["res.users.apikeys"].sudo().search([("user_id", "=", self.uid)]).unlink()
            env["ir.config_parameter"].sudo().set_param(
                "roms_crm.api_rate_per_minute", self.rate_limit or False
            )


def _status_kb(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


@case("order_export", target=1.0)
class OrderExport(Case):
    """The order export wizard writing EXPORT_LINES order lines to .xlsx against
    PostgreSQL's COPY of the same rows. Passes when the export's peak memory
    (growth of the process's peak resident set while it runs) stays under
    EXPORT_MEMORY_MB; the time ratio is reported, not targeted."""

    unit = "s"

    def setup(self, env):
        from odoo.tools import SQL

        env.cr.execute(
            SQL(
                """SELECT so.date_order FROM sale_order_line sol
                     JOIN sale_order so ON so.id = sol.order_id
                    WHERE %s AND sol.display_type IS NULL
                    ORDER BY so.date_order DESC OFFSET %s LIMIT 1""",
                env["sale.order"]._roms_counting_order_sql("so"),
                EXPORT_LINES,
            )
        )
        row = env.cr.fetchone()
        self.date_from = row[0].date() if row else None
        env.cr.execute(f"SELECT count(*) FROM ({self._lines_select(env)}) AS rows")
        self.lines = env.cr.fetchone()[0]
        self.peaks = []
        self.python_peak = 0

    def _wizard(self, env):
        return env["roms.order.export.wizard"].create(
            {"date_from": self.date_from} if self.date_from else {}
        )

    def ours(self, env):
        wizard = self._wizard(env)
        rss_before = _status_kb("VmRSS")
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")  # reset VmHWM, the peak resident set
        seconds = timed(wizard._export_xlsx)
        self.peaks.append((_status_kb("VmHWM") - rss_before) / 1024)
        return seconds

    def verify(self, env):
        """The workbook's rows are the rows COPY gives, in the same order
        (order, SKU, quantity, subtotal)."""
        import tracemalloc

        import openpyxl

        tracemalloc.start()
        content = self._wizard(env)._export_xlsx()
        self.python_peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        ours = [
            (row[0], row[6] or None, float(row[7]), round(float(row[9]), 2))
            for row in book.active.iter_rows(min_row=2, values_only=True)
        ]
        env.cr.execute(
            f"SELECT name, default_code, qty, round(subtotal::numeric, 2) FROM ("
            f"{self._lines_select(env)}) AS rows"
        )
        floor = [(a, b, float(c), float(d)) for a, b, c, d in env.cr.fetchall()]
        if ours != floor:
            raise RuntimeError(
                f"order_export: {len(ours)} rows in the workbook, {len(floor)} by SQL; "
                f"first difference {next((o, f) for o, f in zip(ours, floor) if o != f)}"
                if len(ours) == len(floor)
                else f"order_export: {len(ours)} rows in the workbook, {len(floor)} by SQL"
            )

    def _lines_select(self, env):
        """The export's rows as one SELECT over the wizard's own order domain."""
        selected = (
            env["sale.order"]._search(self._wizard(env)._order_domain())
            .select("sale_order.id")
        )
        orders = env.cr.mogrify(selected.code, selected.params).decode()
        return f"""
            SELECT so.name, so.date_order, p.name AS customer,
                   p.roms_whatsapp_number, COALESCE(c.name->>'en_US', p.city),
                   pt.name->>'en_US', pp.default_code,
                   sol.product_uom_qty AS qty, sol.price_unit,
                   sol.price_subtotal AS subtotal, so.roms_stage
              FROM sale_order_line sol
              JOIN sale_order so ON so.id = sol.order_id
              JOIN res_partner p ON p.id = so.partner_id
              LEFT JOIN res_city c ON c.id = p.city_id
              LEFT JOIN product_product pp ON pp.id = sol.product_id
              LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE sol.display_type IS NULL AND so.id IN ({orders})
             ORDER BY so.date_order, so.id, sol.sequence, sol.id"""

    def floor(self, env):
        copy = f"COPY ({self._lines_select(env)}) TO STDOUT WITH (FORMAT csv)"

        def run():
            with open(os.devnull, "w") as sink:
                env.cr._obj.copy_expert(copy, sink)

        return timed(run)

    def passes(self, ours, floor):
        growth = max(self.peaks) if self.peaks else 0
        peak = max(growth, self.python_peak)
        self.detail = (
            f"{self.lines:,} lines; peak memory of the export {peak:.0f} MB "
            f"(Python allocations {self.python_peak:.0f} MB, growth of the process's "
            f"peak RSS {growth:.0f} MB; limit {EXPORT_MEMORY_MB} MB); "
            "time ratio to COPY reported only"
        )
        return peak <= EXPORT_MEMORY_MB
