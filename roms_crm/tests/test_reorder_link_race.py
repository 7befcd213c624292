"""A reorder link orders once, even when its "Pesan" reaches two Odoo servers at
the same moment (a double tap on a phone with a flaky connection, the request
retried by a proxy)."""

import logging
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, config

_logger = logging.getLogger(__name__)

SERVER_START_SECONDS = 300
WAIT_SECONDS = 120


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@tagged("post_install", "-at_install", "roms_isolated")
class TestReorderLinkRace(TransactionCase):
    """Two real Odoo HTTP servers (their own processes, registries and database
    connections, as two prefork workers or two app servers) serve the same link;
    both get its "Pesan" at once. The race is made certain: this test holds the
    link's row lock while both requests arrive, checks with pg_blocking_pids that
    both servers wait on it, then lets go. Exactly one order is placed; the other
    request answers that the link was used (HTTP 409), and writes nothing.

    Both servers see only committed data: what the test needs is committed and
    removed at the end."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            product = env["product.product"].create(
                {
                    "name": "Kopi Balapan Tautan",
                    "list_price": 75000,
                    "type": "consu",
                    "taxes_id": [Command.clear()],
                }
            )
            customer = env["res.partner"].create(
                {
                    "name": "Pembeli Tautan Balapan",
                    "email": "tautan.balapan@example.com",
                    "street": "Jl. Balap 1",
                    "city": "Bandung",
                }
            )
            order = env["sale.order"].create(
                {
                    "partner_id": customer.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": 2,
                                "tax_id": [Command.clear()],
                            }
                        )
                    ],
                }
            )
            link = env["roms.reorder.link"]._get_or_create(customer, order.order_line)
            cls.ids = {
                "product": product.id,
                "customer": customer.id,
                "order": order.id,
                "link": link.id,
            }
            cls.path = urlsplit(link._url()).path
        cls.addClassCleanup(cls._remove_data)
        cls.servers = [cls._start_server() for _i in range(2)]
        cls.addClassCleanup(cls._stop_servers)
        for server in cls.servers:
            cls._wait_until_serving(server)
            # a first visit of the page, as the customer opens the link before
            # ordering: the page's assets and the link's first opening are made
            # (and committed) before the race
            response = requests.get(server["base"] + cls.path, timeout=WAIT_SECONDS)
            response.raise_for_status()

    # ------------------------------------------------------------ servers

    @classmethod
    def _start_server(cls):
        port = free_port()
        odoo_bin = Path(__import__("odoo").__path__[0]).parent / "odoo-bin"
        dbname = cls.env.cr.dbname
        process = subprocess.Popen(
            [
                sys.executable,
                str(odoo_bin),
                *(["-c", config.rcfile] if config.rcfile else []),
                "-d",
                dbname,
                f"--db-filter=^{dbname}$",
                "--http-interface=127.0.0.1",
                f"--http-port={port}",
                "--max-cron-threads=0",
                "--workers=0",
                "--log-level=warn",
                "--no-database-list",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return {"process": process, "base": f"http://127.0.0.1:{port}"}

    @classmethod
    def _wait_until_serving(cls, server):
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if server["process"].poll() is not None:
                raise RuntimeError("an Odoo server of the test stopped")
            try:
                response = requests.post(
                    f"{server['base']}/web/webclient/version_info",
                    json={"jsonrpc": "2.0", "method": "call", "params": {}},
                    timeout=10,
                )
                if response.ok:
                    return
            except requests.RequestException as error:
                _logger.debug("the server is not serving yet: %s", error)
            time.sleep(0.5)
        raise RuntimeError("an Odoo server of the test did not start")

    @classmethod
    def _stop_servers(cls):
        for server in cls.servers:
            process = server["process"]
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=30)

    @classmethod
    def _remove_data(cls):
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            customer = env["res.partner"].browse(cls.ids["customer"])
            orders = env["sale.order"].search([("partner_id", "=", customer.id)])
            orders._action_cancel()
            moves = orders.picking_ids.move_ids
            orders.picking_ids.unlink()
            moves.exists().unlink()
            env["roms.reorder.link"].browse(cls.ids["link"]).unlink()
            orders.unlink()
            customer.unlink()
            env["product.product"].browse(cls.ids["product"]).product_tmpl_id.unlink()

    # -------------------------------------------------------------- test

    def _committed(self, func):
        with self.registry.cursor() as cr:
            return func(api.Environment(cr, SUPERUSER_ID, {}))

    def _waiting_on(self, pid):
        """How many other backends wait behind a lock ``pid`` holds: blocked by it,
        or queued behind one that is (PostgreSQL names only the waiter ahead)."""
        return self._committed(
            lambda env: env.execute_query(
                SQL(
                    """WITH RECURSIVE waiting(pid) AS (
                           SELECT pid FROM pg_stat_activity
                            WHERE %s = ANY(pg_blocking_pids(pid))
                           UNION
                           SELECT a.pid FROM pg_stat_activity a
                             JOIN waiting w ON w.pid = ANY(pg_blocking_pids(a.pid))
                       )
                       SELECT count(*) FROM waiting""",
                    pid,
                )
            )[0][0]
        )

    def _activity(self):
        return self._committed(
            lambda env: env.execute_query(
                SQL(
                    "SELECT pid, state, wait_event_type, pg_blocking_pids(pid), query"
                    " FROM pg_stat_activity WHERE datname = current_database()"
                    " AND pid != pg_backend_pid()"
                )
            )
        )

    def test_two_servers_order_once(self):
        form = {
            f"qty_{self.ids['product']}": "2",
            "address": str(self.ids["customer"]),
            "note": "Pesan dua kali sekaligus",
        }
        answers = [None, None]

        def post(index, server):
            try:
                answers[index] = requests.post(
                    server["base"] + self.path,
                    data=form,
                    allow_redirects=False,
                    timeout=WAIT_SECONDS,
                )
            except requests.RequestException as error:
                answers[index] = error

        # Hold the link's row lock (as a request placing an order with it does):
        # both requests reach it and wait.
        lock_cr = self.registry.cursor()
        threads = []
        try:
            lock_cr.execute(
                "SELECT id FROM roms_reorder_link WHERE id = %s FOR UPDATE",
                [self.ids["link"]],
            )
            lock_cr.execute("SELECT pg_backend_pid()")
            lock_pid = lock_cr.fetchone()[0]
            threads = [
                threading.Thread(target=post, args=(index, server))
                for index, server in enumerate(self.servers)
            ]
            for thread in threads:
                thread.start()
            deadline = time.monotonic() + WAIT_SECONDS
            waiting = 0
            while time.monotonic() < deadline and waiting < 2:
                waiting = self._waiting_on(lock_pid)
                time.sleep(0.05)
            self.assertEqual(
                waiting,
                2,
                f"both servers must wait on the link: {self._activity()} {answers}",
            )
        finally:
            lock_cr.rollback()
            lock_cr.close()
            for thread in threads:
                thread.join(timeout=WAIT_SECONDS)
        for answer in answers:
            self.assertIsInstance(answer, requests.Response, answer)
        self.assertEqual(
            sorted(answer.status_code for answer in answers),
            [303, 409],
            "one order placed, the other request told the link was used",
        )

        def check(env):
            customer = env["res.partner"].browse(self.ids["customer"])
            orders = env["sale.order"].search(
                [("partner_id", "=", customer.id), ("id", "!=", self.ids["order"])]
            )
            self.assertEqual(len(orders), 1)
            self.assertEqual(orders.order_line.product_uom_qty, 2)
            link = env["roms.reorder.link"].browse(self.ids["link"])
            self.assertEqual(link.order_id, orders)

        self._committed(check)
