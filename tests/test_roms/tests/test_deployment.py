"""Production mode as README › Deployment sets it up: ``./setup/run --prod`` started
as the systemd unit of setup/deploy says, behind nginx with setup/deploy/nginx.conf
(when nginx is installed), on loopback ports of their own, against this test
database. Live chat (the websocket process) and the HTTP workers are reached
through the proxy."""

import configparser
import json
import os
import secrets
import shlex
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import requests
import websocket

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged
from odoo.tools import config

from .servers import RealServerMixin, clean_env, free_port

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "setup" / "deploy"
UNIT_ROOT = "/opt/roms"


def unit_value(key):
    """The value of ``key`` in the systemd unit, its /opt/roms made this checkout."""
    for line in (DEPLOY / "roms.service").read_text().splitlines():
        if line.startswith(f"{key}="):
            return line.split("=", 1)[1].replace(UNIT_ROOT, str(ROOT))
    raise AssertionError(f"{key} missing from roms.service")


def nginx_binary():
    return shutil.which("nginx") or next(
        (
            p
            for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx")
            if os.access(p, os.X_OK)
        ),
        None,
    )


@tagged("post_install", "-at_install", "roms_isolated")
class TestDeployment(RealServerMixin, TransactionCase):
    def setUp(self):
        super().setUp()
        self.tmp = Path(tempfile.mkdtemp(prefix="roms_deploy_"))
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def _env(self, **values):
        return clean_env(
            **{
                "ROMS_DB": self.env.cr.dbname,
                "ROMS_PROD_CONF": self.tmp / "odoo-prod.conf",
                "ROMS_LOG_DIR": self.tmp / "log",
                **values,
            }
        )

    def _run(self, *args, **env):
        return subprocess.run(
            [*shlex.split(unit_value("ExecStart")), *args],
            check=False,
            cwd=unit_value("WorkingDirectory"),
            env=self._env(**env),
            capture_output=True,
            text=True,
            timeout=600,
        )

    def test_refuses_to_serve_without_a_master_password(self):
        for password, reason in (
            (None, "set ROMS_MASTER_PASSWORD"),
            ("admin", "must not be Odoo's default"),
            ("short-pass", "at least 12 characters"),
        ):
            env = {} if password is None else {"ROMS_MASTER_PASSWORD": password}
            result = self._run("--no-serve", **env)
            self.assertNotEqual(result.returncode, 0, password)
            self.assertIn(reason, result.stderr)
            self.assertFalse((self.tmp / "odoo-prod.conf").exists(), "nothing written")

    def test_production_server_behind_the_proxy(self):
        http_port, gevent_port = free_port(), free_port()
        password = secrets.token_urlsafe(18)
        direct = f"http://127.0.0.1:{http_port}"
        self._start(
            shlex.split(unit_value("ExecStart")),
            f"{direct}/web/login",
            cwd=unit_value("WorkingDirectory"),
            env=self._env(
                ROMS_MASTER_PASSWORD=password,
                ROMS_HTTP_PORT=http_port,
                ROMS_GEVENT_PORT=gevent_port,
                ROMS_WORKERS=2,
                # the other tests' database: no cron runs behind their back
                ROMS_CRON_WORKERS=0,
            ),
        )

        conf = configparser.ConfigParser()
        conf.read(self.tmp / "odoo-prod.conf")
        options = conf["options"]
        self.assertEqual(options["workers"], "2")
        self.assertEqual(options["gevent_port"], str(gevent_port))
        self.assertEqual(options["proxy_mode"], "True")
        self.assertEqual(options["list_db"], "False")
        self.assertEqual(options["admin_passwd"], password)
        # one database, named: no dbfilter, whose list of databases costs a
        # new connection to PostgreSQL on every request without a session
        self.assertEqual(options["db_name"], self.env.cr.dbname)
        self.assertNotIn("dbfilter", options)
        self.assertEqual(
            (self.tmp / "odoo-prod.conf").stat().st_mode & 0o777, 0o600, "a secret"
        )
        # the database manager is closed
        manager = requests.get(f"{direct}/web/database/manager", timeout=30)
        self.assertIn("The database manager has been disabled", manager.text)

        nginx = nginx_binary()
        if nginx:
            base = self._start_nginx(nginx, http_port, gevent_port)
            # larger than the proxy takes: refused before Odoo sees it
            too_large = requests.post(
                f"{base}/web/login", data=b"x" * (26 * 1024 * 1024), timeout=60
            )
            self.assertEqual(too_large.status_code, 413)
        else:
            # without a proxy: the workers and the websocket on their own ports
            base = direct
        self.assertEqual(requests.get(f"{base}/web/login", timeout=30).status_code, 200)
        self._live_chat(base if nginx else f"http://127.0.0.1:{gevent_port}", base)

        log = (self.tmp / "log" / "odoo.log").read_text()
        self.assertEqual(log.count("Worker WorkerHTTP ("), 2, "two HTTP workers")
        self.assertIn(
            f"Evented Service (longpolling) running on 127.0.0.1:{gevent_port}", log
        )

    def test_backup_and_restore(self):
        """./setup/backup then ./setup/restore: the same rows and the same files."""
        source = self.env.cr.dbname
        target = f"{source}_restored"
        backup = self.tmp / "roms.zip"
        env = self._env()
        scripts = ROOT / "setup"
        result = subprocess.run(
            [scripts / "backup", source, backup],
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        self.assertEqual(result.returncode, 0, result.stderr[-3000:])
        self.assertEqual(backup.stat().st_mode & 0o777, 0o600, "a backup is private")
        self.addCleanup(self._drop, target)
        result = subprocess.run(
            [scripts / "restore", backup, target, "--neutralize"],
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        self.assertEqual(result.returncode, 0, result.stderr[-3000:])
        counts = (
            "SELECT (SELECT count(*) FROM res_partner),"
            " (SELECT count(*) FROM sale_order),"
            " (SELECT count(*) FROM ir_attachment WHERE store_fname IS NOT NULL)"
        )
        with self.registry.cursor() as cr:
            cr.execute(counts)
            before = cr.fetchone()
        restored = subprocess.run(
            ["psql", "-d", target, "-tAF", ",", "-c", counts],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        self.assertEqual(restored, ",".join(map(str, before)))
        filestore = Path(config.filestore(target))
        self.assertTrue(filestore.is_dir())
        self.assertEqual(
            sum(1 for p in filestore.rglob("*") if p.is_file()),
            sum(1 for p in Path(config.filestore(source)).rglob("*") if p.is_file()),
        )

    def _drop(self, db):
        subprocess.run(["dropdb", "--if-exists", db], check=False, capture_output=True)
        shutil.rmtree(config.filestore(db), ignore_errors=True)

    # ------------------------------------------------------------------

    def _start_nginx(self, nginx, http_port, gevent_port):
        port = free_port()
        site = (
            (DEPLOY / "nginx.conf")
            .read_text()
            .replace("127.0.0.1:8069", f"127.0.0.1:{http_port}")
            .replace("127.0.0.1:8072", f"127.0.0.1:{gevent_port}")
            .replace("listen 80;", f"listen 127.0.0.1:{port};")
        )
        self.assertNotIn("listen 80;", site)
        (self.tmp / "site.conf").write_text(site)
        for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.tmp / name).mkdir()
            (self.tmp / name).chmod(0o777)
        user = "user root;" if os.geteuid() == 0 else ""
        (self.tmp / "nginx.conf").write_text(
            f"""{user}
worker_processes 1;
pid {self.tmp}/nginx.pid;
error_log {self.tmp}/nginx-error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {self.tmp}/body;
    proxy_temp_path {self.tmp}/proxy;
    fastcgi_temp_path {self.tmp}/fastcgi;
    uwsgi_temp_path {self.tmp}/uwsgi;
    scgi_temp_path {self.tmp}/scgi;
    include {self.tmp}/site.conf;
}}
"""
        )
        base = f"http://127.0.0.1:{port}"
        self._start(
            [
                nginx,
                "-p",
                str(self.tmp),
                "-c",
                str(self.tmp / "nginx.conf"),
                "-g",
                "daemon off;",
            ],
            f"{base}/web/login",
            seconds=60,
        )
        return base

    def _live_chat(self, ws_base, base):
        """Logged in through ``base``, a websocket opened on ``ws_base`` receives the
        message posted in a channel the user is a member of, as the chat does."""
        marker = f"roms-deploy-{secrets.token_hex(6)}"
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            admin = env.ref("base.user_admin")
            channel = env["discuss.channel"].create(
                {"name": "Cek Deploy", "channel_type": "channel"}
            )
            channel.add_members(partner_ids=admin.partner_id.ids)
            channel_id = channel.id
        self.addCleanup(self._remove_channel, channel_id)

        session = requests.Session()
        answer = session.post(
            f"{base}/web/session/authenticate",
            json={
                "jsonrpc": "2.0",
                "params": {
                    "db": self.env.cr.dbname,
                    "login": "admin",
                    "password": "admin",
                },
            },
            timeout=60,
        ).json()
        self.assertTrue(answer.get("result", {}).get("uid"), answer)
        ws_url = ws_base.replace("http://", "ws://") + "/websocket"
        # the websocket process starts on its own, after the HTTP workers: wait
        # for it (refused directly, 502 through nginx until it listens)
        deadline = time.monotonic() + 120
        while True:
            try:
                socket_ = websocket.create_connection(
                    ws_url,
                    header=[f"Cookie: session_id={session.cookies['session_id']}"],
                    origin=ws_base,
                    timeout=30,
                )
                break
            except (OSError, websocket.WebSocketBadStatusException):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        self.addCleanup(socket_.close)
        socket_.send(
            json.dumps({"event_name": "subscribe", "data": {"channels": [], "last": 0}})
        )
        time.sleep(1)  # the subscription is handled before the message is posted
        posted = session.post(
            f"{base}/web/dataset/call_kw/discuss.channel/message_post",
            json={
                "jsonrpc": "2.0",
                "params": {
                    "model": "discuss.channel",
                    "method": "message_post",
                    "args": [[channel_id]],
                    "kwargs": {
                        "body": marker,
                        "message_type": "comment",
                        "subtype_xmlid": "mail.mt_comment",
                    },
                },
            },
            timeout=60,
        ).json()
        self.assertNotIn("error", posted)
        deadline = time.monotonic() + 30
        frames = []
        while time.monotonic() < deadline:
            try:
                frame = socket_.recv()
            except websocket.WebSocketTimeoutException:
                break
            frames.append(frame)
            if marker in frame:
                return
        self.fail(f"the chat message never came over the websocket: {frames[-3:]}")

    def _remove_channel(self, channel_id):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["discuss.channel"].browse(channel_id).unlink()
