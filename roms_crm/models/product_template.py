from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    roms_cross_sell_text = fields.Text(
        string="Cross-sell Recommendation",
        translate=True,
        help="A sentence added to repeat-order reminders as {recommendation}, e.g. "
        '"Kak, sekalian Gula Aren-nya biar makin nikmat!"',
    )
    roms_low_stock_threshold = fields.Float(
        string="Low Stock Threshold",
        digits="Product Unit of Measure",
        help="The ROMS admins are alerted when the free quantity falls below this.",
    )
