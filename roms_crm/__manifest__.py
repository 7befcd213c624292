{
    "name": "ROMS CRM",
    "summary": "Repeat-order CRM for Indonesian online shops: customers, segments, "
    "orders, messaging and the reseller portal",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/roms-odoo/roms",
    "author": "ROMS",
    "maintainers": ["roms"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "application": True,
    "depends": [
        "sale_management",
        "sale_stock",
        "contacts",
        "portal",
        "phone_validation",
        "base_address_extended",
    ],
    "data": [
        "security/roms_security.xml",
        "views/res_partner_views.xml",
        "views/product_template_views.xml",
        "views/sale_order_views.xml",
        "views/roms_menus.xml",
    ],
    "demo": [
        "demo/res_users_demo.xml",
        "demo/product_demo.xml",
        "demo/res_partner_demo.xml",
        "demo/sale_order_demo.xml",
    ],
    "pre_init_hook": "pre_init_hook",
    "assets": {
        "web.assets_tests": [
            "roms_crm/static/tests/tours/*.js",
        ],
    },
}
