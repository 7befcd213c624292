"""Screenshots of the agents' figures (roms_whatsapp, roms_reports) for the README,
at 1440x900 in Indonesian.

Usage: .venv/bin/python setup/inbox_metrics_screenshots.py http://127.0.0.1:8069 DB OUTDIR

Run ``setup/inbox_metrics_screenshot_data.py`` on DB first. Saves, as the demo
admin, ``metrics_dashboard.png`` (the dashboard with today's median first response)
and ``metrics_report.png`` / ``metrics_report_list.png`` (Agent Performance: the
pivot per agent and week, and the list per agent and day).
"""

import sys

from inbox_screenshots import shoot
from portal_screenshots import login


def main(base, db, outdir):
    admin = login(base, db, "admin", "admin")
    dashboard = "/odoo/action-roms_reports.roms_dashboard_action"
    shoot(
        base,
        admin,
        [("go", dashboard), ("go", dashboard)],
        f"{outdir}/metrics_dashboard.png",
    )
    report = "/odoo/action-roms_whatsapp.roms_whatsapp_agent_report_action"
    shoot(base, admin, [("go", report), ("go", report)], f"{outdir}/metrics_report.png")
    shoot(
        base,
        admin,
        [("go", report), ("go", report), ("click", ".o_switch_view.o_list")],
        f"{outdir}/metrics_report_list.png",
    )


if __name__ == "__main__":
    main(*sys.argv[1:4])
