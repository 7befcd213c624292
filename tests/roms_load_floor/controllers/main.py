"""The references of ``./setup/load``'s ``post`` and ``write`` scenarios: what
Odoo's request cycle alone costs a route that may write, and one that does,
under the same load as ROMS's signed webhook (a POST of the same size, answered
with the same JSON). Only the load database has this addon."""

from odoo import http
from odoo.http import request
from odoo.tools import SQL

ROUTE = {
    "type": "http",
    "auth": "none",
    "methods": ["POST"],
    "csrf": False,
    "save_session": False,
    "readonly": False,
}


def _ok():
    return request.make_response(
        '{"status": "ok"}', headers=[("Content-Type", "application/json")]
    )


class RomsLoadFloor(http.Controller):
    @http.route("/roms_load/post", **ROUTE)
    def roms_load_post(self):
        """Reads the body, writes nothing: a read-write transaction of Odoo's
        that sends no statement."""
        request.httprequest.get_data()
        return _ok()

    @http.route("/roms_load/write", **ROUTE)
    def roms_load_write(self):
        """Reads the body and stores one row, committed before the answer: the
        least any durable webhook does."""
        body = request.httprequest.get_data()
        request.env.cr.execute(
            SQL("INSERT INTO roms_load_write (body_size) VALUES (%s)", len(body))
        )
        return _ok()
