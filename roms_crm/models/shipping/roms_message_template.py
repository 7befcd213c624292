from odoo import api, models


class RomsMessageTemplate(models.Model):
    _inherit = "roms.message.template"

    @api.model
    def _allowed_variables(self):
        return super()._allowed_variables() | {"tracking_link"}

    @api.model
    def _render_values(self, partner, order, product):
        values = super()._render_values(partner, order, product)
        values["tracking_link"] = order._roms_tracking_or_order_link() if order else ""
        return values
