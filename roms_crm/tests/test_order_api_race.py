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

# The second worker, run as its own Python process: it prints its database
# backend pid, posts the same order through the API's business layer, commits,
# and prints the (status, payload) it would answer.
SECOND_WORKER = """
import json, logging, sys
import odoo
from odoo import SUPERUSER_ID, api
from odoo.tools import config
conf, db, payload = sys.argv[1:4]
config.parse_config((["-c", conf] if conf else []) + ["-d", db, "--log-level=critical"])
logging.getLogger("odoo").setLevel(logging.CRITICAL)
registry = odoo.modules.registry.Registry(db)
with registry.cursor() as cr:
    cr.execute("SELECT pg_backend_pid()")
    print(cr.fetchone()[0], flush=True)
    env = api.Environment(cr, SUPERUSER_ID, {})
    result = env["roms.api"]._roms_api_create(json.loads(payload))
print(json.dumps(result))
"""


@tagged("post_install", "-at_install")
class TestOrderApiRace(TransactionCase):
    """Two identical order requests in two Odoo workers at the same moment — a
    web shop retrying its webhook. HttpCase's server serves requests one after
    the other on one shared cursor, so here the first request runs in the test
    process and the second in a separate Odoo process with its own registry and
    connection, both through the API's business layer. The race is made
    certain: the first transaction has inserted the order but not committed
    when the second inserts the same (external_id, source) and waits on the
    unique index (checked with pg_blocking_pids); then the first commits."""

    def _payload(self):
        return {
            "external_id": EXTERNAL_ID,
            "source": SOURCE,
            "status": "pending",
            "customer": {"name": "Pembeli Balapan", "phone": PHONE},
            "lines": [{"sku": "KOP-ARB-250", "quantity": 2}],
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
        results = {}
        first_cr = self.registry.cursor()
        second = None
        try:
            first_cr.execute("SELECT pg_backend_pid()")
            first_pid = first_cr.fetchone()[0]
            env = api.Environment(first_cr, SUPERUSER_ID, {})
            results["first"] = env["roms.api"]._roms_api_create(self._payload())
            # the second worker: its own Odoo process, registry and connection
            second = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    SECOND_WORKER,
                    config.rcfile or "",
                    first_cr.dbname,
                    json.dumps(self._payload()),
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
                f"the second worker must wait on the first one: {results}"
                f" {self._activity([second_pid])}",
            )
            first_cr.commit()
        finally:
            first_cr.close()
            if second:
                output, errors = second.communicate(timeout=120)
        self.assertEqual(second.returncode, 0, errors)
        results["second"] = json.loads(output)
        first_status, first_order = results["first"]
        second_status, second_order = results["second"]
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
