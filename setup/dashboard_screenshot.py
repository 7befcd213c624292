"""Screenshot of the ROMS dashboard (roms_reports) for the README.

Usage: .venv/bin/python setup/dashboard_screenshot.py http://127.0.0.1:8069 DB OUTDIR

Logs in as the demo admin (admin/admin), opens the ROMS dashboard in headless
Chromium at 1440x1000 and saves ``dashboard.png`` in OUTDIR.
"""

import sys

from portal_screenshots import capture, login


def main(base, db, outdir):
    capture(
        base,
        login(base, db, "admin", "admin"),
        [("dashboard", "/odoo/action-roms_reports.roms_dashboard_action", "body")],
        outdir,
        size=(1440, 1000),
        mobile=False,
    )


if __name__ == "__main__":
    main(*sys.argv[1:4])
