from odoo import fields, models
from odoo.exceptions import UserError


class ProductTemplate(models.Model):
    _inherit = "product.template"

    roms_low_stock_threshold = fields.Float(
        string="Low Stock Threshold",
        digits="Product Unit of Measure",
        help="The ROMS admins are alerted when the free quantity falls below this.",
    )
    roms_low_stock_alerted = fields.Boolean(
        string="Low Stock Alerted",
        copy=False,
        readonly=True,
        help="Set when the admins were alerted; cleared when stock is back above the "
        "threshold, so each crossing alerts once.",
    )
    roms_low_stock = fields.Boolean(
        string="Low Stock",
        compute="_compute_roms_low_stock",
        search="_search_roms_low_stock",
    )

    roms_review_ids = fields.One2many(
        "roms.product.review", "product_tmpl_id", string="Reviews"
    )
    roms_review_count = fields.Integer(
        string="Published Reviews", compute="_compute_roms_reviews"
    )
    roms_rating_avg = fields.Float(
        # not the "Average Rating" of Odoo's rating module (eCommerce's reviews)
        string="Average Review Rating",
        compute="_compute_roms_reviews",
        digits=(3, 1),
        help="Average of the published reviews, from 1 to 5 stars.",
    )

    def _compute_roms_low_stock(self):
        for product in self:
            product.roms_low_stock = bool(
                product.roms_low_stock_threshold
                and product.is_storable
                and sum(product.product_variant_ids.mapped("free_qty"))
                < product.roms_low_stock_threshold
            )

    def _search_roms_low_stock(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on low stock."))
        watched = self.search(
            [("roms_low_stock_threshold", ">", 0), ("is_storable", "=", True)]
        )
        low = watched.filtered("roms_low_stock")
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", low.ids)]

    def _roms_check_low_stock(self):
        """Alert the ROMS admins once when a product's free quantity falls below
        its threshold; re-arm the alert when it is back above."""
        watched = self.filtered(
            lambda p: p.roms_low_stock_threshold > 0 and p.is_storable
        )
        # quantities just changed: read them afresh
        watched.product_variant_ids.invalidate_recordset(["free_qty", "qty_available"])
        watched.invalidate_recordset(["roms_low_stock"])
        crossed = watched.filtered(
            lambda p: p.roms_low_stock and not p.roms_low_stock_alerted
        )
        recovered = watched.filtered(
            lambda p: p.roms_low_stock_alerted and not p.roms_low_stock
        )
        recovered.sudo().roms_low_stock_alerted = False
        if not crossed:
            return
        admins = self.env.ref("roms_crm.group_roms_admin").users.filtered(
            lambda u: (
                u.active and not u.share and u.id != self.env.ref("base.user_root").id
            )
        )
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        for product in crossed.sudo():
            free = sum(product.product_variant_ids.mapped("free_qty"))
            for admin in admins:
                product.activity_schedule(
                    activity_type_id=activity_type.id,
                    user_id=admin.id,
                    summary=self.env._(
                        "Low stock: %(product)s (%(free)s left, threshold "
                        "%(threshold)s)",
                        product=product.display_name,
                        free=free,
                        threshold=product.roms_low_stock_threshold,
                    ),
                )
        crossed.sudo().roms_low_stock_alerted = True

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
