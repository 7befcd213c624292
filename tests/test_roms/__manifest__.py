{
    "name": "ROMS cross-module tests",
    "summary": "Test-only addon: acceptance scenarios that span the four ROMS addons",
    "version": "18.0.1.1.0",
    "category": "Hidden/Tests",
    "website": "https://github.com/roms-odoo/roms",
    "author": "ROMS",
    "license": "LGPL-3",
    "depends": [
        "roms_crm",
        "roms_whatsapp",
        "roms_loyalty",
        "roms_reports",
        "payment_demo",
    ],
    "data": ["data/payment_provider_data.xml"],
}
