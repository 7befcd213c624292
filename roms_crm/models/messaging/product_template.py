from odoo import api, fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    roms_cross_sell_text = fields.Text(
        string="Cross-sell Recommendation",
        translate=True,
        help="A sentence added to repeat-order reminders as {recommendation}, e.g. "
        '"Kak, sekalian Gula Aren-nya biar makin nikmat!"',
    )
    roms_cross_sell_preview = fields.Text(
        string="In a Reminder",
        compute="_compute_roms_cross_sell_preview",
        help="How the recommendation reads at the end of a repeat-order reminder.",
    )

    @api.depends("name", "roms_cross_sell_text")
    def _compute_roms_cross_sell_preview(self):
        for product in self:
            product.roms_cross_sell_preview = (
                self.env._(
                    "Hi Budi, your %(product)s should be running low by now. "
                    "Order again?\n%(recommendation)s",
                    product=product.name,
                    recommendation=product.roms_cross_sell_text,
                )
                if product.roms_cross_sell_text
                else False
            )
