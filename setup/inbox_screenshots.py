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

import json
import sys
import time

from portal_screenshots import browser, login, save_screenshot

WIDTH, HEIGHT = 1440, 900


def shoot(base, session, steps, path):
    """Open Chromium logged in with ``session``, run ``steps`` — ("go", url),
    ("click", css selector), ("scroll", css selector) or ("wait", seconds) — and
    save the page to ``path``."""
    with browser(base, session, (WIDTH, HEIGHT), mobile=False) as send:
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
            elif kind == "scroll":
                send(
                    "Runtime.evaluate",
                    expression=f"document.querySelector({json.dumps(arg)})"
                    ".scrollIntoView({block: 'start'})",
                )
                time.sleep(2)
            else:
                time.sleep(arg)
        save_screenshot(send, path)


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
