from odoo import http
from odoo.http import request

from odoo.addons.roms_crm.tools.replica import replicated


class RomsReportsController(http.Controller):
    @http.route(
        "/roms_reports/export/<int:export_id>",
        type="http",
        auth="user",
        methods=["GET"],
        # made from reads only: on the read replica when there is one
        readonly=True,
    )
    def roms_export(self, export_id):
        """The .xlsx file of a report export, made now (roms.download.mixin)."""
        # the wizard was just created on the primary: the request moves there when
        # the replica has not replayed it yet
        export = replicated(request.env["roms.report.export"].browse(export_id))
        # somebody else's export answers as one that does not exist: the id
        # tells nothing
        if not export or not export.has_access("read"):
            raise request.not_found()
        return export._download_response("file", export.file_name)
