"""The runner of ./setup/cluster: two production-mode Odoo servers (prefork, cron
workers) on one database and one filestore, real processes, and the scenarios of
issue 23 counted in rows. See ./setup/cluster --help and README › Deployment.

The servers run with the configuration ``./setup/run --prod`` writes (setup/lib.sh
``write_odoo_prod_conf``, one file per server: its own ports and log). Every ROMS
cron that works in batches exists twice (a copy of each is made): Odoo runs one
cron row in one worker at a time, so the copies are what makes the same batch code
run in both servers' cron workers at once, as a busy shop's crons overlap.
"""

import argparse
import base64
import concurrent.futures
import contextlib
import datetime
import hashlib
import hmac
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg2
import requests

SETUP = Path(__file__).resolve().parent
ROOT = SETUP.parent
sys.path.insert(0, str(SETUP))
import bench_data

ADDONS = ["roms_crm", "roms_whatsapp", "roms_loyalty", "roms_reports"]
PREFIX = os.environ.get("ROMS_CLUSTER_DB") or "roms_cluster"
BASE_DB = f"{PREFIX}_base"
# the crons whose batches must share work: each gets COPIES - 1 copies
BATCH_CRONS = [
    "roms_crm.ir_cron_roms_send_messages",
    "roms_crm.ir_cron_roms_broadcasts",
    "roms_crm.ir_cron_roms_reminders",
    "roms_crm.ir_cron_roms_customer_stats",
    "roms_whatsapp.ir_cron_roms_wa_inbound",
]
# the send cron gets one copy per cron worker of the two servers
SEND_COPIES = 4
COPIES = 2
IN_FLIGHT_LOCK = 0x524F4D53  # roms_crm.models.messaging.roms_message.IN_FLIGHT_LOCK
WAHA_KEY = "cluster-waha-key"
WAHA_SECRET = "cluster-waha-secret"
API_SOURCE = "cluster"
FAR_FUTURE = "2099-01-01 00:00:00"
STATS_AUDIT_SQL = """
CREATE TABLE IF NOT EXISTS cluster_stats_audit (
    partner_id integer NOT NULL, day date, backend integer DEFAULT pg_backend_pid());
CREATE OR REPLACE FUNCTION cluster_stats_audit() RETURNS trigger AS $$
BEGIN
    INSERT INTO cluster_stats_audit (partner_id, day)
         VALUES (NEW.id, NEW.roms_stats_date);
    RETURN NULL;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS cluster_stats_audit ON res_partner;
CREATE TRIGGER cluster_stats_audit AFTER UPDATE OF roms_stats_date ON res_partner
    FOR EACH ROW EXECUTE FUNCTION cluster_stats_audit();
"""


def log(message):
    print(
        f"[cluster {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True
    )


class Results:
    def __init__(self):
        self.rows = []
        self.timings = []

    def add(self, scenario, expected, counted, passed=None):
        if passed is None:
            passed = expected == counted
        self.rows.append((scenario, str(expected), str(counted), bool(passed)))
        verdict = "PASS" if passed else "FAIL"
        log(f"{verdict}  {scenario}: expected {expected}, counted {counted}")

    def table(self):
        head = ("scenario", "expected", "counted", "pass")
        widths = [
            max(len(head[i]), *(len(row[i]) for row in self.rows)) for i in range(3)
        ]
        lines = [
            (
                f"| {head[0]:<{widths[0]}} | {head[1]:>{widths[1]}} | "
                f"{head[2]:>{widths[2]}} | pass |"
            ),
            (
                f"|{'-' * (widths[0] + 2)}|{'-' * (widths[1] + 1)}:|"
                f"{'-' * (widths[2] + 1)}:|:----:|"
            ),
        ]
        for scenario, expected, counted, passed in self.rows:
            lines.append(
                f"| {scenario:<{widths[0]}} | {expected:>{widths[1]}} | "
                f"{counted:>{widths[2]}} | {'yes' if passed else '**NO**':^4} |"
            )
        return "\n".join(lines)

    @property
    def failed(self):
        return [row for row in self.rows if not row[3]]


# ---------------------------------------------------------------------------
# Database
# ---------------------------------------------------------------------------


def fingerprint():
    digest = hashlib.sha1()
    for addon in ADDONS:
        for path in sorted((ROOT / addon).rglob("*")):
            if path.is_file() and path.suffix in (".py", ".xml", ".csv"):
                if "tests" in path.relative_to(ROOT).parts:
                    continue
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def param(db, key):
    try:
        return bench_data.get_param(db, key)
    except psycopg2.Error:
        return None


def ensure_base(conf):
    """The installed ROMS without demo data, kept as the template of every run;
    updated (-u) when the addons' source changed since."""
    code = fingerprint()
    if bench_data.database_exists(BASE_DB) and param(BASE_DB, "roms_cluster.base"):
        if param(BASE_DB, "roms_cluster.code") == code:
            return
        log(f"updating ROMS in {BASE_DB} (its source changed)")
        try:
            bench_data.run_odoo(
                conf, "-d", BASE_DB, "-u", ",".join(ADDONS), "--stop-after-init"
            )
            bench_data.set_param(BASE_DB, "roms_cluster.code", code)
            return
        except subprocess.CalledProcessError:
            log("the update failed: installing again")
    if bench_data.database_exists(BASE_DB):
        bench_data.admin(f'DROP DATABASE "{BASE_DB}" WITH (FORCE)')
    log(f"installing ROMS in {BASE_DB} (once, a few minutes)")
    bench_data.run_odoo(
        conf,
        "-d",
        BASE_DB,
        "-i",
        ",".join(ADDONS),
        "--without-demo=all",
        "--stop-after-init",
    )
    bench_data.set_param(BASE_DB, "roms_cluster.base", "1")
    bench_data.set_param(BASE_DB, "roms_cluster.code", code)


def fresh_database(conf, db, customers, lines, seed):
    from odoo.tools import config

    ensure_base(conf)
    drop_database(db)
    bench_data.admin(f'CREATE DATABASE "{db}" TEMPLATE "{BASE_DB}"')
    filestore = Path(config["data_dir"]) / "filestore"
    if (filestore / BASE_DB).exists():
        import shutil

        shutil.copytree(filestore / BASE_DB, filestore / db)
    bench_data.SCALES["cluster"] = {"customers": customers, "lines": lines}
    log(f"filling {db}: {customers} customers, {lines} order lines")
    bench_data.fill(db, "cluster", seed)


def drop_database(db):
    import shutil

    from odoo.tools import config

    if bench_data.database_exists(db):
        bench_data.admin(f'DROP DATABASE "{db}" WITH (FORCE)')
    shutil.rmtree(Path(config["data_dir"]) / "filestore" / db, ignore_errors=True)


class Db:
    """An autocommit connection for the counts."""

    def __init__(self, db):
        self.conn = bench_data.connect(db)
        self.conn.autocommit = True

    def all(self, sql, params=None):
        with self.conn.cursor() as cr:
            cr.execute(sql, params)
            return cr.fetchall()

    def one(self, sql, params=None):
        rows = self.all(sql, params)
        return rows[0][0] if rows else None

    def close(self):
        self.conn.close()


# ---------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------


class Process:
    def __init__(self, name, args, log_path, env=None):
        self.name = name
        self.log_path = log_path
        self.stderr = open(log_path, "ab")  # noqa: SIM115
        self.popen = subprocess.Popen(
            args,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            start_new_session=True,
            env=env,
        )

    @property
    def pid(self):
        return self.popen.pid

    def alive(self):
        return self.popen.poll() is None

    def pids(self):
        """This process and its children (an Odoo server's workers)."""
        pids = {self.pid}
        with contextlib.suppress(subprocess.CalledProcessError):
            out = subprocess.run(
                ["ps", "-o", "pid=", "--ppid", str(self.pid)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            pids |= {int(pid) for pid in out.split()}
        return pids

    def signal(self, sig):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, sig)

    def stop(self):
        if self.alive():
            self.signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.signal(signal.SIGKILL)
                self.popen.wait(timeout=30)
        else:
            # a killed server's orphans, if any
            self.signal(signal.SIGKILL)
        self.stderr.close()


def start_fake(log_dir):
    fake = Process(
        "fake WAHA",
        [
            sys.executable,
            str(SETUP / "cluster_fake.py"),
            "--api-key",
            WAHA_KEY,
            "--webhook-secret",
            WAHA_SECRET,
        ],
        log_dir / "fake.log",
    )
    line = fake.popen.stdout.readline()
    if not line:
        raise RuntimeError(f"the fake provider did not start: see {fake.log_path}")
    fake.url = json.loads(line)["url"]
    return fake


def start_server(name, conf, port, log_dir):
    from odoo.tools import config

    odoo_bin = Path(config["root_path"]).parent / "odoo-bin"
    server = Process(
        name, [sys.executable, str(odoo_bin), "-c", conf], log_dir / f"{name}.stderr"
    )
    server.conf = conf
    server.url = f"http://127.0.0.1:{port}"
    server.logfile = Path(conf_value(conf, "logfile"))
    return server


def conf_value(conf, key):
    import configparser

    parser = configparser.ConfigParser()
    parser.read(conf)
    return parser["options"][key]


def wait_for(server, seconds=300):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not server.alive():
            raise RuntimeError(f"{server.name} stopped: see {server.logfile}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{server.url}/web/login", timeout=10).status_code == 200:
                return
        time.sleep(1)
    raise RuntimeError(f"{server.name} did not answer in {seconds} s")


def wait_until(what, check, timeout, every=2.0, progress=None):
    started = time.monotonic()
    last = 0
    while True:
        if check():
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"{what}: not done after {timeout} s")
        if progress and time.monotonic() - last > 15:
            last = time.monotonic()
            log(f"  {what}: {progress()}")
        time.sleep(every)


# ---------------------------------------------------------------------------
# The shop, set up in-process (Odoo's registry, committed)
# ---------------------------------------------------------------------------


def prepare(db, fake_url, import_rows):
    """The WhatsApp account on the fake, the cron copies, the API key, the
    statistics audit, the reminders due and the import file; returns what the
    scenarios need."""
    import odoo
    from odoo import SUPERUSER_ID, Command, api

    registry = odoo.modules.registry.Registry(db)
    info = {}
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        icp = env["ir.config_parameter"]
        icp.set_param("roms_crm.broadcast_jitter_seconds", "2")
        icp.set_param("roms_crm.api_rate_per_minute", "0")
        Account = env["roms.whatsapp.account"]
        Account.search([]).write({"active": False})
        account = Account.create(
            {
                "name": "WAHA cluster",
                "provider": "waha",
                "waha_base_url": fake_url,
                "waha_api_key": WAHA_KEY,
                "waha_session": "default",
                "waha_webhook_secret": WAHA_SECRET,
                "is_default": True,
            }
        )
        account.action_check_status()
        if account.state != "connected":
            raise RuntimeError(f"the WAHA account is {account.state}")
        info["account_id"] = account.id

        # the reminders planted by bench_data, delivered 15 days ago: due for the
        # 14-day rule now
        cr.execute(
            """UPDATE sale_order
                  SET date_order = now() AT TIME ZONE 'UTC' - interval '16 days',
                      roms_delivered_date =
                          now() AT TIME ZONE 'UTC' - interval '15 days'
                WHERE name LIKE 'BENCH/R%%'"""
        )
        env.invalidate_all()
        info["reminders_due"] = len(env["roms.reminder.rule"]._due_pairs())

        for xmlid in BATCH_CRONS:
            cron = env.ref(xmlid)
            copies = SEND_COPIES if xmlid.endswith("send_messages") else COPIES
            for index in range(1, copies):
                cron.copy({"name": f"{cron.name} (cluster copy {index})"})
        # nothing of the scenarios runs before it starts
        scenario_crons = env["ir.cron"].search(
            [
                "|",
                ("cron_name", "ilike", "ROMS: repeat-order reminders"),
                ("cron_name", "ilike", "ROMS: customer statistics"),
            ]
        )
        scenario_crons.write({"nextcall": FAR_FUTURE})
        info["scenario_crons"] = scenario_crons.ids
        cr.execute(STATS_AUDIT_SQL)
        # the nightly statistics have not run today
        cr.execute("UPDATE res_partner SET roms_stats_date = NULL")
        cr.execute("TRUNCATE cluster_stats_audit")

        group = env.ref("roms_crm.group_roms_api")
        user = (
            env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Integration cluster",
                    "login": "cluster-api",
                    "groups_id": [
                        Command.link(env.ref("base.group_user").id),
                        Command.link(group.id),
                    ],
                }
            )
        )
        integration = env["roms.api.integration"].create(
            {"name": "Cluster", "source_names": API_SOURCE}
        )
        info["api_key"] = (
            env["res.users.apikeys"]
            .with_user(user)
            .sudo()
            ._roms_generate(integration, "cluster")
        )
        info["sku"] = (
            env["product.product"]
            .search([("default_code", "=like", "BNC%")], order="id", limit=1)
            .default_code
        )
        info["categories"] = env["roms.customer.category"].search([]).ids
        info["customers"] = env["res.partner"].search_count(
            [("roms_category", "!=", False)]
        )
        info["first_customers"] = (
            env["res.partner"]
            .search([("roms_category", "!=", False)], order="id", limit=1000)
            .ids
        )
        info["today"] = str(env["roms.segment"]._today())

        imported = env["roms.customer.import"].create(
            {
                "file": base64.b64encode(import_file(import_rows)),
                "file_name": "cluster-import.xlsx",
            }
        )
        info["import_id"] = imported.id
        cr.commit()
    info["registry"] = registry
    return info


def import_file(rows):
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Customers")
    for column, header in enumerate(("name", "mobile", "email", "category")):
        sheet.write(0, column, header)
    for row in range(1, rows + 1):
        sheet.write(row, 0, f"Impor Cluster {row}")
        sheet.write_string(row, 1, f"+62838{50_000_000 + row}")
        sheet.write(row, 2, f"impor{row}@example.com")
        sheet.write(row, 3, "Customer")
    book.close()
    return buffer.getvalue()


def start_broadcast(registry, name, body, info, partner_ids=None):
    from odoo import SUPERUSER_ID, Command, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        values = {"name": name, "channel": "whatsapp", "body": body}
        if partner_ids:
            values["partner_ids"] = [Command.set(partner_ids)]
        else:
            values["category_ids"] = [Command.set(info["categories"])]
        broadcast = env["roms.broadcast"].create(values)
        broadcast.action_send()
        cr.commit()
        return broadcast.id


def run_crons_now(registry, cron_ids):
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        crons = env["ir.cron"].browse(cron_ids)
        crons.write(
            {"nextcall": datetime.datetime.now(datetime.UTC).replace(tzinfo=None)}
        )
        for cron in crons:
            cron._trigger()
        cr.commit()


def fake_counts(fake):
    """{chatId: {text: times received}} from the fake provider."""
    counts = requests.get(f"{fake.url}/_cluster/counts", timeout=60).json()
    by_chat = {}
    for key, count in counts.items():
        chat, text = key.split("\t", 1)
        by_chat.setdefault(chat, {})[text] = count
    return by_chat


def sent_pairs(db, where, params=None):
    """(chatId, body, state, error code) of the messages selected by ``where``."""
    return db.all(
        f"""SELECT regexp_replace(recipient, '^\\+', '') || '@c.us', body, state,
                   error_code
              FROM roms_message WHERE {where}""",
        params,
    )


def received(counts, chat, body):
    """How many texts the fake received in ``chat`` for the message ``body`` (a
    QR gateway's reminder carries its numbered replies after the body)."""
    return sum(
        count
        for text, count in counts.get(chat, {}).items()
        if text == body or text.startswith(body + "\n")
    )


def groups(rows, states=None):
    """{(chatId, body): rows} of ``rows`` (in ``states`` when given)."""
    grouped = {}
    for chat, body, state, _code in rows:
        if states is None or state in states:
            grouped[(chat, body)] = grouped.get((chat, body), 0) + 1
    return grouped


def delivery_check(results, label, db, fake, where, expected, params=None):
    """Queued once, sent once: the rows of ``where`` against the fake's counts."""
    rows = sent_pairs(db, where, params)
    counts = fake_counts(fake)
    results.add(f"{label}: messages queued", expected, len(rows))
    grouped = groups(rows)
    results.add(
        f"{label}: received once by the provider",
        expected,
        sum(
            n
            for (chat, body), n in grouped.items()
            if received(counts, chat, body) == n
        ),
    )
    results.add(
        f"{label}: received twice or more",
        0,
        sum(
            max(received(counts, chat, body) - n, 0)
            for (chat, body), n in grouped.items()
        ),
    )
    states = {}
    for _chat, _body, state, code in rows:
        key = code if state == "failed" else state
        states[key] = states.get(key, 0) + 1
    return rows, counts, states


# ---------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------


def scenario_crons(results, db, fake, info, recipients, timeout):
    """A broadcast to every customer, the reminder scan and the nightly
    statistics, all at once in both servers' cron workers."""
    registry = info["registry"]
    started = time.monotonic()
    broadcast = start_broadcast(
        registry, "Cluster broadcast", "Halo {name}, promo kopi cluster!", info
    )
    run_crons_now(registry, info["scenario_crons"])

    def progress():
        return db.all(
            """SELECT (SELECT count(*) FROM roms_message WHERE broadcast_id = %s),
                      (SELECT count(*) FROM roms_message WHERE state = 'queued'),
                      (SELECT count(*) FROM roms_message
                        WHERE state IN ('sent', 'delivered', 'read')),
                      (SELECT count(*) FROM cluster_stats_audit)""",
            [broadcast],
        )[0]

    def done():
        state = db.one("SELECT state FROM roms_broadcast WHERE id = %s", [broadcast])
        queued = db.one("SELECT count(*) FROM roms_message WHERE state = 'queued'")
        pending_stats = db.one(
            """SELECT count(*) FROM res_partner WHERE roms_category IS NOT NULL
                  AND roms_stats_date IS DISTINCT FROM %s""",
            [info["today"]],
        )
        reminders = db.one("SELECT count(*) FROM roms_message WHERE kind = 'reminder'")
        return (
            state == "done"
            and queued == 0
            and pending_stats == 0
            and reminders >= info["reminders_due"]
        )

    elapsed = wait_until(
        "broadcast, reminders and statistics",
        done,
        timeout,
        progress=lambda: "broadcast rows {}, queued {}, sent {}, statistics {}".format(
            *progress()
        ),
    )
    results.timings.append(("broadcast + reminders + statistics", elapsed))
    _rows, _counts, states = delivery_check(
        results,
        f"broadcast to {recipients}",
        db,
        fake,
        "broadcast_id = %s",
        recipients,
        [broadcast],
    )
    results.add(
        f"broadcast to {recipients}: failed or still queued",
        0,
        sum(n for state, n in states.items() if state not in ("sent",)),
    )
    delivery_check(
        results, "reminders", db, fake, "kind = 'reminder'", info["reminders_due"]
    )
    audit = db.all(
        """SELECT count(*) FILTER (WHERE n = 1), count(*) FILTER (WHERE n > 1)
             FROM (SELECT partner_id, count(*) AS n FROM cluster_stats_audit
                    WHERE day = %s GROUP BY partner_id) a""",
        [info["today"]],
    )[0]
    results.add(
        "statistics: customers computed once today", info["customers"], audit[0]
    )
    results.add("statistics: customers computed twice or more", 0, audit[1])
    log(f"  crons scenario: {elapsed:.0f} s ({time.monotonic() - started:.0f} s)")


def api_post(server, key, payload):
    return requests.post(
        f"{server.url}/api/v1/orders",
        json=payload,
        headers={"Authorization": f"Bearer {key}"},
        timeout=120,
    )


def scenario_orders(results, db, servers, info):
    started = time.monotonic()
    key = info["api_key"]
    run = uuid.uuid4().hex[:8]
    same = {
        "external_id": f"CL-{run}-SAME",
        "source": API_SOURCE,
        "customer": {
            "name": "Pembeli Sama",
            "phone": f"0859{int(run, 16) % 10**8:08d}",
        },
        "lines": [{"sku": info["sku"], "quantity": 2}],
    }
    with concurrent.futures.ThreadPoolExecutor(10) as pool:
        answers = list(
            pool.map(lambda i: api_post(servers[i % 2], key, same), range(10))
        )
    statuses = sorted(answer.status_code for answer in answers)
    results.add(
        "order API, 10 identical requests on 2 servers: orders",
        1,
        db.one(
            "SELECT count(*) FROM sale_order WHERE roms_external_id = %s",
            [same["external_id"]],
        ),
    )
    results.add(
        "order API, 10 identical requests: answers 201 / 200",
        "1 / 9",
        f"{statuses.count(201)} / {statuses.count(200)}",
    )
    phone = f"+62857{(int(run, 16) + 7) % 10**8:08d}"

    def order(index):
        payload = {
            "external_id": f"CL-{run}-{index:02d}",
            "source": API_SOURCE,
            "customer": {"name": "Pembeli Baru", "phone": phone},
            "lines": [{"sku": info["sku"], "quantity": 1}],
        }
        return api_post(servers[index % 2], key, payload)

    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(order, range(20)))
    results.add(
        "order API, 20 orders of one new number: orders",
        20,
        db.one(
            "SELECT count(*) FROM sale_order WHERE roms_external_id LIKE %s",
            [f"CL-{run}-__"],
        ),
    )
    results.add(
        "order API, 20 orders of one new number: customers",
        1,
        db.one(
            "SELECT count(*) FROM res_partner WHERE roms_whatsapp_number = %s",
            [phone],
        ),
    )
    results.add(
        "order API, 20 orders: answers 201",
        20,
        sum(1 for answer in answers if answer.status_code == 201),
    )
    results.timings.append(("order API", time.monotonic() - started))


def waha_message(number, body, timestamp):
    chat_id = number.lstrip("+") + "@c.us"
    return {
        "id": f"evt_{uuid.uuid4().hex}",
        "timestamp": timestamp * 1000,
        "event": "message",
        "session": "default",
        "engine": "WEBJS",
        "payload": {
            "id": f"false_{chat_id}_{uuid.uuid4().hex[:20].upper()}",
            "timestamp": timestamp,
            "from": chat_id,
            "fromMe": False,
            "body": body,
            "hasMedia": False,
            "_data": {"notifyName": "Pelanggan Cluster"},
        },
    }


def post_webhook(server, account_id, event):
    body = json.dumps(event).encode()
    signature = hmac.new(WAHA_SECRET.encode(), body, hashlib.sha512).hexdigest()
    return requests.post(
        f"{server.url}/roms/whatsapp/webhook/{account_id}",
        data=body,
        headers={
            "Content-Type": "application/json",
            "X-Webhook-Hmac": signature,
            "X-Webhook-Hmac-Algorithm": "sha512",
        },
        timeout=120,
    )


def scenario_webhooks(results, db, servers, info, burst=30):
    started = time.monotonic()
    run = uuid.uuid4().int % 10**8
    number = f"+62856{run:08d}"
    now = int(time.time())
    events = [
        waha_message(number, f"Pesan {index:02d} dari cluster", now + index)
        for index in range(burst)
    ]
    # in order, without waiting for the answers, every other one to the other
    # server; then each again to the other server (the provider's retry)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        futures = []
        for index, event in enumerate(events):
            futures.append(
                pool.submit(post_webhook, servers[index % 2], info["account_id"], event)
            )
            time.sleep(0.01)
        answers = [future.result() for future in futures]
        replays = list(
            pool.map(
                lambda pair: post_webhook(
                    servers[(pair[0] + 1) % 2], info["account_id"], pair[1]
                ),
                enumerate(events),
            )
        )
    results.add(
        f"webhooks, burst of {burst} (+ replays): answers 200",
        2 * burst,
        sum(1 for answer in answers + replays if answer.status_code == 200),
    )
    digits = number.lstrip("+")

    def handled():
        return not db.one(
            """SELECT count(*) FROM roms_whatsapp_inbound
                WHERE payload->>'number' LIKE %s AND state = 'pending'""",
            [f"%{digits}"],
        )

    wait_until("webhooks handled", handled, 300)
    inbound = db.all(
        """SELECT id, payload->>'body', state, message_id FROM roms_whatsapp_inbound
            WHERE payload->>'number' LIKE %s ORDER BY id""",
        [f"%{digits}"],
    )
    results.add(f"webhooks: inbound rows of {burst} messages", burst, len(inbound))
    channels = db.all(
        """SELECT id FROM discuss_channel WHERE channel_type = 'roms_whatsapp'
              AND roms_wa_number = %s""",
        [number],
    )
    results.add("webhooks: conversations of the number", 1, len(channels))
    results.add(
        "webhooks: customers of the number",
        1,
        db.one(
            "SELECT count(*) FROM res_partner WHERE roms_whatsapp_number = %s",
            [number],
        ),
    )
    posted = db.all(
        """SELECT m.id, m.body FROM mail_message m
             JOIN discuss_channel c ON c.id = m.res_id AND m.model = 'discuss.channel'
            WHERE c.roms_wa_number = %s AND m.message_type = 'comment'
              AND m.body LIKE %s ORDER BY m.id""",
        [number, "%dari cluster%"],
    )
    results.add("webhooks: messages in the conversation", burst, len(posted))
    received = [body for _id, body, _state, _message in inbound]
    shown = [
        next((b for b in received if b in (body or "")), None) for _id, body in posted
    ]
    results.add(
        "webhooks: messages in the order received",
        burst,
        sum(1 for a, b in zip(received, shown, strict=False) if a == b),
    )
    results.timings.append(("webhooks", time.monotonic() - started))


def server_backends(db, server):
    """PostgreSQL backends of ``server``'s processes (Odoo names its connections
    ``odoo-<pid>``)."""
    names = [f"odoo-{pid}" for pid in server.pids()]
    return {
        row[0]
        for row in db.all(
            "SELECT pid FROM pg_stat_activity WHERE application_name = ANY(%s)",
            [names],
        )
    }


def scenario_kill_broadcast(results, db, fake, servers, info, recipients):
    """Server A is killed (SIGKILL, every process) while its cron workers send a
    broadcast: B finishes it; nothing is sent twice, A's in-flight messages are
    failed as interrupted."""
    started = time.monotonic()
    victim = servers[0]
    registry = info["registry"]
    requests.post(f"{fake.url}/_cluster/delay", json={"seconds": 0.2}, timeout=30)
    partners = info["first_customers"][:recipients]
    broadcast = start_broadcast(
        registry,
        "Cluster broadcast killed",
        "Halo {name}, flash sale cluster!",
        info,
        partner_ids=partners,
    )

    def victim_sending():
        backends = server_backends(db, victim)
        sent = db.one(
            """SELECT count(*) FROM roms_message WHERE broadcast_id = %s
                  AND state = 'sent'""",
            [broadcast],
        )
        held = db.one(
            """SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
                  AND classid = %s AND objsubid = 2 AND granted AND pid = ANY(%s)""",
            [IN_FLIGHT_LOCK, list(backends)],
        )
        return sent >= len(partners) // 5 and held

    wait_until("server A sending the broadcast", victim_sending, 300, every=0.2)
    # freeze A, read what it holds, then kill it
    victim.signal(signal.SIGSTOP)
    time.sleep(0.5)
    backends = list(server_backends(db, victim))
    in_flight = {
        row[0]
        for row in db.all(
            """SELECT m.id FROM pg_locks l JOIN roms_message m ON m.id = l.objid::int
                WHERE l.locktype = 'advisory' AND l.classid = %s AND l.objsubid = 2
                  AND l.granted AND l.pid = ANY(%s)
                  AND m.state = 'queued' AND m.sending_since IS NOT NULL""",
            [IN_FLIGHT_LOCK, backends],
        )
    }
    victim.signal(signal.SIGKILL)
    victim.popen.wait(timeout=60)
    log(f"  killed server A: in flight {sorted(in_flight)}")
    requests.post(f"{fake.url}/_cluster/delay", json={"seconds": 0}, timeout=30)

    def finished():
        return not db.one(
            """SELECT count(*) FROM roms_message WHERE broadcast_id = %s
                  AND state = 'queued'""",
            [broadcast],
        )

    wait_until(
        "server B finishing the broadcast",
        finished,
        600,
        progress=lambda: (
            db.one(
                """SELECT count(*) FROM roms_message WHERE broadcast_id = %s
                        AND state = 'queued'""",
                [broadcast],
            )
            or 0
        ),
    )
    label = f"A killed mid-broadcast ({len(partners)})"
    rows = sent_pairs(db, "broadcast_id = %s", [broadcast])
    counts = fake_counts(fake)
    results.add(f"{label}: messages queued", len(partners), len(rows))
    results.add(
        f"{label}: received twice or more",
        0,
        sum(
            max(received(counts, chat, body) - n, 0)
            for (chat, body), n in groups(rows).items()
        ),
    )
    interrupted = {
        row[0]
        for row in db.all(
            """SELECT id FROM roms_message WHERE broadcast_id = %s
                  AND state = 'failed' AND error_code = 'interrupted'""",
            [broadcast],
        )
    }
    results.add(
        f"{label}: in flight in A when killed", ">= 1", len(in_flight), bool(in_flight)
    )
    results.add(
        f"{label}: marked interrupted (= A's in flight)",
        len(in_flight),
        len(interrupted),
        interrupted == in_flight,
    )
    sent = groups(rows, states=("sent",))
    results.add(
        f"{label}: sent by A or B, received once",
        len(partners) - len(in_flight),
        sum(n for (chat, body), n in sent.items() if received(counts, chat, body) == n),
    )
    results.timings.append(("kill during broadcast", time.monotonic() - started))


def scenario_kill_import(results, db, server, info, rows):
    """Server B is killed while it imports customers: nothing of the import is
    written."""
    started = time.monotonic()
    session = requests.Session()
    answer = session.post(
        f"{server.url}/web/session/authenticate",
        json={
            "jsonrpc": "2.0",
            "params": {
                "db": db.conn.info.dbname,
                "login": "admin",
                "password": "admin",
            },
        },
        timeout=60,
    ).json()
    if not answer.get("result", {}).get("uid"):
        raise RuntimeError(f"cannot log in on server B: {answer}")
    import_id = info["import_id"]

    def run_import():
        with contextlib.suppress(requests.RequestException):
            session.post(
                f"{server.url}/web/dataset/call_kw/roms.customer.import/action_import",
                json={
                    "jsonrpc": "2.0",
                    "params": {
                        "model": "roms.customer.import",
                        "method": "action_import",
                        "args": [[import_id]],
                        "kwargs": {},
                    },
                },
                timeout=1800,
            )

    thread = threading.Thread(target=run_import, daemon=True)
    thread.start()
    marker = f"Customer import {import_id}: Importing customers"

    def importing():
        with contextlib.suppress(FileNotFoundError):
            return marker in server.logfile.read_text(errors="replace")
        return False

    wait_until("server B importing", importing, 900, every=0.2)
    names = [f"odoo-{pid}" for pid in server.pids()]
    server.signal(signal.SIGKILL)
    server.popen.wait(timeout=60)
    thread.join(timeout=60)
    wait_until(
        "server B's connections closed",
        lambda: (
            not db.one(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE application_name = ANY(%s)",
                [names],
            )
        ),
        60,
    )
    label = f"B killed mid-import ({rows} rows)"
    results.add(
        f"{label}: customers written",
        0,
        db.one(
            "SELECT count(*) FROM res_partner"
            " WHERE roms_whatsapp_number LIKE '+62838%%'"
        ),
    )
    results.add(
        f"{label}: import state",
        "draft",
        db.one("SELECT state FROM roms_customer_import WHERE id = %s", [import_id]),
    )
    results.add(
        f"{label}: transactions left open",
        0,
        db.one(
            """SELECT count(*) FROM pg_stat_activity
            WHERE datname = current_database() AND state LIKE 'idle in transaction%%'
              AND application_name LIKE 'odoo-%%'"""
        ),
    )
    results.timings.append(("kill during import", time.monotonic() - started))


def log_errors(servers):
    """(ERROR lines, serialisation failures Odoo's HTTP layer retried) of the
    servers' logs. A request whose transaction meets a row another one changed
    meanwhile is replayed by Odoo (``odoo.service.model``: "SERIALIZATION_FAILURE,
    N tries left"), after ``odoo.sql_db`` logged the failed query at ERROR: those
    are counted apart."""
    errors, retried = [], 0
    for server in servers:
        with contextlib.suppress(FileNotFoundError):
            lines = server.logfile.read_text(errors="replace").splitlines()
            retries = sum(1 for line in lines if "SERIALIZATION_FAILURE, " in line)
            conflicts = 0
            for index, line in enumerate(lines):
                if " ERROR " not in line and " CRITICAL " not in line:
                    continue
                following = "\n".join(lines[index + 1 : index + 4])
                if (
                    "odoo.sql_db: bad query" in line
                    and "could not serialize access" in following
                    and conflicts < retries
                ):
                    conflicts += 1
                    continue
                errors.append(f"{server.name}: {line}")
            retried += conflicts
    return errors, retried


# ---------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conf", required=True)
    parser.add_argument("--server-conf", nargs=2, required=True)
    parser.add_argument("--ports", nargs=2, type=int, required=True)
    parser.add_argument("--log-dir", required=True)
    parser.add_argument("--recipients", type=int, default=50_000)
    parser.add_argument("--lines", type=int, default=None)
    parser.add_argument("--kill-recipients", type=int, default=1000)
    parser.add_argument("--import-rows", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    from odoo.tools import config

    config.parse_config(["-c", args.conf])
    db_name = conf_value(args.server_conf[0], "db_name")
    log_dir = Path(args.log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    results = Results()
    started = time.monotonic()
    fresh_database(
        args.conf,
        db_name,
        args.recipients,
        args.lines or max(args.recipients, 20_000),
        args.seed,
    )
    processes = []
    db = None
    try:
        fake = start_fake(log_dir)
        processes.append(fake)
        info = prepare(db_name, fake.url, args.import_rows)
        results.timings.append(("database and set-up", time.monotonic() - started))
        servers = []
        for name, conf, port in zip(
            ("A", "B"), args.server_conf, args.ports, strict=True
        ):
            servers.append(start_server(name, conf, port, log_dir))
            processes.append(servers[-1])
        for server in servers:
            wait_for(server)
        log(f"servers A ({servers[0].url}) and B ({servers[1].url}) serve {db_name}")
        db = Db(db_name)
        scenario_crons(
            results,
            db,
            fake,
            info,
            args.recipients,
            timeout=max(600, args.recipients // 10),
        )
        scenario_orders(results, db, servers, info)
        scenario_webhooks(results, db, servers, info)
        scenario_kill_broadcast(
            results, db, fake, servers, info, min(args.kill_recipients, args.recipients)
        )
        scenario_kill_import(results, db, servers[1], info, args.import_rows)
        errors, retried = log_errors(servers)
        results.add("ERROR lines in the servers' logs", 0, len(errors))
        results.add(
            "requests replayed by Odoo after a serialisation failure",
            "any",
            retried,
            True,
        )
        for line in errors[:20]:
            log(f"  {line[:300]}")
    except Exception as error:  # noqa: BLE001 — reported as a failed scenario
        log(f"the run stopped: {error!r}")
        results.add(f"run stopped: {str(error)[:80]}", "finished", "stopped")
    finally:
        if db:
            db.close()
        for process in reversed(processes):
            process.stop()
        if not args.keep:
            with contextlib.suppress(Exception):
                drop_database(db_name)
    total = time.monotonic() - started
    print(results.table())
    print()
    for what, seconds in results.timings:
        print(f"- {what}: {seconds:.0f} s")
    print(f"- total: {total:.0f} s")
    if results.failed:
        print(f"\n{len(results.failed)} of {len(results.rows)} checks failed")
        return 1
    print(f"\nall {len(results.rows)} checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
