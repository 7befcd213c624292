"""Screenshot of a personal reorder link's page at phone width (375 px) for the README.

Usage: .venv/bin/python setup/reorder_screenshot.py http://127.0.0.1:8069 DB OUTDIR

Makes (through ``odoo-bin shell`` on DB) the reorder link of the last delivered demo
order of a customer who is not a reseller, opens it without logging in, in headless
Chromium emulating a 375 px wide phone, and saves ``reorder_link.png`` in OUTDIR.
"""

import os
import subprocess
import sys

import requests
from portal_screenshots import capture

SHELL_SCRIPT = """
order = env["sale.order"].search(
    [("roms_stage", "=", "delivered"),
     ("partner_id.roms_category", "=", "customer"),
     ("order_line.product_id.sale_ok", "=", True)],
    order="roms_delivered_date desc, id desc", limit=1)
link = env["roms.reorder.link"]._get_or_create(order.partner_id, order.order_line)
env.cr.commit()
print("ROMS_LINK", link._url().split("/", 3)[3])
"""


def make_link(db):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    odoo_path = os.environ.get(
        "ODOO_PATH", os.path.expanduser("~/.local/share/roms/odoo-18.0")
    )
    result = subprocess.run(
        [
            os.path.join(root, ".venv/bin/python"),
            os.path.join(odoo_path, "odoo-bin"),
            "shell",
            "-c",
            os.path.join(root, ".odoo.conf"),
            "-d",
            db,
            "--no-http",
            "--log-level=warn",
        ],
        input=SHELL_SCRIPT,
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("ROMS_LINK"))
    return "/" + line.split()[1]


def main(base, db, outdir):
    path = make_link(db)
    session = requests.Session()
    session.get(f"{base}/web/login", params={"db": db})
    capture(base, session, [("reorder_link", path, ".o_roms_reorder")], outdir)


if __name__ == "__main__":
    main(*sys.argv[1:4])
