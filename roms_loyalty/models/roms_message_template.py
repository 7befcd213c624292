from odoo import api, models


def format_points(points):
    """``1250`` → ``"1.250"`` (Indonesian thousands separator, whole points)."""
    value = round(points or 0)
    return f"{value:,}".replace(",", ".")


class RomsMessageTemplate(models.Model):
    _inherit = "roms.message.template"

    @api.model
    def _allowed_variables(self):
        return super()._allowed_variables() | {"points"}

    @api.model
    def _preview_sample_values(self):
        return dict(super()._preview_sample_values(), points=format_points(120))

    @api.model
    def _render_values(self, partner, order, product):
        values = super()._render_values(partner, order, product)
        customer = partner or (order.partner_id if order else partner)
        values["points"] = (
            format_points(customer.roms_loyalty_points) if customer else ""
        )
        return values
