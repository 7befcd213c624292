"""One conversation per customer number and account: the older threads of a number
(another format of it, or no account) are merged into its conversation; then the
uniqueness constraint, which duplicates kept Odoo from creating, is added."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    Channel = env["discuss.channel"]
    Channel._roms_wa_merge_duplicates()
    Channel.flush_model()
    Channel._add_sql_constraints()
