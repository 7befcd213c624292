"""Templates mapped by name to a Meta template (``roms_meta_template_name`` /
``roms_meta_template_lang`` on a ROMS message template) become WhatsApp template
records of every Cloud API account, taken as approved (they were being sent), with
the ROMS template's variables as {{1}}, {{2}}… in the order they appear, as the
mapping filled them. The next sync with Meta confirms their status and id."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["roms.whatsapp.template"]._migrate_name_mappings()
