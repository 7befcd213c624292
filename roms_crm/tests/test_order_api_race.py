import json
import subprocess
import sys
import time

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged
from odoo.tools import config

EXTERNAL_ID = "RACE-1"
SOURCE = "race-test"
PHONE = "+6281277001999"
SKU = "ROMS-RACE-KOPI"

# The second worker, run as its own Python process: it prints its database
# backend pid, posts the same order through the API's business layer, commits,
# and prints the (status, payload) it would answer.
SECOND_WORKER = """
import json, logging, sys
import odoo
from odoo import SUPERUSER_ID, api
from odoo.service.model import retrying
from odoo.tools import config
conf, db, payload = sys.argv[1:4]
config.parse_config((["-c", conf] if conf else []) + ["-d", db, "--log-level=critical"])
logging.getLogger("odoo").setLevel(logging.CRITICAL)
registry = odoo.modules.registry.Registry(db)
with registry.cursor() as cr:
    cr.execute("SELECT pg_backend_pid()")
    print(cr.fetchone()[0], flush=True)
    env = api.Environment(cr, SUPERUSER_ID, {})
    # as an Odoo worker serves a request: retried on a serialisation failure
    result = retrying(
        lambda: env["roms.api"]._api_create(json.loads(payload)), env
    )
print(json.dumps(result))
"""


@tagged("post_install", "-at_install", "roms_isolated")
class TestOrderApiRace(TransactionCase):
    """Two identical order requests in two Odoo workers at the same moment — a
    web shop retrying its webhook. HttpCase's server serves requests one after
    the other on one shared cursor, so here the first request runs in the test
    process and the second in a separate Odoo process with its own registry and
    connection, both through the API's business layer. The race is made
    certain: the first transaction has inserted the order but not committed
    when the second inserts the same (external_id, source) and waits on the
    unique index (checked with pg_blocking_pids); then the first commits.

    Both workers see only committed data: the product ordered is committed for the
    class, and each test removes what it committed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            cls.product_id = (
                env["product.product"]
                .create(
                    {
                        "name": "Kopi Balapan",
                        "default_code": SKU,
                        "list_price": 50000,
                        "type": "consu",
                    }
                )
                .id
            )
        cls.addClassCleanup(cls._remove_product)

    @classmethod
    def _remove_product(cls):
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["product.product"].browse(cls.product_id).product_tmpl_id.unlink()

    def _two_workers(self, first_payload, second_payload, must_wait):
        """The first worker (this process) creates ``first_payload`` and keeps its
        transaction open until the second (its own Odoo process, registry and
        connection) waits on it creating ``second_payload``; then it commits.
        Returns both answers, (status, payload) each."""
        first_cr = self.registry.cursor()
        second = None
        try:
            first_cr.execute("SELECT pg_backend_pid()")
            first_pid = first_cr.fetchone()[0]
            env = api.Environment(first_cr, SUPERUSER_ID, {})
            first = env["roms.api"]._api_create(first_payload)
            second = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    SECOND_WORKER,
                    config.rcfile or "",
                    first_cr.dbname,
                    json.dumps(second_payload),
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            second_pid = int(second.stdout.readline())
            deadline = time.monotonic() + 60
            blockers = []
            while time.monotonic() < deadline and second.poll() is None:
                blockers = self._blockers(second_pid)
                if blockers:
                    break
                time.sleep(0.05)
            self.assertEqual(
                blockers,
                [first_pid],
                f"{must_wait}: {first} {self._activity([second_pid])}",
            )
            first_cr.commit()
        finally:
            first_cr.close()
            if second:
                output, errors = second.communicate(timeout=120)
        self.assertEqual(second.returncode, 0, errors)
        return first, json.loads(output)

    def _payload(self):
        return {
            "external_id": EXTERNAL_ID,
            "source": SOURCE,
            "status": "pending",
            "customer": {"name": "Pembeli Balapan", "phone": PHONE},
            "lines": [{"sku": SKU, "quantity": 2}],
        }

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env["sale.order"].search(
                [("roms_external_id", "=", EXTERNAL_ID), ("roms_source", "=", SOURCE)]
            )
            partners = orders.partner_id | env["res.partner"].search(
                [("roms_whatsapp_number", "=", PHONE)]
            )
            orders.unlink()
            partners.unlink()

    def _activity(self, pids):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT pid, state, wait_event_type, wait_event, query"
                " FROM pg_stat_activity WHERE pid = ANY(%s)",
                [pids],
            )
            return cr.fetchall()

    def _blockers(self, pid):
        with self.registry.cursor() as cr:
            cr.execute("SELECT pg_blocking_pids(%s)", [pid])
            return cr.fetchone()[0]

    def test_two_workers_create_one_order(self):
        self._cleanup()
        self.addCleanup(self._cleanup)
        (first_status, first_order), (second_status, second_order) = self._two_workers(
            self._payload(),
            self._payload(),
            "the second worker must wait on the first one",
        )
        self.assertEqual((first_status, second_status), (201, 200))
        self.assertEqual(first_order["id"], second_order["id"])
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.assertEqual(
                env["sale.order"].search_count(
                    [
                        ("roms_external_id", "=", EXTERNAL_ID),
                        ("roms_source", "=", SOURCE),
                    ]
                ),
                1,
            )
            # the loser's customer was rolled back with its savepoint
            self.assertEqual(
                env["res.partner"].search_count([("roms_whatsapp_number", "=", PHONE)]),
                1,
            )


@tagged("post_install", "-at_install", "roms_isolated")
class TestOrderApiCustomerRace(TestOrderApiRace):
    """Two orders (different external ids) of one new customer at the same moment,
    in two Odoo workers: the second waits for the first on the customer's lock
    (checked with pg_blocking_pids), then finds the customer the first committed —
    one customer, never one per order."""

    def _payload(self, external_id, customer):
        return {
            "external_id": external_id,
            "source": SOURCE,
            "status": "pending",
            "customer": customer,
            "lines": [{"sku": SKU, "quantity": 1}],
        }

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env["sale.order"].search([("roms_source", "=", SOURCE)])
            partners = orders.partner_id
            orders.unlink()
            partners.unlink()

    def _race(self, customer):
        self._cleanup()
        self.addCleanup(self._cleanup)
        first, (second_status, second_order) = self._two_workers(
            self._payload("RACE-C1", customer),
            self._payload("RACE-C2", customer),
            "the second order must wait for the first one's customer",
        )
        self.assertEqual((first[0], second_status), (201, 201))
        self.assertEqual(first[1]["customer"]["id"], second_order["customer"]["id"])
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env["sale.order"].search([("roms_source", "=", SOURCE)])
            self.assertEqual(len(orders), 2)
            self.assertEqual(len(orders.partner_id), 1)
            return orders.partner_id.read(["roms_whatsapp_number", "email_normalized"])[
                0
            ]

    def test_two_workers_create_one_order(self):
        """Inherited; run by TestOrderApiRace."""

    def test_one_customer_per_new_phone(self):
        partner = self._race({"name": "Pembeli Serentak", "phone": "0812-7700-2999"})
        self.assertEqual(partner["roms_whatsapp_number"], "+6281277002999")

    def test_one_customer_per_new_email(self):
        partner = self._race(
            {"name": "Pembeli Surel", "email": "serentak.race@example.com"}
        )
        self.assertEqual(partner["email_normalized"], "serentak.race@example.com")
