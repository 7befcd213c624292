from odoo import fields, models

from .res_partner import ROMS_CATEGORIES


class RomsCustomerCategory(models.Model):
    """The customer categories (``res.partner.roms_category``) as records, so
    that several of them can be chosen at once (broadcast audiences)."""

    _name = "roms.customer.category"
    _description = "Customer Category"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(ROMS_CATEGORIES, required=True)
    sequence = fields.Integer(default=10)

    _sql_constraints = [
        ("code_uniq", "unique(code)", "Another category already has this code."),
    ]
