"""Screenshots of WhatsApp automation (roms_whatsapp) for the README, at 1440x900.

Usage: .venv/bin/python setup/automation_screenshots.py http://127.0.0.1:8069 DB \\
           OUTDIR CONVERSATION_ID RULE_ID

Run ``setup/automation_screenshot_data.py`` on DB first (it prints both ids).
Saves ``automation_rule.png`` (the administrator's form of the Ongkir keyword
rule, with Coba aturan's result for a sample message) and ``automation_bot.png``
(cs1 in Discuss: the bot's welcome and menu, the customer's last orders, the
keyword reply labelled Otomatis, then the hand-over).
"""

import sys

from inbox_screenshots import shoot
from portal_screenshots import login


def main(base, db, outdir, conversation, rule):
    admin = login(base, db, "admin", "admin")
    form = f"/odoo/action-roms_whatsapp.roms_whatsapp_keyword_rule_action/{rule}"
    steps = [("go", form), ("go", form), ("wait", 10)]
    shoot(base, admin, steps, f"{outdir}/automation_rule.png")
    cs1 = login(base, db, "cs1", "cs1")
    discuss = f"/odoo/discuss?active_id=discuss.channel_{conversation}"
    shoot(base, cs1, [("go", discuss), ("go", discuss)], f"{outdir}/automation_bot.png")


if __name__ == "__main__":
    main(*sys.argv[1:6])
