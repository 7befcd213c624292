{
    "name": "ROMS WhatsApp",
    "summary": "WhatsApp for ROMS: Cloud API and QR-code gateway accounts, webhook, "
    "live chat in Discuss with round-robin to online agents",
    "version": "18.0.1.3.0",
    "category": "Sales/CRM",
    "website": "https://github.com/roms-odoo/roms",
    "author": "ROMS",
    "maintainers": ["roms"],
    "license": "LGPL-3",
    "development_status": "Alpha",
    "depends": ["roms_crm", "mail"],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "security/roms_whatsapp_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "data/roms_whatsapp_rotation_data.xml",
        "data/roms_message_template_data.xml",
        "views/roms_whatsapp_account_views.xml",
        "views/roms_whatsapp_template_views.xml",
        "views/roms_message_template_views.xml",
        "views/discuss_channel_views.xml",
        "views/res_users_views.xml",
        "views/roms_whatsapp_agent_report_views.xml",
        "views/res_config_settings_views.xml",
        "views/roms_whatsapp_menus.xml",
        "views/roms_whatsapp_automation_views.xml",
    ],
    "demo": [
        "demo/roms_whatsapp_automation_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "roms_whatsapp/static/src/**/*",
        ],
        "web.assets_tests": [
            "roms_whatsapp/static/tests/tours/*.js",
        ],
    },
}
