from odoo import fields, models


class RomsMessageTemplate(models.Model):
    _inherit = "roms.message.template"

    roms_meta_template_name = fields.Char(
        string="Meta Template Name",
        help="Name of the approved WhatsApp template (Meta Business Manager) sent "
        "instead of free text through the Cloud API. Its body parameters {{1}}, "
        "{{2}}… receive this template's variables in the order they appear.",
    )
    roms_meta_template_lang = fields.Char(
        string="Meta Template Language",
        default="id",
        help="Language code of the approved template, e.g. id or en_US.",
    )
