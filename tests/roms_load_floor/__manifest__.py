{
    "name": "ROMS load-test reference routes",
    "summary": "Test-only addon: the writing routes ./setup/load measures ROMS's "
    "webhook against",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tests",
    "website": "https://github.com/roms-odoo/roms",
    "author": "ROMS",
    "license": "LGPL-3",
    "depends": ["web"],
    "data": ["security/ir.model.access.csv"],
}
