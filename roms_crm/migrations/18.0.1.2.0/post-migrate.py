"""18.0.1.2.0: the seeded reminder offers the personal reorder link, unless the shop
already changed its text (the record is not updated: noupdate)."""

from odoo import SUPERUSER_ID, api

OLD = (
    "Halo {customer_name}, bagaimana {product_name} Anda? Sepertinya sudah waktunya "
    "untuk pesan lagi. {recommendation} Balas pesan ini untuk memesan, kami siap "
    "membantu."
)
NEW = (
    "Halo {customer_name}, bagaimana {product_name} Anda? Sepertinya sudah waktunya "
    "untuk pesan lagi. {recommendation} Pesan lagi cukup sekali ketuk: "
    "{reorder_link} Atau balas pesan ini, kami siap membantu."
)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    template = env.ref("roms_crm.roms_message_template_reminder", False)
    if template and template.with_context(lang="en_US").body == OLD:
        template.with_context(lang="en_US").body = NEW
