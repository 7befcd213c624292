{
    "name": "ROMS Loyalty",
    "summary": "Loyalty programs for ROMS on Odoo's loyalty engine: spend and product "
    "earning, customer-category rules, reward tiers with gifts, points ledger",
    "version": "18.0.1.1.0",
    "category": "Sales/CRM",
    "website": "https://github.com/roms-odoo/roms",
    "author": "ROMS",
    "maintainers": ["roms"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["roms_crm", "sale_loyalty"],
    "data": [
        "security/ir.model.access.csv",
        "security/ir_rules.xml",
        "wizards/roms_loyalty_backfill_views.xml",
        "wizards/roms_loyalty_adjust_views.xml",
        "views/res_config_settings_views.xml",
        "views/loyalty_program_views.xml",
        "views/loyalty_card_views.xml",
        "views/loyalty_history_views.xml",
        "views/res_partner_views.xml",
        "views/roms_loyalty_gift_views.xml",
        "views/portal_templates.xml",
        "views/roms_loyalty_menus.xml",
    ],
    "demo": [
        "demo/loyalty_program_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "roms_loyalty/static/tests/tours/*.js",
        ],
    },
}
