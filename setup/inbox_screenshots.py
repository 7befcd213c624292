"""Screenshots of the WhatsApp inbox (roms_whatsapp) for the README, at 1440x900.

Usage: .venv/bin/python setup/inbox_screenshots.py http://127.0.0.1:8069 DB OUTDIR

Run ``setup/inbox_screenshot_data.py`` on DB first. Saves ``inbox_discuss.png``
(cs1 in Discuss: the offline banner with the waiting count, the WhatsApp section's
views with their counts, a conversation with its customer panel — status, actions,
labels, note —, a reply that failed while the account was disconnected and the
composer's quick-reply picker), ``inbox_template.png`` (a conversation whose Cloud
API window is closed: the approved template picker) and ``inbox_list.png`` (the
admin's list of conversations).
"""

import base64
import json
import os
import re
import subprocess
import sys
import tempfile
import time

import requests
import websocket
from portal_screenshots import login

WIDTH, HEIGHT = 1440, 900
# another port (ROMS_DEBUG_PORT) when several screenshot runs share the machine
DEBUG_PORT = int(os.environ.get("ROMS_DEBUG_PORT", "9391"))


def shoot(base, session, steps, path):
    """Open Chromium logged in with ``session``, run ``steps`` — ("go", url),
    ("click", css selector) or ("wait", seconds) — and save the page to ``path``."""
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        chrome = subprocess.Popen(
            [
                "chromium",
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                f"--remote-debugging-port={DEBUG_PORT}",
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
                    targets = requests.get(f"http://127.0.0.1:{DEBUG_PORT}/json").json()
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
            send(
                "Network.setCookie",
                name="session_id",
                value=session.cookies["session_id"],
                domain=re.sub(r"^https?://([^:/]+).*$", r"\1", base),
                path="/",
            )
            for kind, arg in steps:
                if kind == "go":
                    send("Page.navigate", url=base + arg)
                    time.sleep(15)
                elif kind == "click":
                    send(
                        "Runtime.evaluate",
                        expression=f"document.querySelector({json.dumps(arg)}).click()",
                    )
                    time.sleep(3)
                else:
                    time.sleep(arg)
            shot = send("Page.captureScreenshot", format="png")
            with open(path, "wb") as image:
                image.write(base64.b64decode(shot["data"]))
            ws.close()
        finally:
            chrome.terminate()
            chrome.wait()


def conversation(base, session, number):
    return session.post(
        f"{base}/web/dataset/call_kw",
        json={
            "params": {
                "model": "discuss.channel",
                "method": "search",
                "args": [[("roms_wa_number", "=", number)]],
                "kwargs": {},
            }
        },
    ).json()["result"][0]


def main(base, db, outdir):
    cs1 = login(base, db, "cs1", "cs1")
    channel = conversation(base, cs1, "+6281311110007")
    discuss = f"/odoo/discuss?active_id=discuss.channel_{channel}"
    steps = [("go", discuss), ("go", discuss)]  # the first visit builds the assets
    # the WhatsApp section's views with their counts, the customer panel with its
    # actions, and the composer's quick-reply picker open
    steps += [("click", ".o-roms-QuickRepliesButton")]
    shoot(base, cs1, steps, f"{outdir}/inbox_discuss.png")
    # the Cloud API's window is closed: an approved template instead of free text
    channel = conversation(base, cs1, "+6281311110005")
    discuss = f"/odoo/discuss?active_id=discuss.channel_{channel}"
    shoot(base, cs1, [("go", discuss)], f"{outdir}/inbox_template.png")
    admin = login(base, db, "admin", "admin")
    action = "/odoo/action-roms_whatsapp.discuss_channel_action_roms_whatsapp_admin"
    steps = [("go", action), ("go", action)]
    # all open conversations, not grouped by agent
    steps += [("click", ".o_searchview_facet:nth-child(2) .o_facet_remove")]
    shoot(base, admin, steps, f"{outdir}/inbox_list.png")


if __name__ == "__main__":
    main(*sys.argv[1:4])
