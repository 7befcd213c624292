from odoo import http
from odoo.http import content_disposition, request

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RomsReportsController(http.Controller):
    @http.route(
        "/roms_reports/export/<int:export_id>",
        type="http",
        auth="user",
        methods=["GET"],
    )
    def roms_export(self, export_id):
        export = request.env["roms.report.export"].browse(export_id).exists()
        if not export:
            raise request.not_found()
        export.check_access("read")
        filename, content = export._roms_xlsx()
        return request.make_response(
            content,
            headers=[
                ("Content-Type", XLSX),
                ("Content-Disposition", content_disposition(filename)),
                ("Content-Length", len(content)),
            ],
        )
