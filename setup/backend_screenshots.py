"""Screenshots of the ROMS backend screens at 1440x900, in Indonesian.

Usage: .venv/bin/python setup/backend_screenshots.py http://127.0.0.1:8069 DB OUTDIR \
           [--readme] [--extreme] [NAME ...]

Logs in as the demo admin (admin/admin) and the demo customer service agent
(cs1/cs1) of a database built by ``./setup/run`` (demo shop, Indonesian), opens
each screen in headless Chromium, waits until it is drawn and saves
``OUTDIR/<name>.png``. NAMEs pick some screens (all by default).

``--readme`` also copies the dashboard into roms_reports/static/description/ for
the README. ``--extreme`` first adds an extreme order (Rp 2,5 × 10³⁴, confirmed
today) to the database, takes the screens that show amounts as
``<name>_extreme.png``, then cancels that order again: the figures must stay
readable however large they get. Use it on a screenshot database only.
"""

import base64
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import requests
import websocket

WIDTH, HEIGHT = 1440, 900
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEBUG_PORT = 9335


class Odoo:
    """A logged-in session: JSON-RPC calls and the cookie for the browser."""

    def __init__(self, base, db, login, password):
        self.base = base
        self.session = requests.Session()
        response = self.session.post(
            f"{base}/web/session/authenticate",
            json={"params": {"db": db, "login": login, "password": password}},
        )
        response.raise_for_status()
        result = response.json()
        if result.get("error"):
            raise RuntimeError(result["error"])
        self.uid = result["result"]["uid"]

    def call(self, model, method, *args, **kwargs):
        # what the script writes (chatter lines, tracking) reads in Indonesian
        kwargs.setdefault("context", {"lang": "id_ID"})
        response = self.session.post(
            f"{self.base}/web/dataset/call_kw/{model}/{method}",
            json={
                "params": {
                    "model": model,
                    "method": method,
                    "args": list(args),
                    "kwargs": kwargs,
                }
            },
        )
        result = response.json()
        if result.get("error"):
            raise RuntimeError(result["error"]["data"]["message"])
        return result.get("result")

    def first(self, model, domain, order="id desc"):
        ids = self.call(model, "search", domain, limit=1, order=order)
        if not ids:
            raise RuntimeError(f"no {model} matches {domain}")
        return ids[0]


class Browser:
    def __init__(self):
        self.profile = tempfile.mkdtemp()
        self.process = subprocess.Popen(
            [
                "chromium",
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                f"--remote-debugging-port={DEBUG_PORT}",
                f"--user-data-dir={self.profile}",
                f"--window-size={WIDTH},{HEIGHT}",
                "--lang=id-ID",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _attempt in range(100):
            try:
                targets = requests.get(f"http://127.0.0.1:{DEBUG_PORT}/json").json()
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        target = next(t for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(
            target["webSocketDebuggerUrl"], timeout=120
        )
        self.ids = iter(range(1, 100000))
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )

    def send(self, method, **params):
        msg_id = next(self.ids)
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == msg_id:
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.send(
            "Runtime.evaluate",
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
        )
        return result.get("result", {}).get("value")

    def login(self, odoo):
        host = re.sub(r"^https?://([^:/]+).*$", r"\1", odoo.base)
        self.send("Network.clearBrowserCookies")
        self.send(
            "Network.setCookie",
            name="session_id",
            value=odoo.session.cookies["session_id"],
            domain=host,
            path="/",
        )

    def wait_for(self, selector, timeout=90):
        """Until ``selector`` is in the page and nothing is loading."""
        check = (
            f"!!document.querySelector({json.dumps(selector)})"
            " && !document.querySelector('.o_loading_indicator, .o_blockUI')"
        )
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.evaluate(check):
                time.sleep(1.5)  # charts and late renders
                return
            time.sleep(0.5)
        raise RuntimeError(f"{selector} did not appear")

    def shoot(self, path):
        shot = self.send("Page.captureScreenshot", format="png")
        with open(path, "wb") as image:
            image.write(base64.b64decode(shot["data"]))
        print(path)

    def close(self):
        self.ws.close()
        self.process.terminate()
        self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def click(selector):
    return f"document.querySelector({json.dumps(selector)}).click()"


def screens(admin, cs):
    """(name, user, url, selector to wait for, [(js to run, selector to wait for)])"""
    order = admin.first(
        "sale.order",
        [
            ("state", "=", "sale"),
            ("roms_stage", "=", "shipped"),
            ("roms_tracking_number", "!=", False),
            ("roms_source", "=", "whatsapp"),
        ],
        order="date_order desc",
    )
    shipped = ship_with_resi(admin) or order
    customer = admin.call("sale.order", "read", [order], ["partner_id"])[0][
        "partner_id"
    ][0]
    template = admin.first("roms.message.template", [], order="id")
    account = whatsapp_account(admin)
    return [
        (
            "dashboard",
            "admin",
            "/odoo/action-roms_reports.roms_dashboard_action",
            ".o_roms_dashboard canvas",
            [],
        ),
        (
            "dashboard_cs",
            "cs",
            "/odoo/action-roms_reports.roms_dashboard_action",
            ".o_roms_dashboard canvas",
            [],
        ),
        (
            "order_form",
            "admin",
            f"/odoo/action-roms_crm.sale_order_action_roms/{order}",
            ".o_form_view .o_statusbar_status",
            [],
        ),
        (
            "order_points",
            "admin",
            f"/odoo/action-roms_crm.sale_order_action_roms/{order}",
            ".o_form_view .o_field_widget[name='loyalty_data']",
            [
                (
                    (
                        "document.querySelector(\".o_field_widget[name='loyalty_data']\")"
                        ".scrollIntoView({block: 'center'})"
                    ),
                    ".o_form_view",
                )
            ],
        ),
        (
            "order_history",
            "admin",
            f"/odoo/action-roms_crm.sale_order_action_roms/{shipped}",
            ".o_form_view .o_notebook",
            [
                (
                    click(".o_notebook a[name='roms_history']")
                    + ";document.querySelector('.o_notebook')"
                    ".scrollIntoView({block: 'start'})",
                    (
                        ".o_notebook .o_field_widget[name='roms_stage_history_ids'] "
                        ".o_data_row"
                    ),
                )
            ],
        ),
        (
            "customers",
            "admin",
            "/odoo/action-roms_crm.res_partner_action_customers",
            ".o_list_view .o_data_row",
            [],
        ),
        (
            "customer_form",
            "admin",
            f"/odoo/action-roms_crm.res_partner_action_customers/{customer}",
            ".o_form_view .o-form-buttonbox",
            [],
        ),
        (
            "customer_stats",
            "admin",
            f"/odoo/action-roms_crm.res_partner_action_customers/{customer}",
            ".o_form_view .o_field_widget[name='roms_order_count']",
            [
                (
                    (
                        "document.querySelector(\".o_field_widget[name='roms_order_count']\")"
                        ".scrollIntoView({block: 'center'})"
                    ),
                    ".o_form_view",
                )
            ],
        ),
        (
            "customer_sales_tab",
            "admin",
            f"/odoo/action-roms_crm.res_partner_action_customers/{customer}",
            ".o_form_view .o_notebook",
            [
                (
                    click(".o_notebook a[name='sales_purchases']"),
                    (
                        ".o_notebook .tab-pane.active[name='sales_purchases'], "
                        ".o_notebook .o_notebook_content"
                    ),
                )
            ],
        ),
        (
            "template_form",
            "admin",
            f"/odoo/action-roms_crm.roms_message_template_action/{template}",
            ".o_form_view .o_roms_variable_picker",
            [],
        ),
        (
            "top_customers",
            "admin",
            "/odoo/action-roms_reports.roms_top_customers_action",
            ".o_form_view .o_data_row",
            [],
        ),
        (
            "geography",
            "admin",
            "/odoo/action-roms_reports.roms_geo_report_action",
            ".o_pivot",
            [],
        ),
        (
            "stock",
            "admin",
            "/odoo/action-roms_reports.roms_stock_report_action",
            ".o_list_view .o_data_row",
            [],
        ),
        (
            "reminder_funnel",
            "admin",
            "/odoo/action-roms_reports.roms_reminder_funnel_report_action",
            ".o_list_view .o_data_row, .o_view_nocontent",
            [],
        ),
        (
            "message_results",
            "admin",
            "/odoo/action-roms_reports.roms_message_result_report_action",
            ".o_pivot_view .o_pivot, .o_view_nocontent",
            [],
        ),
        (
            "segments",
            "admin",
            "/odoo/action-roms_crm.roms_segment_action",
            ".o_list_view .o_data_row",
            [],
        ),
        (
            "whatsapp_account",
            "admin",
            f"/odoo/action-roms_whatsapp.roms_whatsapp_account_action/{account}",
            ".o_form_view .o_statusbar_status",
            [],
        ),
        (
            "reminder_rule_second_step",
            "admin",
            f"/odoo/action-roms_crm.roms_reminder_rule_action/{reminder_rule(admin)}",
            ".o_form_view .o_field_widget[name='followup_days']",
            [],
        ),
        (
            "settings_followups",
            "admin",
            "/odoo/action-roms_crm.res_config_settings_action",
            "#roms_cart_recovery_hours",
            [
                (
                    "document.querySelector('#roms_reply_later_days')"
                    ".scrollIntoView({block: 'start'})",
                    "#roms_review_request_days",
                )
            ],
        ),
        (
            "settings_reminder_replies",
            "admin",
            "/odoo/action-roms_crm.res_config_settings_action",
            "#roms_wa_reply_window_hours",
            [
                (
                    "document.querySelector('#roms_wa_media_max_mb')"
                    ".scrollIntoView({block: 'start'})",
                    "#roms_wa_reply_window_hours",
                )
            ],
        ),
        (
            "cs_apps",
            "cs",
            "/odoo",
            ".o_home_menu, .o_navbar_apps_menu",
            [
                (
                    click(".o_navbar_apps_menu button"),
                    (
                        ".o_navbar_apps_menu .dropdown-menu .o_app, "
                        ".o-dropdown--menu .o_app"
                    ),
                )
            ],
        ),
    ]


def reminder_rule(admin):
    """The first reminder rule, given the seeded second step to show."""
    rule = admin.first("roms.reminder.rule", [], order="id")
    followup = admin.first(
        "roms.message.template",
        [("name", "in", ["Pengingat Lanjutan", "Follow-up reminder"])],
        order="id",
    )
    if rule and followup:
        admin.call(
            "roms.reminder.rule",
            "write",
            [rule],
            {"followup_template_id": followup, "followup_days": 3},
        )
    return rule


def ship_with_resi(admin):
    """Ship a processed order with its tracking number, as the order API does:
    the resi shows on the history row of that move."""
    ids = admin.call(
        "sale.order",
        "search",
        [("state", "=", "sale"), ("roms_stage", "=", "processed")],
        limit=1,
        order="date_order desc",
    )
    if not ids:
        return False
    admin.call(
        "sale.order",
        "write",
        ids,
        {"roms_stage": "shipped", "roms_tracking_number": "JNE CGK0012345678"},
    )
    return ids[0]


def whatsapp_account(admin):
    """The demo shop has no WhatsApp account: a QR gateway account whose gateway
    is not running, last seen connected. Opening it checks it again."""
    ids = admin.call("roms.whatsapp.account", "search", [], limit=1, order="id")
    if ids:
        return ids[0]
    with socket.socket() as sock:  # a loopback port where nothing listens
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    account = admin.call(
        "roms.whatsapp.account",
        "create",
        {
            "name": "WhatsApp Toko",
            "provider": "waha",
            "waha_base_url": f"http://127.0.0.1:{port}",
        },
    )
    admin.call(
        "roms.whatsapp.account",
        "write",
        [account],
        {"state": "connected", "state_reason": False},
    )
    return account


EXTREME_SCREENS = ("dashboard", "top_customers", "geography", "stock")


def add_extreme_order(admin):
    """A confirmed order of Rp 2,5 × 10³⁴ today, for a new customer."""
    partner = admin.call(
        "res.partner",
        "create",
        {"name": "Pelanggan Ekstrem", "roms_category": "customer", "city": "Bandung"},
    )
    product = admin.call(
        "product.product",
        "create",
        {"name": "Barang Ekstrem", "list_price": 1, "is_storable": True},
    )
    order = admin.call(
        "sale.order",
        "create",
        {
            "partner_id": partner,
            "order_line": [
                (
                    0,
                    0,
                    {
                        "product_id": product,
                        "product_uom_qty": 1e16,
                        "price_unit": 2.5e18,
                        "tax_id": [(5, 0, 0)],
                    },
                )
            ],
        },
    )
    admin.call("sale.order", "action_confirm", [order])
    admin.call("res.partner", "action_roms_update_stats", [partner])
    return order, product


def remove_extreme_order(admin, order, product):
    orders = admin.call(
        "sale.order",
        "search",
        [("partner_id.name", "=", "Pelanggan Ekstrem"), ("state", "!=", "cancel")],
    )
    for each in {order, *orders}:
        admin.call(
            "sale.order",
            "action_cancel",
            [each],
            context={"lang": "id_ID", "disable_cancel_warning": True},
        )
    admin.call("product.product", "write", [product], {"active": False})


def take(base, users, selected, outdir, suffix=""):
    browser = Browser()
    try:
        current = None
        for name, user, url, selector, steps in screens(users["admin"], users["cs"]):
            if selected and name not in selected:
                continue
            if user != current:
                browser.login(users[user])
                current = user
            # the first visit may build the asset bundles: allow for it
            browser.send("Page.navigate", url=base + url)
            browser.wait_for(selector)
            for script, wait in steps:
                browser.evaluate(script)
                browser.wait_for(wait)
            browser.shoot(os.path.join(outdir, f"{name}{suffix}.png"))
    finally:
        browser.close()


def main(argv):
    flags = {arg for arg in argv if arg.startswith("--")}
    args = [arg for arg in argv if not arg.startswith("--")]
    base, db, outdir, *selected = args
    os.makedirs(outdir, exist_ok=True)
    users = {
        "admin": Odoo(base, db, "admin", "admin"),
        "cs": Odoo(base, db, "cs1", "cs1"),
    }
    for odoo in users.values():
        odoo.call("res.users", "write", [odoo.uid], {"lang": "id_ID"})
    take(base, users, selected, outdir)
    if "--readme" in flags:
        shutil.copy(
            os.path.join(outdir, "dashboard.png"),
            os.path.join(ROOT, "roms_reports/static/description/dashboard.png"),
        )
    if "--extreme" in flags:
        order, product = add_extreme_order(users["admin"])
        try:
            take(
                base,
                users,
                [n for n in EXTREME_SCREENS if not selected or n in selected],
                outdir,
                suffix="_extreme",
            )
        finally:
            remove_extreme_order(users["admin"], order, product)


if __name__ == "__main__":
    main(sys.argv[1:])
