"""The WhatsApp case of ./setup/bench (registered by bench_runner.py).

``whatsapp_webhook``: signed inbound Meta webhooks per second through the real HTTP
stack of a running Odoo server, against Odoo's trivial JSON route
(``/web/webclient/version_info``) on the same server; higher is better, target
ratio >= 0.5.

The server runs as a subprocess on a free loopback port, on a copy of the empty
bench database with roms_whatsapp installed (``roms_bench_whatsapp``, rebuilt when
the ROMS source changes; the webhook's work does not depend on the number of
customers or orders), without cron threads: the webhook
verifies the signature, de-duplicates and queues the message; handing it to the
conversation is the cron's work, after the answer.
"""

import atexit
import hashlib
import hmac
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import bench_data

REQUESTS_PER_RUN = 300
APP_SECRET = "bench-app-secret"
ADDONS = ["roms_crm", "roms_whatsapp"]


BENCH_DB = "roms_bench_whatsapp"


def _fingerprint():
    digest = hashlib.sha1()
    root = bench_data.SETUP.parent
    for addon in ADDONS:
        for path in sorted((root / addon).rglob("*")):
            if path.is_file() and path.suffix in (".py", ".xml", ".csv"):
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_db(conf):
    """A copy of the empty bench database (roms_crm) plus roms_whatsapp; the
    shared bench databases are left as the other cases expect them."""
    from odoo.tools import config

    name, template = BENCH_DB, bench_data.BASE_DB
    if bench_data.bench_scale(template) != "base":
        bench_data.ensure_base(conf)
    fingerprint = _fingerprint()
    if (
        bench_data.database_exists(name)
        and bench_data.get_param(name, "roms_bench.whatsapp_code") == fingerprint
    ):
        return name
    print(f"preparing {name} (copy of {template} with roms_whatsapp)", file=sys.stderr)
    if bench_data.database_exists(name):
        bench_data.admin(f'DROP DATABASE "{name}" WITH (FORCE)')
    bench_data.admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    filestore = Path(config["data_dir"]) / "filestore"
    shutil.rmtree(filestore / name, ignore_errors=True)
    if (filestore / template).exists():
        shutil.copytree(filestore / template, filestore / name)
    bench_data.run_odoo(
        conf, "-d", name, "-i", "roms_whatsapp", "--without-demo=all",
        "--stop-after-init",
    )
    bench_data.set_param(name, "roms_bench.whatsapp_code", fingerprint)
    return name


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class WhatsappWebhook:
    """Ours: signed inbound webhooks (Meta Cloud API payloads, each a new
    message) per second. Floor: JSON-RPC calls of /web/webclient/version_info
    per second. Same server, one keep-alive client, sequential requests."""

    higher_is_better = True

    def setup(self, env):
        import requests

        from odoo.tools import config

        conf = config.rcfile
        self.db = ensure_db(conf)
        conn = bench_data.connect(self.db)
        with conn, conn.cursor() as cr:
            cr.execute(
                """INSERT INTO roms_whatsapp_account
                          (name, provider, active, is_default, sequence, state,
                           meta_phone_number_id, meta_access_token,
                           meta_app_secret, meta_verify_token, meta_api_version,
                           meta_base_url, create_date, write_date)
                   VALUES ('Bench', 'meta', true, false, 99, 'connected',
                           '1234567890', 'bench-token', %s, 'bench', 'v21.0',
                           'http://127.0.0.1:9', now(), now())
                RETURNING id""",
                [APP_SECRET],
            )
            self.account_id = cr.fetchone()[0]
        conn.close()
        self.port = free_port()
        odoo_bin = Path(__import__("odoo").__path__[0]).parent / "odoo-bin"
        self.server = subprocess.Popen(
            [
                sys.executable, str(odoo_bin), "-c", conf, "-d", self.db,
                f"--db-filter=^{self.db}$", "--http-interface=127.0.0.1",
                f"--http-port={self.port}", "--max-cron-threads=0",
                "--workers=0", "--log-level=warn", "--no-database-list",
            ],
            stdout=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        atexit.register(self._stop)
        self.base = f"http://127.0.0.1:{self.port}"
        self.session = requests.Session()
        deadline = time.monotonic() + 180
        while True:
            try:
                if self._version_info().ok:
                    break
            except requests.RequestException:
                pass
            if self.server.poll() is not None or time.monotonic() > deadline:
                self.finish()
                raise RuntimeError("the Odoo server of the bench did not start")
            time.sleep(0.5)
        self.url = f"{self.base}/roms/whatsapp/webhook/{self.account_id}"
        self.count = 0
        self.detail = (
            f"{REQUESTS_PER_RUN} requests per run on {self.db}; messages "
            "queued for the cron"
        )

    def _version_info(self):
        return self.session.post(
            f"{self.base}/web/webclient/version_info",
            json={"jsonrpc": "2.0", "method": "call", "params": {}, "id": 1},
            timeout=30,
        )

    def _bodies(self):
        bodies = []
        for _i in range(REQUESTS_PER_RUN):
            self.count += 1
            number = f"62812{self.count % 10_000_000:08d}"
            payload = {
                "object": "whatsapp_business_account",
                "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
                    "messaging_product": "whatsapp",
                    "metadata": {"phone_number_id": "1234567890"},
                    "contacts": [{"profile": {"name": "Budi"}, "wa_id": number}],
                    "messages": [{
                        "from": number, "id": f"wamid.bench.{uuid.uuid4().hex}",
                        "timestamp": str(int(time.time())), "type": "text",
                        "text": {"body": "Halo kak, kopi gayo masih ada?"},
                    }],
                }}]}],
            }
            body = json.dumps(payload).encode()
            signature = hmac.new(APP_SECRET.encode(), body, hashlib.sha256)
            bodies.append((body, f"sha256={signature.hexdigest()}"))
        return bodies

    def ours(self, env):
        bodies = self._bodies()  # signing is the provider's work: not timed
        started = time.perf_counter()
        for body, signature in bodies:
            response = self.session.post(
                self.url,
                data=body,
                headers={
                    "Content-Type": "application/json",
                    "X-Hub-Signature-256": signature,
                },
                timeout=30,
            )
            if response.status_code != 200:
                raise RuntimeError(f"webhook answered {response.status_code}")
        return REQUESTS_PER_RUN / (time.perf_counter() - started)

    def floor(self, env):
        started = time.perf_counter()
        for _i in range(REQUESTS_PER_RUN):
            if not self._version_info().ok:
                raise RuntimeError("version_info failed")
        return REQUESTS_PER_RUN / (time.perf_counter() - started)

    def passes(self, ours, floor):
        return ours >= self.target * floor

    def _stop(self):
        if getattr(self, "server", None) and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.server.kill()

    def finish(self):
        self._stop()
        conn = bench_data.connect(self.db)
        with conn, conn.cursor() as cr:
            cr.execute(
                "DELETE FROM roms_whatsapp_account WHERE id = %s", [self.account_id]
            )
        conn.close()


def register(case, Case):
    """Register the case in bench_runner's table (``Case`` gives the defaults)."""
    case("whatsapp_webhook", target=0.5, unit="req/s")(
        type("WhatsappWebhook", (WhatsappWebhook, Case), {})
    )
