import io

import openpyxl
import psycopg2.errors

from odoo import api
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.roms_crm.tests.common import make_order
from odoo.addons.roms_crm.tools.replica import NotReplicatedYet, replicated

from .common import RomsReportsCase

RETRY = "retrying with a read/write cursor"


@tagged("post_install", "-at_install")
class TestReadOnlyRequests(RomsReportsCase, HttpCase):
    """The dashboard's call and the report download are read-only requests: with
    ``db_replica_host`` they run on the replica. Here they run on a read-only
    cursor (Odoo's test cursor sets ``SET TRANSACTION READ ONLY``), where a write
    raises and Odoo would retry the request on the primary with a warning: none
    may come. The replica itself: tests/test_roms/tests/test_read_replica.py."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        partner = cls.customer("Pelanggan Replika")
        for _index in range(2):
            make_order(cls.env, partner, cls.product)

    def setUp(self):
        super().setUp()
        self.authenticate("roms_reports_owner", "roms_reports_owner")

    def _routing(self, path, method="GET"):
        adapter = self.env["ir.http"].routing_map().bind("localhost")
        endpoint, _args = adapter.match(path, method=method)
        return endpoint.routing

    def test_marked_read_only(self):
        self.assertTrue(self._routing("/roms_reports/export/1")["readonly"])
        self.assertTrue(type(self.env["roms.dashboard"]).get_dashboard_data._readonly)

    def test_cursor_refuses_writes(self):
        """The read-only cursor the requests get is really read-only."""
        with self.registry.cursor(readonly=True) as cr:
            self.assertTrue(cr.readonly)
            cr.execute("SHOW transaction_read_only")
            self.assertEqual(cr.fetchone()[0], "on")
            env = api.Environment(cr, self.owner.id, {})
            with (
                self.assertRaises(psycopg2.errors.ReadOnlySqlTransaction),
                mute_logger("odoo.sql_db"),
                cr.savepoint(),
            ):
                env["res.partner"].create({"name": "Tidak Boleh"})
                env.flush_all()

    def test_dashboard_on_a_read_only_cursor(self):
        with self.registry.cursor(readonly=True) as cr:
            env = api.Environment(cr, self.owner.id, self.env.context)
            data = env["roms.dashboard"].get_dashboard_data(days=30)
            self.assertEqual(data["orders"]["count"], 2)
            cr.flush()  # nothing left to write either
        with self.assertNoLogs("odoo.http", "WARNING"):
            data = self.make_jsonrpc_request(
                "/web/dataset/call_kw/roms.dashboard/get_dashboard_data",
                {
                    "model": "roms.dashboard",
                    "method": "get_dashboard_data",
                    "args": [],
                    "kwargs": {"days": 7},
                },
            )
        self.assertEqual(data["orders"]["count"], 2)
        self.assertEqual(len(data["daily"]), 7)

    def test_export_on_a_read_only_cursor(self):
        for report in ("top_customers", "geography", "sales", "stock", "retention"):
            # the user's own export: the only one they may download
            export = (
                self.env["roms.report.export"]
                .with_user(self.owner)
                .create({"report": report})
            )
            with self.assertNoLogs("odoo.http", "WARNING"):
                response = self.url_open(f"/roms_reports/export/{export.id}")
            self.assertEqual(response.status_code, 200, report)
            book = openpyxl.load_workbook(io.BytesIO(response.content))
            if report == "top_customers":
                self.assertEqual(book.active["B2"].value, "Pelanggan Replika")

    def test_export_not_replicated_yet(self):
        """An export the read-only cursor does not see (the replica lags behind the
        primary) moves the request to a read/write cursor: there it is a 404 for
        an export that does not exist, never a 500; absurd ids too."""
        missing = self.env["roms.report.export"].create({"report": "stock"})
        missing.unlink()
        for export_id in (missing.id, 2**31 - 1, 10**20):
            with self.assertLogs("odoo.http", "WARNING") as logs:
                response = self.url_open(f"/roms_reports/export/{export_id}")
            self.assertEqual(response.status_code, 404, export_id)
            self.assertIn("not on the read-only replica yet", logs.output[0])
            self.assertIn(RETRY, logs.output[0])

    def test_roms_file_on_a_read_only_cursor(self):
        """The files of roms.download.mixin go through Odoo's /web/content, a
        read-only request: found, or moved to the primary when the replica does
        not have them yet (a 404 there when they do not exist at all)."""
        Export = self.env["roms.customer.export"]
        action = Export._download(b"isi", "pelanggan.xlsx")
        with self.assertNoLogs("odoo.http", "WARNING"):
            response = self.url_open(action["url"])
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"isi")
        missing = Export.create({"file_name": "hilang.xlsx"})
        missing.unlink()
        with self.assertLogs("odoo.http", "WARNING") as logs:
            response = self.url_open(
                f"/web/content/roms.customer.export/{missing.id}/file"
            )
        self.assertEqual(response.status_code, 404)
        self.assertIn("not on the read-only replica yet", logs.output[0])
        # Odoo's own records are left as Odoo serves them: no move to the primary
        with self.assertNoLogs("odoo.http", "WARNING"):
            response = self.url_open(f"/web/content/res.partner/{2**31 - 1}/name")
        self.assertEqual(response.status_code, 404)

    def test_replicated(self):
        export = self.env["roms.report.export"].create({"report": "stock"})
        missing = self.env["roms.report.export"].create({"report": "stock"})
        missing.unlink()
        self.assertEqual(
            replicated(export | missing), export, "read/write: as exists()"
        )
        with self.registry.cursor(readonly=True) as cr:
            Export = api.Environment(cr, self.owner.id, {})["roms.report.export"]
            self.assertEqual(replicated(Export.browse(export.id)).id, export.id)
            with self.assertRaises(NotReplicatedYet):
                replicated(Export.browse([export.id, missing.id]))
