"""The read replica of README › Deployment, with real processes: ``./setup/replica``
builds a primary and its streaming hot standby on loopback ports of their own, a
copy of this test database goes onto the primary, and ``./setup/run --prod
--replica`` serves it with ``db_replica_host``. While a thread keeps writing
orders through the server, the dashboard's call and a report download are
answered by the standby (its statement log shows their queries, the primary's
does not), and nothing read-only had to move to the primary, but the one download
whose wizard the paused standby had not replayed yet."""

import glob
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
import xmlrpc.client
from pathlib import Path

import requests

from odoo.tests import TransactionCase, tagged
from odoo.tools import config

from .servers import RealServerMixin, clean_env, free_port

ROOT = Path(__file__).resolve().parents[3]
RETRY = "retrying with a read/write cursor"
# a statement of the dashboard's call only (its daily chart)
DASHBOARD_SQL = "FROM generate_series("


def server_binaries():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return bool(found or shutil.which("initdb")) and all(
        shutil.which(tool) for tool in ("pg_dump", "pg_restore", "psql")
    )


@tagged("post_install", "-at_install", "roms_isolated")
class TestReadReplica(RealServerMixin, TransactionCase):
    def setUp(self):
        super().setUp()
        if not server_binaries():
            self.skipTest(
                "no PostgreSQL server binaries (initdb) or client tools to build a"
                " replica with (Debian: apt install postgresql)"
            )
        self.tmp = Path(tempfile.mkdtemp(prefix="roms_replica_"))
        # the servers run as the user postgres when the tests run as root
        self.tmp.chmod(0o755)
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        self.primary_port, self.replica_port = free_port(), free_port()
        self.pair = self.tmp / "pair"
        self.db = f"{self.env.cr.dbname}_replica"

    def _env(self, **values):
        return clean_env(
            **{
                "ROMS_REPLICA_DIR": self.pair,
                "ROMS_PG_PRIMARY_PORT": self.primary_port,
                "ROMS_PG_REPLICA_PORT": self.replica_port,
                "ROMS_PG_LOG_STATEMENTS": "all",
                **values,
            }
        )

    def _script(self, *args, timeout=300):
        return subprocess.run(
            [ROOT / "setup" / "replica", *args],
            env=self._env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def _sql(self, port, query, db="postgres"):
        return subprocess.run(
            ["psql", "-X", "-h", "127.0.0.1", "-p", str(port), "-U", "roms"]
            + ["-d", db, "-tAc", query],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout.strip()

    def _log(self, name):
        return (self.pair / f"{name}.log").read_text(errors="replace")

    def test_dashboard_and_export_on_the_replica_under_write_load(self):
        self.addCleanup(self._script, "destroy")
        built = self._script("start")
        self.assertEqual(built.returncode, 0, built.stderr[-3000:])
        status = self._script("status")
        self.assertEqual(status.returncode, 0, status.stdout + status.stderr)
        self.assertIn("streaming", status.stdout)
        self.assertEqual(
            self._sql(self.replica_port, "select pg_is_in_recovery()"), "t"
        )

        self._copy_database()
        base = self._serve()
        conf = (self.tmp / "odoo-prod.conf").read_text()
        self.assertIn("db_replica_host = 127.0.0.1", conf)
        self.assertIn(f"db_replica_port = {self.replica_port}", conf)
        self.assertIn(f"db_port = {self.primary_port}", conf)

        session = requests.Session()
        login = {"db": self.db, "login": "admin", "password": "admin"}
        self._rpc(session, base, "/web/session/authenticate", login)
        # from here on (the restore's statements before: not of the requests)
        primary_seen = len(self._log("primary"))
        before = self._dashboard(session, base)["orders"]["count"]

        # the primary under write load: orders created and confirmed through the
        # server while the dashboard is asked for
        written, errors, stop = [], [], threading.Event()
        writer = threading.Thread(
            target=self._write_orders, args=(base, written, errors, stop)
        )
        writer.start()
        try:
            deadline = time.monotonic() + 120
            while len(written) < 3 and not errors and time.monotonic() < deadline:
                time.sleep(0.2)
            calls = 0
            while calls < 5 or (len(written) < 10 and time.monotonic() < deadline):
                data = self._dashboard(session, base)
                self.assertGreaterEqual(data["orders"]["count"], before)
                calls += 1
            during = len(written)
        finally:
            stop.set()
            writer.join(timeout=120)
        self.assertFalse(errors, errors[:1])
        self.assertGreaterEqual(during, 3, "orders were written during the calls")

        # once the standby has replayed the primary, it shows every order written
        self._wait_replayed()
        self.assertEqual(
            self._dashboard(session, base)["orders"]["count"], before + len(written)
        )
        self.assertTrue(
            DASHBOARD_SQL in self._log("replica"), "the standby answered the dashboard"
        )
        self.assertFalse(
            DASHBOARD_SQL in self._log("primary")[primary_seen:],
            "the primary did not answer the dashboard",
        )

        # a report download: the wizard is created on the primary, the file is
        # made from the standby
        export_id = self._create_export(session, base)
        self._wait_replayed()
        seen = len(self._log("replica"))
        self._download(session, base, export_id)
        self.assertTrue(
            "roms_report_export" in self._log("replica")[seen:],
            "the standby made the file",
        )

        # the standby lags (replay paused): the download moves to the primary
        self._sql(self.replica_port, "select pg_wal_replay_pause()")
        try:
            export_id = self._create_export(session, base)
            self._download(session, base, export_id)
        finally:
            self._sql(self.replica_port, "select pg_wal_replay_resume()")
        log = (self.tmp / "log" / "odoo.log").read_text(errors="replace")
        self.assertIn(
            f"roms.report.export({export_id},) not on the read-only replica yet", log
        )
        # nothing else read-only tried to write and moved to the primary
        self.assertEqual(log.count(RETRY), 1, log[-5000:])

    # ------------------------------------------------------------------

    def _copy_database(self):
        """This test database onto the pair's primary, as ./setup/restore would."""
        self._sql(self.primary_port, f'CREATE DATABASE "{self.db}"')
        dump = self.tmp / "db.dump"
        subprocess.run(
            ["pg_dump", "-Fc", "--no-owner", "-f", dump, self.env.cr.dbname],
            check=True,
            capture_output=True,
            timeout=600,
        )
        restored = subprocess.run(
            ["pg_restore", "--no-owner", "--no-privileges", "-h", "127.0.0.1"]
            + ["-p", str(self.primary_port), "-U", "roms", "-d", self.db, dump],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        self.assertEqual(restored.returncode, 0, restored.stderr[-3000:])

    def _serve(self):
        http_port, gevent_port = free_port(), free_port()
        # its filestore is made by the server: removed after it stops
        self.addCleanup(shutil.rmtree, config.filestore(self.db), ignore_errors=True)
        base = f"http://127.0.0.1:{http_port}"
        self._start(
            [ROOT / "setup" / "run", "--prod", "--replica"],
            f"{base}/web/login",
            cwd=ROOT,
            env=self._env(
                ROMS_DB=self.db,
                ROMS_MASTER_PASSWORD=secrets.token_urlsafe(18),
                ROMS_PROD_CONF=self.tmp / "odoo-prod.conf",
                ROMS_LOG_DIR=self.tmp / "log",
                ROMS_HTTP_PORT=http_port,
                ROMS_GEVENT_PORT=gevent_port,
                ROMS_WORKERS=2,
                ROMS_CRON_WORKERS=0,
            ),
        )
        return base

    def _rpc(self, session, base, path, params):
        answer = session.post(
            f"{base}{path}", json={"jsonrpc": "2.0", "params": params}, timeout=120
        ).json()
        self.assertNotIn("error", answer, answer.get("error"))
        return answer["result"]

    def _call(self, session, base, model, method, args, kwargs=None):
        return self._rpc(
            session,
            base,
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def _dashboard(self, session, base):
        data = self._call(session, base, "roms.dashboard", "get_dashboard_data", [])
        self.assertEqual(len(data["daily"]), 30)
        return data

    def _create_export(self, session, base):
        return self._call(
            session, base, "roms.report.export", "create", [{"report": "top_customers"}]
        )

    def _download(self, session, base, export_id):
        response = session.get(f"{base}/roms_reports/export/{export_id}", timeout=120)
        self.assertEqual(response.status_code, 200, response.text[:500])
        self.assertIn("spreadsheetml", response.headers["Content-Type"])

    def _write_orders(self, base, written, errors, stop):
        try:
            rpc = xmlrpc.client.ServerProxy(f"{base}/xmlrpc/2/object", allow_none=True)
            uid = xmlrpc.client.ServerProxy(f"{base}/xmlrpc/2/common").authenticate(
                self.db, "admin", "admin", {}
            )

            def call(model, method, *args):
                return rpc.execute_kw(self.db, uid, "admin", model, method, list(args))

            partner = call("res.partner", "create", {"name": "Pelanggan Replika"})
            product = call(
                "product.product",
                "create",
                {"name": "Kopi Replika", "list_price": 1000},
            )
            while not stop.is_set() and len(written) < 300:
                order = call(
                    "sale.order",
                    "create",
                    {
                        "partner_id": partner,
                        "order_line": [(0, 0, {"product_id": product})],
                    },
                )
                call("sale.order", "action_confirm", [order])
                written.append(order)
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(repr(error))

    def _wait_replayed(self):
        target = self._sql(self.primary_port, "select pg_current_wal_lsn()")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            behind = self._sql(
                self.replica_port,
                f"select pg_wal_lsn_diff('{target}', pg_last_wal_replay_lsn())",
            )
            if float(behind) <= 0:
                return
            time.sleep(0.2)
        self.fail("the standby did not replay the primary's writes in 60 s")
