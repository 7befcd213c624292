"""Screenshot of the ROMS dashboard (roms_reports) for the README.

Usage: .venv/bin/python setup/dashboard_screenshot.py http://127.0.0.1:8069 DB OUTDIR

Logs in as the demo admin (admin/admin), opens the ROMS dashboard in headless
Chromium at 1440x1000 and saves ``dashboard.png`` in OUTDIR.
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

WIDTH, HEIGHT = 1440, 1000


def login(base, db):
    session = requests.Session()
    page = session.get(f"{base}/web/login", params={"db": db}).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    session.post(
        f"{base}/web/login",
        data={"login": "admin", "password": "admin", "csrf_token": token},
    )
    return session


def main(base, db, outdir):
    session = login(base, db)
    with tempfile.TemporaryDirectory() as profile:
        chrome = subprocess.Popen(
            [
                "chromium",
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--remote-debugging-port=9334",
                f"--user-data-dir={profile}",
                f"--window-size={WIDTH},{HEIGHT}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _attempt in range(50):
                try:
                    targets = requests.get("http://127.0.0.1:9334/json").json()
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
                width=WIDTH,
                height=HEIGHT,
                deviceScaleFactor=1,
                mobile=False,
            )
            host = re.sub(r"^https?://([^:/]+).*$", r"\1", base)
            send(
                "Network.setCookie",
                name="session_id",
                value=session.cookies["session_id"],
                domain=host,
                path="/",
            )
            for name, url, anchor in (
                ("dashboard", "/odoo/action-roms_reports.roms_dashboard_action", "body"),
            ):
                # the first visit builds the asset bundles: load each page twice
                for _visit in range(2):
                    send("Page.navigate", url=base + url)
                    time.sleep(10)
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


if __name__ == "__main__":
    main(*sys.argv[1:4])
