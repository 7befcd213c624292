from odoo import fields, models


class ResCity(models.Model):
    _inherit = "res.city"
    # City and regency names are official names, the same in every language: data,
    # not terms. Keep the 514 shipped cities out of the translation export (this
    # also leaves out the labels of this model's own fields).
    _translate = False

    roms_code = fields.Char(
        string="Area Code",
        index=True,
        help="Official area code of the city or regency (Kemendagri), e.g. 32.73.",
    )

    _sql_constraints = [
        (
            "roms_code_uniq",
            "unique(roms_code)",
            "A city with this area code already exists.",
        ),
    ]
