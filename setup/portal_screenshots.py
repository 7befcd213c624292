"""Screenshots of the reseller portal, on a phone (375x812) and on a desktop
(1440x900), in Indonesian, for the README and for checking every portal screen.

Usage: .venv/bin/python setup/portal_screenshots.py http://127.0.0.1:8069 DB OUTDIR \
           [LOYALTY_OUTDIR [SET_DIR]]

Logs in as the demo reseller (reseller1) and saves in OUTDIR the README's
``portal_catalog.png`` (the catalogue with its product photos) and
``portal_order.png`` (the reseller's last order at its fulfilment stage). With
LOYALTY_OUTDIR, it also fills the cart and saves its points block as
``portal_cart_points.png`` there, and the points page as ``portal_points.png``.
With SET_DIR, it also takes the whole set, each page at both sizes
(``<name>_phone.png``, ``<name>_desktop.png``):

* ``home``: the portal home, the company's logo in the header;
* ``catalog``: the catalogue with the products' photos;
* ``cart``: the cart, its one-line delivery addresses and the points block;
* ``order_placed``: the order just placed (with the note "Tolong kirim via J&T ya"),
  the success message first; ``order_note``: the same order at its "Catatan";
* ``points`` and ``points_ledger``: the points page, numbers in Indonesian, what a
  point is worth, the ledger;
* ``refund``: a delivered order's refund form with its photo field;
* ``refund_backend`` (desktop only, as admin): a refund request sent from the portal
  with a photo, as the shop sees it.

Placing the order and sending the refund request write to DB: use a demo database.
"""

import base64
import contextlib
import io
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import websocket
from PIL import Image

WIDTH, HEIGHT = 375, 812


def login(base, db, user="reseller1", password="reseller1"):
    session = requests.Session()
    page = session.get(f"{base}/web/login", params={"db": db}).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    session.post(
        f"{base}/web/login",
        data={"login": user, "password": password, "csrf_token": token},
    )
    return session


@contextlib.contextmanager
def browser(base, session, size=(WIDTH, HEIGHT), mobile=True):
    """Headless Chromium at ``size`` (a phone when ``mobile``) logged in with
    ``session`` on ``base``; yields ``send(method, **params)``, which runs one
    DevTools command and returns its result."""
    width, height = size
    # a port of its own: other screenshot runs may be going on
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Chromium may still write to its profile while it quits
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        chrome = subprocess.Popen(
            [
                "chromium",
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _attempt in range(50):
                try:
                    targets = requests.get(f"http://127.0.0.1:{port}/json").json()
                    break
                except requests.ConnectionError:
                    time.sleep(0.2)
            target = next(t for t in targets if t["type"] == "page")
            ws = websocket.create_connection(target["webSocketDebuggerUrl"])
            ids = iter(range(1, 1000))

            def send(method, **params):
                msg_id = next(ids)
                ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
                while True:
                    message = json.loads(ws.recv())
                    if message.get("id") == msg_id:
                        return message.get("result", {})

            send(
                "Emulation.setDeviceMetricsOverride",
                width=width,
                height=height,
                deviceScaleFactor=2 if mobile else 1,
                mobile=mobile,
            )
            host = re.sub(r"^https?://([^:/]+).*$", r"\1", base)
            send(
                "Network.setCookie",
                name="session_id",
                value=session.cookies["session_id"],
                domain=host,
                path="/",
            )
            yield send
            ws.close()
        finally:
            chrome.terminate()
            chrome.wait()


def save_screenshot(send, path):
    """Save the page of ``send``'s browser as the PNG ``path``."""
    shot = send("Page.captureScreenshot", format="png")
    # OUTDIR as the usage lines name it: made if it does not exist yet
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "wb") as image:
        image.write(base64.b64decode(shot["data"]))


def capture(
    base, session, pages, outdir, size=(WIDTH, HEIGHT), mobile=True, before=None
):
    """Open each (name, url, anchor) of ``pages`` in headless Chromium logged in
    with ``session``, run the script ``before`` (if any), scroll to ``anchor``
    (not for ``body``: the top of the page) and save ``OUTDIR/<name>.png``."""
    with browser(base, session, size, mobile) as send:
        for name, url, anchor in pages:
            # the first visit builds the asset bundles: load each page twice,
            # then wait for the anchor (the web client renders late)
            for _visit in range(2):
                send("Page.navigate", url=base + url)
                time.sleep(6 if mobile else 10)
            for _second in range(90):
                found = send(
                    "Runtime.evaluate",
                    expression=f"!!document.querySelector('{anchor}')",
                    returnByValue=True,
                )
                if found.get("result", {}).get("value"):
                    break
                time.sleep(1)
            if before:
                send("Runtime.evaluate", expression=before)
            if anchor != "body":
                send(
                    "Runtime.evaluate",
                    expression=f"document.querySelector('{anchor}')"
                    ".scrollIntoView({block: 'start'})",
                )
            time.sleep(1)
            save_screenshot(send, f"{outdir}/{name}.png")


def fill_cart(base, session):
    """Put two of the first catalogue product in the reseller's cart."""
    catalog = session.get(f"{base}/my/catalog").text
    token = csrf(catalog)
    product = re.search(r'name="qty_(\d+)"', catalog).group(1)
    session.post(
        f"{base}/my/catalog/cart/add",
        data={"csrf_token": token, f"qty_{product}": "2"},
    )


def csrf(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def place_order(base, session):
    """Place the cart with the reseller's note; the order's portal URL."""
    cart = session.get(f"{base}/my/catalog/cart").text
    address = re.search(r'<option[^>]*value="(\d+)"', cart).group(1)
    response = session.post(
        f"{base}/my/catalog/cart/place",
        data={
            "csrf_token": csrf(cart),
            "address_id": address,
            "note": "Tolong kirim via J&T ya",
        },
    )
    return response.url[len(base) :]


def delivered_order(base, db):
    """The id of a delivered order of reseller1's company that can still be
    refunded (read as admin over JSON-RPC)."""
    admin = login(base, db, "admin", "admin")
    reply = admin.post(
        f"{base}/web/dataset/call_kw",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "model": "sale.order",
                "method": "search_read",
                "args": [
                    [
                        ("partner_id.user_ids.login", "=", "reseller1"),
                        ("roms_stage", "=", "delivered"),
                        ("roms_refund_request_ids", "=", False),
                    ],
                    ["id"],
                ],
                "kwargs": {"limit": 1, "order": "date_order desc"},
            },
        },
    ).json()
    return admin, reply["result"][0]["id"]


def send_refund(base, session, order_id):
    """Send a refund request of one unit of the order's first line, with a
    photo of the goods; the id of the request (read back by the admin)."""
    page = session.get(f"{base}/my/orders/{order_id}").text
    line = re.search(r'name="qty_(\d+)"', page).group(1)
    image = io.BytesIO()
    # a demo product's picture stands for the photo of the goods
    picture = Path(__file__).resolve().parent.parent / "roms_crm/static/img/demo"
    with Image.open(picture / "gula_aren_cair_500ml.png") as photo:
        photo.convert("RGB").save(image, "JPEG")
    session.post(
        f"{base}/my/orders/{order_id}/refund",
        data={
            "csrf_token": csrf(page),
            f"qty_{line}": "1",
            "reason": "Kemasan sobek saat diterima, biji kopi tumpah.",
        },
        files=[("photos", ("kemasan-sobek.jpg", image.getvalue(), "image/jpeg"))],
    )


def take_set(base, db, session, set_dir):
    """Every portal screen of the set, at both sizes."""
    admin, refundable = delivered_order(base, db)
    fill_cart(base, session)
    pages = [
        ("home", "/my", "body"),
        ("catalog", "/my/catalog", ".o_roms_catalog"),
        ("cart", "/my/catalog/cart", ".o_roms_cart"),
        ("points", "/my/points", "#roms_points_balance"),
        ("points_ledger", "/my/points", "#roms_points_ledger"),
        ("refund", f"/my/orders/{refundable}", "#roms_refund"),
    ]
    show_refund_form = (
        "document.querySelector('#roms_refund_form')?.classList.add('show')"
    )
    for mobile, size, suffix in (
        (True, (WIDTH, HEIGHT), "phone"),
        (False, (1440, 900), "desktop"),
    ):
        capture(
            base,
            session,
            [(f"{name}_{suffix}", url, anchor) for name, url, anchor in pages],
            set_dir,
            size=size,
            mobile=mobile,
            before=show_refund_form,
        )
    placed = place_order(base, session)
    for mobile, size, suffix in (
        (True, (WIDTH, HEIGHT), "phone"),
        (False, (1440, 900), "desktop"),
    ):
        capture(
            base,
            session,
            [
                (f"order_placed_{suffix}", placed, "body"),
                (f"order_note_{suffix}", placed, "#roms_customer_note"),
            ],
            set_dir,
            size=size,
            mobile=mobile,
        )
    send_refund(base, session, refundable)
    reply = admin.post(
        f"{base}/web/dataset/call_kw",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "model": "roms.refund.request",
                "method": "search_read",
                "args": [[("order_id", "=", refundable)], ["id"]],
                "kwargs": {"limit": 1},
            },
        },
    ).json()
    refund_id = reply["result"][0]["id"]
    capture(
        base,
        admin,
        [
            (
                "refund_backend_desktop",
                f"/odoo/action-roms_crm.roms_refund_request_action/{refund_id}",
                ".o-mail-Chatter .o-mail-Message",
            )
        ],
        set_dir,
        size=(1440, 900),
        mobile=False,
    )


def main(base, db, outdir, loyalty_outdir=None, set_dir=None):
    """``loyalty_outdir``: also fill the cart and capture its points block there
    (``portal_cart_points.png``, with roms_loyalty installed); ``set_dir``: the
    whole set."""
    session = login(base, db)
    orders = session.get(f"{base}/my/orders").text
    order_url = re.search(r'href="(/my/orders/\d+[^"]*)"', orders).group(1)
    order_url = order_url.replace("&amp;", "&")
    capture(
        base,
        session,
        [
            ("portal_catalog", "/my/catalog", ".o_roms_catalog"),
            ("portal_order", order_url, "#roms_fulfilment"),
        ],
        outdir,
    )
    if loyalty_outdir:
        fill_cart(base, session)
        capture(
            base,
            session,
            [
                ("portal_cart_points", "/my/catalog/cart", "#roms_points"),
                ("portal_points", "/my/points", "body"),
            ],
            loyalty_outdir,
        )
    if set_dir:
        take_set(base, db, session, set_dir)


if __name__ == "__main__":
    main(*sys.argv[1:6])
