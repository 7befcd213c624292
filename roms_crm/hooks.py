from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column


def pre_init_hook(env):
    """Create the ROMS partner columns before Odoo fills them with their defaults.

    Contacts that exist before ROMS is installed (companies, users, suppliers) are not
    classified as customers, and they joined when they were created, not today.
    Creating the columns here also spares a slow default fill on large contact tables.
    """
    cr = env.cr
    if not column_exists(cr, "res_partner", "roms_category"):
        create_column(cr, "res_partner", "roms_category", "varchar")
    if not column_exists(cr, "res_partner", "roms_join_date"):
        create_column(cr, "res_partner", "roms_join_date", "date")
        cr.execute(SQL("UPDATE res_partner SET roms_join_date = create_date::date"))
