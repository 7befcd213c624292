{
    "name": "ROMS Loyalty",
    "summary": "Loyalty programs for ROMS on Odoo's loyalty engine: spend and product "
    "earning, customer-category rules, reward tiers with gifts, points ledger",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/roms-odoo/roms",
    "author": "ROMS",
    "maintainers": ["roms"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["roms_crm", "sale_loyalty"],
    "data": [
        "views/roms_loyalty_menus.xml",
    ],
}
