from odoo import api, fields, models


class LoyaltyRule(models.Model):
    _inherit = "loyalty.rule"

    roms_managed = fields.Boolean(related="program_id.roms_managed")
    roms_per_amount = fields.Monetary(
        string="For Every",
        currency_field="currency_id",
        default=100000,
        help="Spend-based rule: each whole block of this amount earns the rule's "
        "points; what is left over earns nothing.",
    )
    roms_per_qty = fields.Integer(
        string="For Each (units)",
        default=1,
        help="Product-based rule: each whole group of this many units of one of the "
        "rule's products earns the rule's points.",
    )
    roms_summary = fields.Char(string="In Plain Words", compute="_compute_roms_summary")

    _sql_constraints = [
        (
            "roms_per_amount_positive",
            "CHECK (roms_per_amount IS NULL OR roms_per_amount > 0)",
            "The spend block of a rule must be above zero.",
        ),
        (
            "roms_per_qty_positive",
            "CHECK (roms_per_qty IS NULL OR roms_per_qty > 0)",
            "The number of units of a product rule must be above zero.",
        ),
    ]

    def _roms_applies_to_all_products(self):
        self.ensure_one()
        return (
            not self.product_ids
            and not self.product_category_id
            and not self.product_tag_id
            and (self.product_domain or "[]") == "[]"
        )

    @api.depends(
        "roms_managed",
        "reward_point_mode",
        "reward_point_amount",
        "roms_per_amount",
        "roms_per_qty",
        "product_ids",
        "product_category_id",
        "product_tag_id",
        "currency_id",
        "program_id.roms_tax_included",
        "mode",
    )
    def _compute_roms_summary(self):
        for rule in self:
            if not rule.roms_managed:
                rule.roms_summary = False
                continue
            points = f"{rule.reward_point_amount:g}"
            if rule._roms_applies_to_all_products():
                products = self.env._("any product")
            else:
                names = rule.product_ids.mapped("display_name")
                if rule.product_category_id:
                    names.append(rule.product_category_id.display_name)
                if rule.product_tag_id:
                    names.append(rule.product_tag_id.display_name)
                products = ", ".join(names) or self.env._("the chosen products")
            if rule.reward_point_mode == "money":
                amount = rule.currency_id.format(rule.roms_per_amount or 0)
                if rule.program_id.roms_tax_included:
                    summary = self.env._(
                        "Every %(amount)s spent on %(products)s (tax included) earns "
                        "%(points)s points; only whole blocks count.",
                        amount=amount,
                        products=products,
                        points=points,
                    )
                else:
                    summary = self.env._(
                        "Every %(amount)s spent on %(products)s (tax excluded) earns "
                        "%(points)s points; only whole blocks count.",
                        amount=amount,
                        products=products,
                        points=points,
                    )
            elif rule.reward_point_mode == "unit":
                summary = self.env._(
                    "Each %(qty)s × the same product among %(products)s earns "
                    "%(points)s points.",
                    qty=rule.roms_per_qty or 0,
                    products=products,
                    points=points,
                )
            else:
                summary = self.env._(
                    "Each order with %(products)s earns %(points)s points.",
                    products=products,
                    points=points,
                )
            if rule.mode == "with_code":
                summary = self.env._(
                    "%(summary)s (Only with a code: ROMS does not award it.)",
                    summary=summary,
                )
            rule.roms_summary = summary
