"""The runner of ./setup/load (see that script's help).

``prepare`` (Odoo's .venv): the load database ``<bench prefix>_<scale>_load`` (a copy
of the bench database of that scale, setup/bench_data.py, with every ROMS addon
installed), and in it what the users need: an API key, a WhatsApp account with its
app secret, a reseller's portal login, the admin's password for this run. Writes
them as JSON for the locust users (setup/load_locustfile.py).

``run`` (any Python 3): runs locust headless once per scenario against the server
./setup/load started, reads locust's CSV statistics and prints the table and the
targets.
"""

import argparse
import csv
import hashlib
import json
import math
import os
import platform
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

SETUP = Path(__file__).resolve().parent
LOCUSTFILE = SETUP / "load_locustfile.py"
ADDONS = ["roms_crm", "roms_whatsapp", "roms_loyalty", "roms_reports"]
# the reference routes of the post and write scenarios (tests/roms_load_floor)
REFERENCE_ADDON = "roms_load_floor"
API_LOGIN = "roms-load-api"
API_SOURCE = "load"
RESELLER_LOGIN = "roms-load-reseller"
ACCOUNT_NAME = "ROMS load"
PHONE_NUMBER_ID = "998877665544"
CUSTOMERS = 500
CATALOG_PAGE_SIZE = 12  # roms_crm/controllers/portal/reseller_portal.py

# scenario: (locust user classes, the statistics row reported, what it is)
SCENARIOS = {
    "floor": (["FloorUser"], "floor: /web/webclient/version_info",
              "Odoo's trivial JSON route (the floor)"),
    "webhook": (["WebhookUser"], "webhook: signed WhatsApp message",
                "signed WhatsApp webhooks (Meta), each a new message"),
    "post": (["ReferencePostUser"], "post: /roms_load/post",
             "reference: a POST of the webhook's size to a writable route that writes nothing"),
    "write": (["ReferenceWriteUser"], "write: /roms_load/write",
              "reference: the same POST to a route that stores one small row"),
    "order_api": (["OrderApiUser"], "order API: POST /api/v1/orders",
                  "order API: create + confirm, 3 lines"),
    "xmlrpc": (["XmlRpcOrderUser"], "xmlrpc: create + confirm (one order)",
               "XML-RPC sale.order create + action_confirm, 3 lines"),
    "portal": (["PortalUser"], "portal: /my/catalog[/page/N]",
               "reseller portal catalogue pages (logged in)"),
    "dashboard": (["DashboardUser", "OrderApiUser"], "dashboard: get_dashboard_data",
                  "dashboard data call (admin) while order API users write orders"),
}
ORDER_ROW = SCENARIOS["order_api"][1]
TARGETS = [
    # (name, ours, reference, kind, value)
    ("order API ≥ 1× XML-RPC create+confirm", "order_api", "xmlrpc", "ratio", 1.0),
    ("signed webhooks ≥ 0.8× trivial JSON route", "webhook", "floor", "ratio", 0.8),
    ("dashboard p95 < 1.5 s while orders are written (large scale)", "dashboard",
     None, "p95", 1500),
]
# ratios printed beside the targets, to tell Odoo's share of a cost from ROMS's
REFERENCES = [
    ("writable POST that writes nothing / trivial JSON route", "post", "floor"),
    ("POST storing one row / trivial JSON route", "write", "floor"),
    ("signed webhooks / POST storing one row", "webhook", "write"),
]


# ----------------------------------------------------------------------------
# prepare (Odoo's virtualenv)
# ----------------------------------------------------------------------------


def fingerprint():
    digest = hashlib.sha1()
    for addon in [*ADDONS, f"tests/{REFERENCE_ADDON}"]:
        for path in sorted((SETUP.parent / addon).rglob("*")):
            if path.is_file() and path.suffix in (".py", ".xml", ".csv"):
                digest.update(str(path.relative_to(SETUP.parent)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_load_db(conf, scale):
    """``<bench db>_load``: the bench data of ``scale`` with every ROMS addon
    installed; rebuilt when the bench data were, updated when ROMS's code changed.
    Orders and messages the load writes stay in it (dropdb it to start over)."""
    import bench_data

    base = bench_data.ensure(conf, scale)
    name = f"{base}_load"
    base_code = bench_data.get_param(base, "roms_bench.code") or ""
    code = fingerprint()
    if bench_data.bench_scale(name) and (
        bench_data.get_param(name, "roms_bench.load_base") == base_code
    ):
        if bench_data.get_param(name, "roms_bench.load_code") != code:
            print(f"updating ROMS in {name} (its source changed)", file=sys.stderr)
            bench_data.run_odoo(conf, "-d", name, "-i", REFERENCE_ADDON,
                                "-u", ",".join(ADDONS), "--stop-after-init")
            bench_data.set_param(name, "roms_bench.load_code", code)
        return name
    if bench_data.database_exists(name):
        bench_data.admin(f'DROP DATABASE "{name}" WITH (FORCE)')
    print(f"installing every ROMS addon in {name} (a few minutes)", file=sys.stderr)
    bench_data.admin(f'CREATE DATABASE "{name}" TEMPLATE "{base}"')
    try:
        bench_data.run_odoo(conf, "-d", name, "-i", ",".join([*ADDONS, REFERENCE_ADDON]),
                            "--without-demo=all", "--stop-after-init")
    except subprocess.CalledProcessError:
        sys.exit(f"error: the ROMS addons could not be installed in {name}")
    bench_data.set_param(name, "roms_bench.load_code", code)
    bench_data.set_param(name, "roms_bench.load_base", base_code)
    return name


def prepare_records(env):
    """The users' credentials and ids, made or refreshed for this run."""
    from odoo import Command

    Users = env["res.users"].with_context(active_test=False, no_reset_password=True)
    params = env["ir.config_parameter"].sudo()
    # throughput is measured: no per-key or per-address limit in this database
    params.set_param("roms_crm.api_rate_per_minute", "0")
    params.set_param("roms_crm.api_invalid_key_per_minute", "0")

    api_user = Users.search([("login", "=", API_LOGIN)])
    if not api_user:
        api_user = Users.create({
            "name": "ROMS load integration",
            "login": API_LOGIN,
            "groups_id": [
                Command.link(env.ref("base.group_user").id),
                Command.link(env.ref("roms_crm.group_roms_api").id),
                Command.link(env.ref("sales_team.group_sale_salesman_all_leads").id),
            ],
        })
        # the integration user is no customer (broadcasts, statistics)
        api_user.partner_id.roms_category = False
    env["res.users.apikeys"].sudo().search([("user_id", "=", api_user.id)]).unlink()
    Integrations = env["roms.api.integration"].with_context(active_test=False)
    integration = Integrations.search([("name", "=", ACCOUNT_NAME)]) or (
        Integrations.create({"name": ACCOUNT_NAME, "source_names": API_SOURCE})
    )
    api_key = (
        env["res.users.apikeys"].with_user(api_user).sudo()
        ._roms_generate(integration, "load test")
    )

    app_secret = secrets.token_hex(16)
    Accounts = env["roms.whatsapp.account"].with_context(active_test=False)
    account = Accounts.search([("name", "=", ACCOUNT_NAME)], limit=1)
    if account:
        account.write({"meta_app_secret": app_secret, "active": True})
    else:
        # SQL like setup/bench_whatsapp.py: the ORM would check the connection
        env.cr.execute(
            """INSERT INTO roms_whatsapp_account
                      (name, provider, active, is_default, sequence, state,
                       meta_phone_number_id, meta_access_token,
                       meta_app_secret, meta_verify_token, meta_api_version,
                       meta_base_url, create_date, write_date)
               VALUES (%s, 'meta', true, false, 99, 'connected', %s, 'load-token',
                       %s, 'load', 'v21.0', 'http://127.0.0.1:9', now(), now())
            RETURNING id""",
            [ACCOUNT_NAME, PHONE_NUMBER_ID, app_secret],
        )
        account = Accounts.browse(env.cr.fetchone()[0])

    # the bench's products make the reseller catalogue
    env.cr.execute(
        "UPDATE product_template SET roms_reseller_ok = true "
        "WHERE default_code LIKE 'BNC%%' AND roms_reseller_ok IS NOT TRUE"
    )
    env.invalidate_all()
    catalog = env["product.template"].search_count(
        env["sale.order"]._roms_catalog_domain()
    )
    reseller_password = secrets.token_urlsafe(12)
    reseller = Users.search([("login", "=", RESELLER_LOGIN)])
    if not reseller:
        partner = env["res.partner"].search(
            [("roms_category", "=", "reseller"), ("is_company", "=", False),
             ("user_ids", "=", False)],
            limit=1, order="id",
        )
        reseller = Users.create({
            "login": RESELLER_LOGIN,
            "partner_id": partner.id,
            "groups_id": [Command.set([env.ref("base.group_portal").id])],
        })
    reseller.write({"password": reseller_password, "active": True})

    admin = env.ref("base.user_admin")
    admin_password = secrets.token_urlsafe(12)
    admin.password = admin_password

    env.cr.execute(
        """SELECT id, roms_whatsapp_number FROM res_partner
            WHERE roms_category = 'customer' AND roms_whatsapp_number IS NOT NULL
              AND active ORDER BY id LIMIT %s""",
        [CUSTOMERS],
    )
    customers = env.cr.fetchall()
    env.cr.execute(
        """SELECT id, default_code FROM product_product
            WHERE default_code LIKE 'BNC%%' ORDER BY id LIMIT 9"""
    )
    products = env.cr.fetchall()
    env.cr.execute("SELECT count(*) FROM res_partner WHERE roms_category IS NOT NULL")
    customer_count = env.cr.fetchone()[0]
    env.cr.execute("SELECT count(*) FROM sale_order_line")
    line_count = env.cr.fetchone()[0]
    env.cr.execute("SHOW server_version")
    pg_version = env.cr.fetchone()[0]
    return {
        "db": env.cr.dbname,
        "api_uid": api_user.id,
        "api_key": api_key,
        "api_source": API_SOURCE,
        "account_id": account.id,
        "app_secret": app_secret,
        "phone_number_id": PHONE_NUMBER_ID,
        "reseller_login": RESELLER_LOGIN,
        "reseller_password": reseller_password,
        "catalog_pages": max(1, math.ceil(catalog / CATALOG_PAGE_SIZE)),
        "admin_login": admin.login,
        "admin_password": admin_password,
        "customers": customers,
        "products": products,
        "data": {
            "customers": customer_count,
            "order_lines": line_count,
            "catalog_products": catalog,
            "postgresql": pg_version,
        },
    }


def prepare(args):
    sys.path.insert(0, str(SETUP))
    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.tools import config

    config.parse_config(["-c", args.conf, "--log-level=warn"])
    db = ensure_load_db(args.conf, args.scale)
    config.parse_config(["-c", args.conf, "-d", db, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        values = prepare_records(api.Environment(cr, SUPERUSER_ID, {}))
        values["scale"] = args.scale
    out = Path(args.out)
    out.touch(mode=0o600)
    out.write_text(json.dumps(values), encoding="utf-8")
    print(db)


# ----------------------------------------------------------------------------
# run (the locust scenarios, any Python)
# ----------------------------------------------------------------------------


def wait_for_server(url, timeout=180):
    deadline = time.monotonic() + timeout
    while True:
        try:
            request = urllib.request.Request(
                f"{url}/web/webclient/version_info", data=b"{}",
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            sys.exit(f"error: no server answers at {url}")
        time.sleep(1)


def locust(args, classes, users, seconds, prefix):
    command = [
        args.locust, "-f", str(LOCUSTFILE), "--headless",
        "--host", args.url, "-u", str(users), "-r", str(users),
        "-t", f"{seconds}s", "--stop-timeout", "30",
        "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
        "--exit-code-on-error", "0", *classes,
    ]
    env = {**os.environ, "ROMS_LOAD_CONFIG": args.config}
    with open(f"{prefix}.log", "w", encoding="utf-8") as log:
        subprocess.run(command, check=True, env=env, stdout=log, stderr=log)


def read_stats(prefix):
    rows = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            rows[row["Name"]] = row
    return rows


def figures(row):
    def number(key):
        value = row.get(key, "N/A")
        return None if value in ("N/A", "") else float(value)

    requests = int(row["Request Count"])
    failures = int(row["Failure Count"])
    rps = number("Requests/s") or 0.0
    return {
        "requests": requests,
        "failures": failures,
        "rps": rps - (number("Failures/s") or 0.0),
        "p50": number("50%"),
        "p95": number("95%"),
        "p99": number("99%"),
    }


def run(args):
    with open(args.config, encoding="utf-8") as file:
        config = json.load(file)
    wait_for_server(args.url)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    conditions = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpus": os.cpu_count(),
        "memory_gb": round(
            os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        ),
        "load_before": os.getloadavg()[0],
        "workers": args.workers,
        "users": args.users,
        "seconds": args.duration,
        "rounds": args.rounds,
        "scale": config["scale"],
        **config["data"],
        "machine": platform.platform(terse=True),
    }
    print("warming up the workers (not measured) …", file=sys.stderr)
    warm = sorted({name for classes, _row, _what in SCENARIOS.values() for name in classes})
    locust(args, warm, len(warm), args.warmup, out / "warmup")
    rounds = {name: [] for name in args.scenarios}
    for round_index in range(args.rounds):
        # every other round in the reverse order: a scenario is not always the one
        # that follows the same other (a vacuum, a checkpoint of the previous one)
        order = args.scenarios if round_index % 2 == 0 else args.scenarios[::-1]
        for name in order:
            classes, row_name, what = SCENARIOS[name]
            print(f"{name}: {args.users} users, {args.duration} s "
                  f"(round {round_index + 1} of {args.rounds}) …", file=sys.stderr)
            prefix = out / f"{name}-{round_index + 1}"
            locust(args, classes, args.users, args.duration, prefix)
            rows = read_stats(prefix)
            result = {"what": what, **figures(rows[row_name])}
            if name == "dashboard" and ORDER_ROW in rows:
                result["orders_per_s"] = figures(rows[ORDER_ROW])["rps"]
            # failures of any request of the scenario (logins, the XML-RPC halves)
            result["failures"] = sum(
                int(row["Failure Count"]) for key, row in rows.items()
                if key != "Aggregated"
            )
            rounds[name].append(result)
    results = {name: median_round(runs) for name, runs in rounds.items()}
    conditions["load_after"] = os.getloadavg()[0]
    verdicts = judge(results, config["scale"])
    references = reference_ratios(results)
    if args.json:
        print(json.dumps(
            {"conditions": conditions, "scenarios": results, "targets": verdicts,
             "references": references},
            indent=2,
        ))
    else:
        print_table(conditions, results, verdicts, references)
    failed = any(r["failures"] for r in results.values()) or any(
        v["result"] == "miss" for v in verdicts
    )
    return 1 if failed else 0


def median_round(runs):
    """The round of median throughput (its latencies with it), the failures of
    all rounds, and the range of the throughputs when there were several."""
    ordered = sorted(runs, key=lambda run: run["rps"])
    result = dict(ordered[(len(ordered) - 1) // 2])
    result["failures"] = sum(run["failures"] for run in runs)
    result["requests"] = sum(run["requests"] for run in runs)
    if len(runs) > 1:
        result["rps_range"] = [ordered[0]["rps"], ordered[-1]["rps"]]
    return result


def judge(results, scale):
    verdicts = []
    for name, ours, reference, kind, value in TARGETS:
        if ours not in results or (reference and reference not in results):
            continue
        if kind == "ratio":
            measured = results[ours]["rps"] / results[reference]["rps"] if (
                results[reference]["rps"]
            ) else math.inf
            passed = measured >= value
            shown = f"{measured:.2f}×"
        else:
            measured = results[ours]["p95"]
            passed = measured is not None and measured < value
            shown = f"{measured / 1000:.2f} s" if measured is not None else "none"
        result = "pass" if passed else "miss"
        if kind == "p95" and scale != "large":
            result = f"{result} (target at --scale large)"
        verdicts.append({"target": name, "measured": shown, "result": result})
    return verdicts


def reference_ratios(results):
    return [
        {"ratio": name, "measured": f"{results[ours]['rps'] / results[base]['rps']:.2f}×"}
        for name, ours, base in REFERENCES
        if ours in results and base in results and results[base]["rps"]
    ]


def print_table(conditions, results, verdicts, references):
    c = conditions
    print(
        f"{c['date']}: {c['cpus']} CPUs, {c['memory_gb']} GB, PostgreSQL "
        f"{c['postgresql']} on loopback; {c['workers']} HTTP workers, no cron worker; "
        f"{c['scale']} scale ({c['customers']:,} customers, {c['order_lines']:,} order "
        f"lines, {c['catalog_products']} catalogue products); {c['users']} locust "
        f"users per scenario, {c['seconds']} s each"
        f"{'' if c['rounds'] == 1 else ', ' + str(c['rounds']) + ' rounds'}; load average "
        f"{c['load_before']:.1f} before, {c['load_after']:.1f} after"
    )
    print()
    print("| scenario | what | requests/s | p50 | p95 | p99 | requests | failures |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")

    def ms(value):
        return "–" if value is None else f"{value:.0f} ms"

    for name, r in results.items():
        what = r["what"]
        if "orders_per_s" in r:
            what += f" ({r['orders_per_s']:.1f} orders/s meanwhile)"
        if "rps_range" in r:
            what += " (median of {} rounds: {:.1f}–{:.1f}/s)".format(
                c["rounds"], *r["rps_range"]
            )
        print(
            f"| `{name}` | {what} | {r['rps']:.1f} | {ms(r['p50'])} | {ms(r['p95'])} "
            f"| {ms(r['p99'])} | {r['requests']} | {r['failures']} |"
        )
    print()
    print("| target | measured | result |")
    print("| --- | --- | --- |")
    for v in verdicts:
        print(f"| {v['target']} | {v['measured']} | {v['result']} |")
    if references:
        print()
        print("| reference ratio | measured |")
        print("| --- | --- |")
        for r in references:
            print(f"| {r['ratio']} | {r['measured']} |")


def main():
    parser = argparse.ArgumentParser(prog="setup/load")
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("prepare")
    p.add_argument("--conf", required=True)
    p.add_argument("--scale", default="small")
    p.add_argument("--out", required=True)
    r = commands.add_parser("run")
    r.add_argument("--config", required=True)
    r.add_argument("--url", required=True)
    r.add_argument("--locust", required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--users", type=int, default=4)
    r.add_argument("--duration", type=int, default=30)
    r.add_argument("--rounds", type=int, default=1)
    r.add_argument("--warmup", type=int, default=10)
    r.add_argument("--workers", type=int, default=2)
    r.add_argument("--json", action="store_true")
    r.add_argument("scenarios", nargs="*")
    args = parser.parse_args()
    if args.command == "prepare":
        prepare(args)
        return 0
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        sys.exit(f"error: unknown scenario(s) {', '.join(sorted(unknown))}; "
                 f"known: {', '.join(SCENARIOS)}")
    args.scenarios = args.scenarios or list(SCENARIOS)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
