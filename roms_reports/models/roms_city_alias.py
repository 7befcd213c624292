from odoo import api, fields, models


class RomsCityAlias(models.Model):
    """Another way customers type a city: "Jaksel" for Kota Administrasi Jakarta
    Selatan. Matched case-insensitively, spaces and punctuation ignored."""

    _name = "roms.city.alias"
    _description = "City Alias"
    _order = "name"

    name = fields.Char(string="Alias", required=True)
    city_id = fields.Many2one(
        "res.city", string="City/Regency", required=True, ondelete="cascade"
    )
    key = fields.Char(compute="_compute_key", store=True, index=True)

    _sql_constraints = [
        ("key_uniq", "unique(key)", "This alias already exists."),
    ]

    @api.depends("name")
    def _compute_key(self):
        for alias in self:
            alias.key = self.env["res.partner"]._roms_city_key(alias.name)

    @api.model_create_multi
    def create(self, vals_list):
        aliases = super().create(vals_list)
        if not self.env.context.get("install_mode"):  # the hook fills them once
            self.env["res.partner"]._roms_backfill_cities()
        return aliases

    def write(self, vals):
        result = super().write(vals)
        if {"name", "city_id"} & set(vals) and not self.env.context.get("install_mode"):
            self.env["res.partner"]._roms_backfill_cities()
        return result
