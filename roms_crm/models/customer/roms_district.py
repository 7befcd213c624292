from odoo import api, fields, models


class RomsDistrict(models.Model):
    """A district (kecamatan) of an Indonesian city or regency."""

    _name = "roms.district"
    _description = "District"
    _order = "name, id"
    _rec_names_search = ["name", "code"]

    name = fields.Char(required=True, index=True)
    code = fields.Char(
        index=True,
        help="Official area code of the district (Kemendagri), e.g. 32.73.01.",
    )
    city_id = fields.Many2one(
        "res.city",
        string="City/Regency",
        required=True,
        ondelete="restrict",
        index=True,
    )
    state_id = fields.Many2one(
        related="city_id.state_id", string="Province", store=True, index=True
    )
    country_id = fields.Many2one(related="city_id.country_id", store=True)

    _sql_constraints = [
        ("code_uniq", "unique(code)", "A district with this code already exists."),
    ]

    @api.depends("name", "city_id.name")
    def _compute_display_name(self):
        for district in self:
            district.display_name = (
                f"{district.name}, {district.city_id.name}"
                if district.city_id
                else district.name
            )
