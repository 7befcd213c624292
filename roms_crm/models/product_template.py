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

    roms_review_ids = fields.One2many(
        "roms.product.review", "product_tmpl_id", string="Reviews"
    )
    roms_review_count = fields.Integer(
        string="Published Reviews", compute="_compute_roms_reviews"
    )
    roms_rating_avg = fields.Float(
        string="Average Rating",
        compute="_compute_roms_reviews",
        digits=(3, 1),
        help="Average of the published reviews, from 1 to 5 stars.",
    )

    def _compute_roms_reviews(self):
        stats = {
            product.id: (count, avg)
            for product, count, avg in self.env["roms.product.review"]
            .sudo()
            ._read_group(
                [("product_tmpl_id", "in", self.ids), ("state", "=", "published")],
                ["product_tmpl_id"],
                ["__count", "rating:avg"],
            )
        }
        for product in self:
            count, avg = stats.get(product.id, (0, 0.0))
            product.roms_review_count = count
            product.roms_rating_avg = avg or 0.0

    def action_roms_reviews(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "roms_crm.roms_product_review_action"
        )
        action["domain"] = [("product_tmpl_id", "=", self.id)]
        action["context"] = {"default_product_tmpl_id": self.id}
        return action
