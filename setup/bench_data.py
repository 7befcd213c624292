"""Benchmark data for ./setup/bench: a database ``roms_bench_<scale>`` with ROMS
installed without demo data, filled through SQL (COPY, committed in batches).

    .venv/bin/python setup/bench_data.py --scale small|large [--seed N] [--force]

The installed, empty database ``roms_bench_base`` is kept as a template, so each
scale is a copy of it plus data. A filled database carries the system parameter
``roms_bench.scale``; it is reused as is on the next run (``--force`` rebuilds it).
The data depend only on the scale and the seed.

Customers: the first bench customer has BIG_CUSTOMER_ORDERS confirmed orders, the
second one SMALL_CUSTOMER_ORDERS; the others share the remaining orders unevenly.
Phone numbers are +62 <prefix> <8 digits>, with the prefixes of gen_demo.py;
``IMPORT_PREFIXES`` are kept free for the rows imported by the benchmark.
"""

import argparse
import datetime
import hashlib
import io
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psycopg2

SETUP = Path(__file__).resolve().parent
sys.path.insert(0, str(SETUP))
from gen_demo import MOBILE_PREFIXES, ORIGINS  # noqa: E402

SCALES = {
    "small": {"customers": 5_000, "lines": 50_000},
    "large": {"customers": 100_000, "lines": 1_000_000},
}
# ROMS_BENCH_DB: another name prefix, for engineers sharing one PostgreSQL
BENCH_PREFIX = os.environ.get("ROMS_BENCH_DB") or "roms_bench"
BASE_DB = f"{BENCH_PREFIX}_base"
ADDONS = ["roms_crm"]
PRODUCTS = 300
BATCH = 50_000  # rows per COPY, committed one by one
BIG_CUSTOMER_ORDERS = 200
SMALL_CUSTOMER_ORDERS = 2
IMPORT_PREFIXES = ["838", "831"]  # never given to bench customers
CATEGORIES = [
    ("customer", 70),
    ("reseller", 10),
    ("dropshipper", 8),
    ("agent", 4),
    ("distributor", 2),
    ("lead", 6),
]
ORDER_STATES = [("sale", 92), ("cancel", 4), ("draft", 4)]
STAGE_OF_STATE = {"sale": "delivered", "cancel": "cancelled", "draft": "pending"}
PRODUCT_WORDS = [
    "Kopi Arabika Gayo", "Kopi Robusta Lampung", "Kopi Toraja", "Kopi Kintamani",
    "Gula Aren Cair", "Gula Semut", "Keripik Singkong", "Keripik Tempe", "Rempeyek",
    "Kaos Logo", "Tumbler", "Totebag", "Teh Melati", "Cokelat Bubuk", "Madu Hutan",
]
DAYS = 730
# Bump when fill() changes: bench databases of another version are rebuilt.
DATA_VERSION = "2"
# Repeat-order reminders: REMINDER_DUE_ORDERS orders of REMINDER_DUE_LINES lines
# are delivered REMINDER_DELIVERED_DAYS after the data set's date (roms_bench.now)
# and nothing else is delivered after that date, so a 14-day reminder rule run
# REMINDER_RUN_DAYS after it finds exactly these lines due among all the
# delivered ones.
REMINDER_DUE_ORDERS = 25
REMINDER_DUE_LINES = 4
REMINDER_DELIVERED_DAYS = 15
REMINDER_RUN_DAYS = 30


def db_name(scale):
    return f"{BENCH_PREFIX}_{scale}"


def connect(dbname):
    """A psycopg2 connection with the settings of the Odoo configuration."""
    from odoo.tools import config

    params = {"dbname": dbname}
    for key, option in (
        ("host", "db_host"),
        ("port", "db_port"),
        ("user", "db_user"),
        ("password", "db_password"),
    ):
        if config.get(option):
            params[key] = config[option]
    return psycopg2.connect(**params)


def run_odoo(conf, *args):
    odoo_bin = Path(__import__("odoo").__path__[0]).parent / "odoo-bin"
    subprocess.run(
        [sys.executable, str(odoo_bin), "-c", conf, "--log-level=warn", *args],
        check=True,
    )


def database_exists(name):
    conn = connect("postgres")
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return bool(cr.fetchone())
    finally:
        conn.close()


def bench_scale(name):
    """The scale a complete bench database was filled for, or None."""
    if not database_exists(name):
        return None
    conn = connect(name)
    try:
        with conn.cursor() as cr:
            cr.execute(
                "SELECT value FROM ir_config_parameter WHERE key = 'roms_bench.scale'"
            )
            row = cr.fetchone()
            return row and row[0]
    except psycopg2.Error:
        return None
    finally:
        conn.close()


def admin(sql):
    conn = connect("postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            cr.execute(sql)
    finally:
        conn.close()


def code_fingerprint():
    """A digest of the ROMS addons' source, to notice when a bench database needs
    ``-u roms_crm``."""
    digest = hashlib.sha1()
    for addon in sorted(ADDONS):
        for path in sorted((SETUP.parent / addon).rglob("*")):
            if path.is_file() and path.suffix in (".py", ".xml", ".csv"):
                digest.update(str(path.relative_to(SETUP.parent)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def set_param(name, key, value):
    conn = connect(name)
    with conn, conn.cursor() as cr:
        cr.execute("DELETE FROM ir_config_parameter WHERE key = %s", [key])
        cr.execute(
            "INSERT INTO ir_config_parameter (key, value) VALUES (%s, %s)",
            [key, value],
        )
    conn.close()


def get_param(name, key):
    conn = connect(name)
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", [key])
            row = cr.fetchone()
            return row and row[0]
    finally:
        conn.close()


def ensure_updated(conf, name):
    """Update roms_crm in ``name`` when its source changed since the last run."""
    fingerprint = code_fingerprint()
    if get_param(name, "roms_bench.code") == fingerprint:
        return
    print(f"updating roms_crm in {name} (its source changed)", file=sys.stderr)
    try:
        run_odoo(conf, "-d", name, "-u", "roms_crm", "--stop-after-init")
    except subprocess.CalledProcessError:
        sys.exit(f"error: roms_crm could not be updated in {name}: see the log above")
    set_param(name, "roms_bench.code", fingerprint)


def ensure_base(conf):
    """The template database with roms_crm installed, without demo data."""
    from odoo.tools import config

    if bench_scale(BASE_DB) == "base":
        ensure_updated(conf, BASE_DB)
        return
    if database_exists(BASE_DB):
        admin(f'DROP DATABASE "{BASE_DB}" WITH (FORCE)')
    print(f"installing roms_crm in {BASE_DB} (about a minute)", file=sys.stderr)
    run_odoo(conf, "-d", BASE_DB, "-i", "roms_crm", "--without-demo=all",
             "--stop-after-init")
    conn = connect(BASE_DB)
    with conn, conn.cursor() as cr:
        cr.execute(
            "INSERT INTO ir_config_parameter (key, value) "
            "VALUES ('roms_bench.scale', 'base'), ('roms_bench.code', %s)",
            [code_fingerprint()],
        )
    conn.close()
    assert config["data_dir"]


def copy_base(name):
    from odoo.tools import config

    if database_exists(name):
        admin(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{name}" TEMPLATE "{BASE_DB}"')
    filestore = Path(config["data_dir"]) / "filestore"
    shutil.rmtree(filestore / name, ignore_errors=True)
    if (filestore / BASE_DB).exists():
        shutil.copytree(filestore / BASE_DB, filestore / name)


def weighted(rng, choices):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights)[0]


def copy_rows(cr, table, columns, rows):
    """COPY ``rows`` (tuples; None is NULL) into ``table``."""
    buf = io.StringIO()
    for row in rows:
        buf.write(
            "\t".join(
                "\\N" if v is None else str(v).replace("\\", "\\\\").replace("\t", " ")
                for v in row
            )
        )
        buf.write("\n")
    buf.seek(0)
    cr.copy_expert(
        f"COPY {table} ({', '.join(columns)}) FROM STDIN", buf, size=1 << 20
    )


def next_ids(cr, table, count):
    """Reserve ``count`` consecutive ids of ``table``; return the first one."""
    cr.execute(f"SELECT COALESCE(max(id), 0) + 1 FROM {table}")
    first = cr.fetchone()[0]
    cr.execute(
        "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, first + count]
    )
    return first


def ref(cr, xmlid):
    module, name = xmlid.split(".")
    cr.execute(
        "SELECT res_id FROM ir_model_data WHERE module = %s AND name = %s",
        [module, name],
    )
    return cr.fetchone()[0]


def mobile_of(index):
    """A distinct Indonesian mobile number (E.164) for every index < 1.8e9."""
    prefix = MOBILE_PREFIXES[index % len(MOBILE_PREFIXES)]
    assert prefix not in IMPORT_PREFIXES
    suffix = 10_000_000 + (index // len(MOBILE_PREFIXES)) * 48271 % 90_000_000
    return f"+62{prefix}{suffix}"


def person_name(rng):
    origin = rng.choices(list(ORIGINS), [o["weight"] for o in ORIGINS.values()])[0]
    data = ORIGINS[origin]
    gender = rng.choice(["male", "female"])
    families = data.get("family", []) + data.get(f"family_{gender}", [])
    return f"{rng.choice(data[gender])} {rng.choice(families)}", gender


def fill(name, scale, seed):
    sizes = SCALES[scale]
    rng = random.Random(f"{scale}-{seed}")
    conn = connect(name)
    cr = conn.cursor()
    now = datetime.datetime(2026, 1, 1) if os.environ.get("ROMS_BENCH_FIXED") else (
        datetime.datetime.now().replace(microsecond=0)
    )
    today = now.date()
    company = 1
    cr.execute("SELECT currency_id FROM res_company WHERE id = %s", [company])
    currency = cr.fetchone()[0]
    cr.execute("SELECT min(id) FROM product_pricelist")
    pricelist = cr.fetchone()[0]
    cr.execute("SELECT min(id) FROM stock_warehouse")
    warehouse = cr.fetchone()[0]
    indonesia = ref(cr, "base.id")
    cr.execute(
        "SELECT c.id, c.name->>'en_US', c.state_id FROM res_city c "
        "WHERE c.country_id = %s ORDER BY c.id",
        [indonesia],
    )
    cities = cr.fetchall()
    uom = ref(cr, "uom.product_uom_unit")
    categ = ref(cr, "product.product_category_all")

    # Products -----------------------------------------------------------------
    tmpl_first = next_ids(cr, "product_template", PRODUCTS)
    prod_first = next_ids(cr, "product_product", PRODUCTS)
    products = []  # (product id, name, price)
    tmpl_rows, prod_rows = [], []
    for i in range(PRODUCTS):
        pname = f"{PRODUCT_WORDS[i % len(PRODUCT_WORDS)]} {100 + i}"
        price = rng.randrange(15, 400) * 1000
        tmpl_rows.append((
            tmpl_first + i, json.dumps({"en_US": pname}), categ, uom, uom, "consu",
            "no", "none", "no-message", True, True, True, price, 1, None,
            f"BNC{i:04d}", now, now, 1, 1, "order",
        ))
        prod_rows.append((prod_first + i, tmpl_first + i, True, f"BNC{i:04d}",
                          now, now, 1, 1))
        products.append((prod_first + i, pname, price))
    copy_rows(cr, "product_template", [
        "id", "name", "categ_id", "uom_id", "uom_po_id", "type", "service_tracking",
        "tracking", "sale_line_warn", "active", "sale_ok", "purchase_ok",
        "list_price", "sequence", "company_id", "default_code", "create_date",
        "write_date", "create_uid", "write_uid", "invoice_policy",
    ], tmpl_rows)
    copy_rows(cr, "product_product", [
        "id", "product_tmpl_id", "active", "default_code", "create_date",
        "write_date", "create_uid", "write_uid",
    ], prod_rows)
    conn.commit()

    # Customers ----------------------------------------------------------------
    n = sizes["customers"]
    first = next_ids(cr, "res_partner", n)
    joins = []
    columns = [
        "id", "name", "complete_name", "type", "active", "is_company",
        "commercial_partner_id", "customer_rank", "supplier_rank", "lang", "tz",
        "country_id", "state_id", "city", "city_id", "mobile", "roms_whatsapp_number",
        "email", "email_normalized", "roms_category", "roms_gender", "roms_join_date", "autopost_bills",
        "create_date", "write_date", "create_uid", "write_uid",
    ]
    for start in range(0, n, BATCH):
        rows = []
        for i in range(start, min(n, start + BATCH)):
            pname, gender = person_name(rng)
            city_id, city, state = rng.choice(cities)
            join = today - datetime.timedelta(days=rng.randrange(DAYS))
            if i < 2:
                join = today - datetime.timedelta(days=DAYS)
            joins.append(join)
            number = mobile_of(i)
            email = f"customer{i}@example.com"
            category = "customer" if i < 2 else weighted(rng, CATEGORIES)
            created = datetime.datetime.combine(join, datetime.time(9))
            rows.append((
                first + i, pname, pname, "contact", True, False, first + i, 1, 0,
                "en_US", "Asia/Jakarta", indonesia, state, city, city_id,
                number, number, email, email, category, gender, join, "ask",
                created, created, 1, 1,
            ))
        copy_rows(cr, "res_partner", columns, rows)
        conn.commit()

    # Orders and lines ---------------------------------------------------------
    n_lines = sizes["lines"]
    n_orders = n_lines // 4
    order_first = next_ids(cr, "sale_order", n_orders)
    line_first = next_ids(cr, "sale_order_line", n_lines + 8 * n_orders)
    order_cols = [
        "id", "name", "company_id", "partner_id", "partner_invoice_id",
        "partner_shipping_id", "date_order", "roms_delivered_date", "picking_policy",
        "roms_stage", "state",
        "amount_untaxed", "amount_tax", "amount_total", "currency_id",
        "currency_rate", "pricelist_id", "warehouse_id", "user_id", "invoice_status",
        "create_date", "write_date", "create_uid", "write_uid",
    ]
    line_cols = [
        "id", "order_id", "sequence", "name", "product_id", "product_uom",
        "product_uom_qty", "price_unit", "discount", "price_subtotal", "price_tax",
        "price_total", "price_reduce_taxexcl", "price_reduce_taxinc",
        "customer_lead", "company_id", "currency_id", "order_partner_id", "state",
        "qty_delivered", "qty_invoiced", "qty_to_invoice", "invoice_status",
        "create_date", "write_date", "create_uid", "write_uid",
    ]
    reserved = BIG_CUSTOMER_ORDERS + SMALL_CUSTOMER_ORDERS
    line_id = line_first
    lines_left = n_lines
    order_rows, line_rows = [], []
    for k in range(n_orders):
        if k < BIG_CUSTOMER_ORDERS:
            index, state = 0, "sale"
        elif k < reserved:
            index, state = 1, "sale"
        else:
            index = 2 + int((n - 2) * rng.random() ** 1.6)
            state = weighted(rng, ORDER_STATES)
        partner = first + index
        join = joins[index]
        span = max((today - join).days, 1)
        date = datetime.datetime.combine(
            join + datetime.timedelta(days=rng.randrange(span)),
            datetime.time(rng.randrange(1, 15), rng.randrange(60)),
        )
        orders_left = n_orders - k
        count = lines_left if orders_left == 1 else max(
            1, min(lines_left - (orders_left - 1), rng.randint(1, 7))
        )
        lines_left -= count
        total = 0
        for seq in range(count):
            product, pname, price = rng.choice(products)
            qty = rng.choice([1, 1, 1, 2, 2, 3, 5, 10])
            subtotal = qty * price
            total += subtotal
            line_rows.append((
                line_id, order_first + k, 10 + seq, pname, product, uom, qty, price,
                0, subtotal, 0, subtotal, price, price, 0, company, currency, partner,
                state, qty if state == "sale" else 0, 0, 0, "no", date, date, 1, 1,
            ))
            line_id += 1
        delivered = None
        if state == "sale":
            delivered = min(
                now,
                date + datetime.timedelta(days=rng.randint(1, 4), hours=rng.randrange(9)),
            )
        order_rows.append((
            order_first + k, f"BENCH/{k + 1:07d}", company, partner, partner,
            partner, date, delivered, "direct", STAGE_OF_STATE[state], state, total,
            0, total,
            currency, 1, pricelist, warehouse, 2, "no", date, date, 1, 1,
        ))
        if len(line_rows) >= BATCH or k == n_orders - 1:
            copy_rows(cr, "sale_order", order_cols, order_rows)
            copy_rows(cr, "sale_order_line", line_cols, line_rows)
            conn.commit()
            order_rows, line_rows = [], []
    plant_due_reminders(cr, rng, now, first, products, company, currency, pricelist,
                        warehouse, uom, order_cols, line_cols)
    conn.commit()
    cr.execute("ANALYZE res_partner")
    cr.execute("ANALYZE sale_order")
    cr.execute("ANALYZE sale_order_line")
    cr.execute(
        "UPDATE ir_config_parameter SET value = %s WHERE key = 'roms_bench.scale'",
        [scale],
    )
    cr.execute(
        "INSERT INTO ir_config_parameter (key, value) VALUES "
        "('roms_bench.big_customer', %s), ('roms_bench.small_customer', %s), "
        "('roms_bench.now', %s), ('roms_bench.data', %s)",
        [str(first), str(first + 1), now.isoformat(sep=" "), DATA_VERSION],
    )
    conn.commit()
    conn.close()


def plant_due_reminders(cr, rng, now, first_partner, products, company, currency,
                        pricelist, warehouse, uom, order_cols, line_cols):
    """REMINDER_DUE_ORDERS delivered orders of REMINDER_DUE_LINES distinct products
    for as many customers, ordered the day before ``now`` and delivered
    REMINDER_DELIVERED_DAYS after it: the only deliveries after ``now``."""
    order_first = next_ids(cr, "sale_order", REMINDER_DUE_ORDERS)
    line_first = next_ids(
        cr, "sale_order_line", REMINDER_DUE_ORDERS * REMINDER_DUE_LINES
    )
    date = now - datetime.timedelta(days=1)
    delivered = now + datetime.timedelta(days=REMINDER_DELIVERED_DAYS)
    order_rows, line_rows = [], []
    line_id = line_first
    for k in range(REMINDER_DUE_ORDERS):
        partner = first_partner + 2 + k
        total = 0
        for seq, (product, pname, price) in enumerate(
            rng.sample(products, REMINDER_DUE_LINES)
        ):
            total += price
            line_rows.append((
                line_id, order_first + k, 10 + seq, pname, product, uom, 1, price,
                0, price, 0, price, price, price, 0, company, currency, partner,
                "sale", 1, 0, 0, "no", date, date, 1, 1,
            ))
            line_id += 1
        order_rows.append((
            order_first + k, f"BENCH/R{k + 1:04d}", company, partner, partner,
            partner, date, delivered, "direct", "delivered", "sale", total, 0, total,
            currency, 1, pricelist, warehouse, 2, "no", date, date, 1, 1,
        ))
    copy_rows(cr, "sale_order", order_cols, order_rows)
    copy_rows(cr, "sale_order_line", line_cols, line_rows)


def ensure(conf, scale, seed=1, force=False):
    """Return the name of the filled bench database of ``scale``, building it when
    missing or incomplete."""
    name = db_name(scale)
    if (
        not force
        and bench_scale(name) == scale
        and get_param(name, "roms_bench.data") == DATA_VERSION
    ):
        ensure_updated(conf, name)
        return name
    started = time.monotonic()
    ensure_base(conf)
    copy_base(name)
    print(f"filling {name} ({scale})", file=sys.stderr)
    fill(name, scale, seed)
    print(
        f"{name} ready in {time.monotonic() - started:.0f} s", file=sys.stderr
    )
    return name


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conf", required=True)
    parser.add_argument("--scale", choices=SCALES, default="small")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    from odoo.tools import config

    config.parse_config(["-c", args.conf])
    ensure(args.conf, args.scale, args.seed, args.force)


if __name__ == "__main__":
    main()
