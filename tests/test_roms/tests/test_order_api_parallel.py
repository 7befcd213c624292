"""Parallel order API requests of one new customer on a real production server.

The order API serialises the orders of one customer with a session advisory lock
on the customer's phone and email, then starts a fresh transaction
(``roms.api._api_serialise_customer``). Under Odoo's test runner it steps aside
(the request's transaction is the test's), so here ``./setup/run --prod`` serves
this test database on loopback ports of its own, as test_deployment.py does,
and 20 threads post 20 orders (distinct external ids) of one new phone number at
the same moment. Counted in the database: every request answered 2xx, one
customer with that number, the 20 orders on it. The server is threaded (no
workers), so the 20 requests run at once, each in its own transaction: with
two prefork workers at most two would meet. Each waits for the customer's lock,
then sees the orders before it, so Odoo replays none after a serialisation
failure (its log says; in two runs with the lock switched off, 19 of the 20
were replayed, all answered 201 in the end).

What the test commits (a product, an API user, its integration and key, the
orders and their customer) is removed afterwards."""

import concurrent.futures
import secrets
import shutil
import tempfile
import threading
from pathlib import Path

import requests

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import TransactionCase, tagged

from .servers import RealServerMixin, clean_env, free_port

ROOT = Path(__file__).resolve().parents[3]
PARALLEL = 20


@tagged("post_install", "-at_install", "roms_isolated")
class TestOrderApiParallel(RealServerMixin, TransactionCase):
    def setUp(self):
        super().setUp()
        run = secrets.token_hex(4)
        self.source = f"lock-test-{run}"
        self.sku = f"ROMS-LOCK-{run}".upper()
        # a number nobody has: 0813 and eight digits from the run
        local = f"0813{int(run, 16) % 10**8:08d}"
        self.phone = local
        self.number = "+62" + local[1:]
        self.tmp = Path(tempfile.mkdtemp(prefix="roms_api_lock_"))
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        # removed last: after the server stopped (cleanups run in reverse)
        self.addCleanup(self._remove_committed)
        self.ids = {}
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.assertFalse(
                env["res.partner"]
                .with_context(active_test=False)
                .search_count([("roms_whatsapp_number", "=", self.number)]),
                "the number is new",
            )
            product = env["product.product"].create(
                {
                    "name": "Kopi Serentak",
                    "default_code": self.sku,
                    "list_price": 45000,
                    "type": "consu",
                }
            )
            self.ids["product"] = product.id
            self.ids["template"] = product.product_tmpl_id.id
            user = (
                env["res.users"]
                .with_context(no_reset_password=True)
                .create(
                    {
                        "name": "Integrasi Serentak",
                        "login": f"roms-lock-{run}",
                        "groups_id": [
                            Command.link(env.ref("base.group_user").id),
                            Command.link(env.ref("roms_crm.group_roms_api").id),
                        ],
                    }
                )
            )
            self.ids["user"] = user.id
            self.ids["user_partner"] = user.partner_id.id
            integration = env["roms.api.integration"].create(
                {"name": f"Serentak {run}", "source_names": self.source}
            )
            self.ids["integration"] = integration.id
            self.key = (
                env["res.users.apikeys"]
                .with_user(user)
                .sudo()
                ._roms_generate(integration, "parallel orders")
            )

    def _remove_committed(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
            orders = env["sale.order"].search([("roms_source", "=", self.source)])
            customers = orders.partner_id | env["res.partner"].search(
                [("roms_whatsapp_number", "=", self.number)]
            )
            orders.unlink()
            customers.unlink()
            if "user" in self.ids:
                env["res.users"].browse(self.ids["user"]).unlink()
                env["res.partner"].browse(self.ids["user_partner"]).exists().unlink()
            if "integration" in self.ids:
                env["roms.api.integration"].browse(self.ids["integration"]).unlink()
            if "product" in self.ids:
                # the variant first: its chatter goes with it
                env["product.product"].browse(self.ids["product"]).unlink()
                env["product.template"].browse(self.ids["template"]).exists().unlink()

    # ------------------------------------------------------------------

    def _serve(self):
        """./setup/run --prod on this database: threaded (every request at
        once, in its own thread and transaction), no cron."""
        http_port = free_port()
        base = f"http://127.0.0.1:{http_port}"
        self._start(
            [ROOT / "setup" / "run", "--prod"],
            f"{base}/web/login",
            seconds=120,
            cwd=ROOT,
            env=clean_env(
                ROMS_DB=self.env.cr.dbname,
                ROMS_MASTER_PASSWORD=secrets.token_urlsafe(18),
                ROMS_PROD_CONF=self.tmp / "odoo-prod.conf",
                ROMS_LOG_DIR=self.tmp / "log",
                ROMS_HTTP_PORT=http_port,
                ROMS_GEVENT_PORT=free_port(),
                # Odoo's threaded server: the 20 requests all run at the same time
                ROMS_WORKERS=0,
                # the other tests' database: no cron runs behind their back
                ROMS_CRON_WORKERS=0,
            ),
        )
        return base

    def test_parallel_orders_of_one_new_number_make_one_customer(self):
        base = self._serve()
        start = threading.Barrier(PARALLEL)

        def post(index):
            payload = {
                "external_id": f"LOCK-{index:02d}",
                "source": self.source,
                "status": "pending",
                "customer": {"name": "Pembeli Serentak", "phone": self.phone},
                "lines": [{"sku": self.sku, "quantity": 1}],
            }
            start.wait(timeout=60)
            return requests.post(
                f"{base}/api/v1/orders",
                json=payload,
                headers={"Authorization": f"Bearer {self.key}"},
                timeout=120,
            )

        with concurrent.futures.ThreadPoolExecutor(PARALLEL) as pool:
            answers = list(pool.map(post, range(PARALLEL)))

        failed = [
            (answer.status_code, answer.text[:300])
            for answer in answers
            if not 200 <= answer.status_code < 300
        ]
        self.assertFalse(failed, f"{len(failed)} of {PARALLEL} not answered 2xx")
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT id FROM res_partner WHERE roms_whatsapp_number = %s",
                [self.number],
            )
            customers = [row[0] for row in cr.fetchall()]
            self.assertEqual(len(customers), 1, "one customer of the new number")
            cr.execute(
                "SELECT partner_id, count(*) FROM sale_order"
                " WHERE roms_source = %s GROUP BY partner_id",
                [self.source],
            )
            self.assertEqual(
                cr.fetchall(), [(customers[0], PARALLEL)], "every order on it"
            )
        self.assertEqual(
            {answer.json()["customer"]["id"] for answer in answers}, set(customers)
        )
        # the server answered them, and the lock made them wait for each other:
        # none met another one's writes and was replayed by Odoo
        log = (self.tmp / "log" / "odoo.log").read_text(errors="replace")
        self.assertEqual(log.count('"POST /api/v1/orders HTTP/1.1" 201'), PARALLEL)
        # (odoo.service.model: "SERIALIZATION_FAILURE, 4 tries left, try again...")
        self.assertEqual(log.count(" tries left, try again"), 0, "requests replayed")
