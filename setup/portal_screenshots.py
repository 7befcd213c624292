"""Screenshots of the reseller portal at phone width (375 px) for the README.

Usage: .venv/bin/python setup/portal_screenshots.py http://127.0.0.1:8069 DB OUTDIR \
           [LOYALTY_OUTDIR]

Logs in as the demo reseller (reseller1), opens the catalogue and the reseller's last
order (scrolled to its fulfilment stage) in headless Chromium emulating a 375 px wide
phone, and saves ``portal_catalog.png`` and ``portal_order.png`` in OUTDIR. With
LOYALTY_OUTDIR, it also puts a product in the cart and saves the cart's points block
as ``portal_cart_points.png`` there.
"""

import base64
import json
import re
import subprocess
import sys
import tempfile
import time

import requests
import websocket

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


def capture(base, session, pages, outdir, size=(WIDTH, HEIGHT), mobile=True):
    """Open each (name, url, anchor) of ``pages`` in headless Chromium logged in
    with ``session``, scroll to ``anchor`` and save ``OUTDIR/<name>.png``."""
    width, height = size
    # Chromium may still write to its profile while it quits
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        chrome = subprocess.Popen(
            [
                "chromium",
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--remote-debugging-port=9333",
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
                    targets = requests.get("http://127.0.0.1:9333/json").json()
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
            for name, url, anchor in pages:
                # the first visit builds the asset bundles: load each page twice
                for _visit in range(2):
                    send("Page.navigate", url=base + url)
                    time.sleep(6 if mobile else 10)
                send(
                    "Runtime.evaluate",
                    expression=f"document.querySelector('{anchor}')"
                    ".scrollIntoView({block: 'start'})",
                )
                time.sleep(1)
                shot = send("Page.captureScreenshot", format="png")
                with open(f"{outdir}/{name}.png", "wb") as image:
                    image.write(base64.b64decode(shot["data"]))
            ws.close()
        finally:
            chrome.terminate()
            chrome.wait()


def fill_cart(base, session):
    """Put two of the first catalogue product in the reseller's cart."""
    catalog = session.get(f"{base}/my/catalog").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', catalog).group(1)
    product = re.search(r'name="qty_(\d+)"', catalog).group(1)
    session.post(
        f"{base}/my/catalog/cart/add",
        data={"csrf_token": token, f"qty_{product}": "2"},
    )


def main(base, db, outdir, loyalty_outdir=None):
    """``loyalty_outdir``: also fill the cart and capture its points block there
    (``portal_cart_points.png``, with roms_loyalty installed)."""
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
            [("portal_cart_points", "/my/catalog/cart", "#roms_points")],
            loyalty_outdir,
        )


if __name__ == "__main__":
    main(*sys.argv[1:5])
