from odoo import http
from odoo.http import request


class RomsReportsController(http.Controller):
    @http.route(
        "/roms_reports/export/<int:export_id>",
        type="http",
        auth="user",
        methods=["GET"],
    )
    def roms_export(self, export_id):
        """The .xlsx file of a report export, made now (roms.download.mixin)."""
        export = request.env["roms.report.export"].browse(export_id).exists()
        if not export:
            raise request.not_found()
        return export._download_response("file", export.file_name)
