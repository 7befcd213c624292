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

    def _preview_sample_values(self):
        values = super()._preview_sample_values()
        values["tracking_link"] = "https://cekresi.com/?noresi=CGK1234567890"
        return values
