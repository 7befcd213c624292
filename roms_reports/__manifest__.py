{
    "name": "ROMS Reports",
    "summary": "The ROMS dashboard and reports: top customers, geography, sales, "
    "stock and retention, exportable to Excel",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/roms-odoo/roms",
    "author": "ROMS",
    "maintainers": ["roms"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["roms_whatsapp", "roms_loyalty"],
    "data": [
        "views/roms_reports_menus.xml",
    ],
}
