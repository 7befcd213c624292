{
    "name": "ROMS Reports",
    "summary": "The ROMS dashboard and reports: top customers, geography, sales, "
    "stock and retention, exportable to Excel",
    "version": "18.0.1.1.0",
    "category": "Sales/CRM",
    "website": "https://github.com/roms-odoo/roms",
    "author": "ROMS",
    "maintainers": ["roms"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["roms_whatsapp"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/ir.model.access.csv",
        "security/ir_rules.xml",
        "data/roms_city_alias_data.xml",
        "views/roms_wizard_views.xml",
        "views/roms_report_views.xml",
        "views/roms_dashboard_views.xml",
        "views/roms_reports_menus.xml",
    ],
    "post_init_hook": "post_init_hook",
    "assets": {
        "web.assets_backend": [
            "roms_reports/static/src/core/*",
            "roms_reports/static/src/dashboard/*",
        ],
        "web.assets_unit_tests": [
            "roms_reports/static/tests/roms_test_helpers.js",
            "roms_reports/static/tests/*.test.js",
        ],
        "web.assets_tests": [
            "roms_reports/static/tests/tours/*.js",
        ],
    },
}
