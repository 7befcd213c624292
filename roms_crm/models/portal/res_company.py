from odoo import models


class ResCompany(models.Model):
    _inherit = "res.company"

    def cache_invalidation_fields(self):
        # the portal header, rendered once per company (t-cache), shows the logo
        # or, without one, the company's name
        return super().cache_invalidation_fields() | {"logo", "name"}
