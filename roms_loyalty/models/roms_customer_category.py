from odoo import fields, models

from odoo.addons.roms_crm.models.res_partner import ROMS_CATEGORIES


class RomsCustomerCategory(models.Model):
    """One record per customer category of ``res.partner.roms_category``, so that
    a loyalty program can be restricted to several of them."""

    _name = "roms.customer.category"
    _description = "Customer Category"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(ROMS_CATEGORIES, required=True)
    sequence = fields.Integer(default=10)

    _sql_constraints = [
        ("code_uniq", "unique(code)", "There is one record per customer category."),
    ]
