"""One customer's orders confirmed at the same time through two entry points: an
integrator's XML-RPC call and the order API, in two workers. Both refresh the
customer's statistics row; neither may fail with PostgreSQL's "could not serialize
access due to concurrent update" (an ERROR in the database's and Odoo's logs, then a
replay of the whole request), and the statistics count both orders."""

import threading
import time

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import TransactionCase, tagged

PHONE = "+6281277003999"
SKU = "ROMS-STATS-RACE"
SOURCE = "stats-race"


class _Worker(threading.Thread):
    """A worker of its own: its own thread (not a test thread, so the production
    code paths run) and its own cursors; keeps what ``target`` returned or raised."""

    def __init__(self, target):
        super().__init__(daemon=True)
        self.target = target
        self.result = self.error = None

    def run(self):
        try:
            self.result = self.target()
        except Exception as error:  # noqa: BLE001 - reported by the test
            self.error = error

    def outcome(self, timeout=120):
        if not self.is_alive() and self.result is None and self.error is None:
            self.start()
        self.join(timeout)
        if self.is_alive():
            raise AssertionError("the worker did not finish")
        if self.error:
            raise self.error
        return self.result


@tagged("post_install", "-at_install", "roms_isolated")
class TestCustomerStatsRace(TransactionCase):
    """Both workers see only committed data: the customer, the product and the
    XML-RPC worker's quotation are committed for each test and removed after it."""

    def setUp(self):
        super().setUp()
        self._cleanup()  # what an interrupted run may have left
        with self.registry.cursor() as cr:
            env = self._env(cr)
            product = env["product.product"].create(
                {
                    "name": "Kopi Statistik",
                    "default_code": SKU,
                    "list_price": 100000,
                    "type": "consu",
                    "taxes_id": [Command.clear()],
                }
            )
            customer = env["res.partner"].create(
                {"name": "Pelanggan Serentak", "mobile": PHONE}
            )
            quotation = env["sale.order"].create(
                {
                    "partner_id": customer.id,
                    "order_line": [
                        Command.create({"product_id": product.id, "price_unit": 70000})
                    ],
                }
            )
            self.customer_id, self.quotation_id = customer.id, quotation.id
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            customers = (
                env["res.partner"]
                .with_context(active_test=False)
                .search([("roms_whatsapp_number", "=", PHONE)])
            )
            products = (
                env["product.product"]
                .with_context(active_test=False)
                .search([("default_code", "=", SKU)])
            )
            orders = env["sale.order"].search(
                [("partner_id", "in", customers.ids)]
            ) | env["sale.order"].search([("roms_source", "=", SOURCE)])
            orders._action_cancel()
            orders.picking_ids.unlink()
            env["stock.move"].search([("product_id", "in", products.ids)]).unlink()
            orders.unlink()
            env["loyalty.card"].search([("partner_id", "in", customers.ids)]).unlink()
            customers.unlink()
            products.product_tmpl_id.unlink()

    def _api_payload(self):
        return {
            "external_id": "STATS-RACE-1",
            "source": SOURCE,
            "status": "processed",
            "customer": {"name": "Pelanggan Serentak", "phone": PHONE},
            "lines": [{"sku": SKU, "quantity": 1, "price_unit": 50000}],
        }

    def _env(self, cr, uid=SUPERUSER_ID):
        # the test runner holds the registry lock: hand the registry over
        cr.transaction = cr.transaction or api.Transaction(self.registry)
        return api.Environment(cr, uid, {})

    def _pid(self, cr):
        cr.execute("SELECT pg_backend_pid()")
        return cr.fetchone()[0]

    def _blockers(self, pid):
        with self.registry.cursor() as cr:
            cr.execute("SELECT pg_blocking_pids(%s)", [pid])
            return cr.fetchone()[0]

    def _confirm_by_xmlrpc(self, cr):
        """What ``execute_kw(…, 'sale.order', 'action_confirm', [[id]])`` runs."""
        env = self._env(cr, self._env(cr).ref("base.user_admin").id)
        env["sale.order"].browse(self.quotation_id).action_confirm()
        # as Odoo's RPC dispatcher does: post-commit hooks included
        cr.commit()  # pylint: disable=invalid-commit

    def _create_by_api(self, cr):
        env = self._env(cr)
        status, order = env["roms.api"]._api_create(self._api_payload())
        self.assertEqual(status, 201, order)
        return order

    def assertStatsCountBoth(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            customer = env["res.partner"].browse(self.customer_id)
            self.assertEqual(customer.roms_order_count, 2)
            self.assertEqual(customer.roms_total_spent, 120000)
            self.assertEqual(
                env["sale.order"].search_count(
                    [("partner_id", "=", customer.id), ("state", "=", "sale")]
                ),
                2,
            )

    def test_xmlrpc_confirms_after_an_api_order_committed(self):
        """The XML-RPC call's transaction began before the API order was
        committed: its snapshot holds the customer's older statistics row."""

        def run():
            xmlrpc_cr = self.registry.cursor()
            try:
                xmlrpc_cr.execute("SELECT 1")  # the call's transaction begins
                with self.registry.cursor() as api_cr:
                    self._create_by_api(api_cr)
                self._confirm_by_xmlrpc(xmlrpc_cr)
            finally:
                xmlrpc_cr.close()

        _Worker(run).outcome()
        self.assertStatsCountBoth()

    def test_xmlrpc_confirms_while_an_api_order_is_confirmed(self):
        """The XML-RPC call meets the customer while the API request, which
        confirmed its order, has not committed yet: it waits (checked with
        pg_blocking_pids), then goes on once the API request commits."""
        created, commit = threading.Event(), threading.Event()
        pids = {}

        def api_request():
            with self.registry.cursor() as cr:
                order = self._create_by_api(cr)
                pids["api"] = self._pid(cr)
                created.set()
                if not commit.wait(60):
                    raise AssertionError("never told to commit")
                return order

        def xmlrpc_call():
            with self.registry.cursor() as cr:
                pids["xmlrpc"] = self._pid(cr)
                self._confirm_by_xmlrpc(cr)

        api_worker = _Worker(api_request)
        api_worker.start()
        if not created.wait(60):
            commit.set()
            api_worker.outcome()
            self.fail("the API request did not create its order")
        xmlrpc_worker = _Worker(xmlrpc_call)
        xmlrpc_worker.start()
        blockers = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and xmlrpc_worker.is_alive():
            blockers = self._blockers(pids["xmlrpc"]) if "xmlrpc" in pids else []
            if blockers:
                break
            time.sleep(0.05)
        commit.set()
        api_worker.outcome()
        xmlrpc_worker.outcome()
        self.assertEqual(blockers, [pids["api"]], "the XML-RPC call did not wait")
        self.assertStatsCountBoth()
