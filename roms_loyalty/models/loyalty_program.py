import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_is_zero, float_round, format_date, formatLang

# context key of ROMS's "Loyalty Programs" action: loyalty programs made there are
# ROMS programs
ROMS_PROGRAM_CONTEXT = "roms_loyalty_program"


class LoyaltyProgram(models.Model):
    _inherit = "loyalty.program"

    roms_managed = fields.Boolean(
        string="ROMS Points",
        compute="_compute_roms_managed",
        store=True,
        readonly=False,
        precompute=True,
        copy=True,
        help="ROMS awards this program's points when an order is confirmed (backend, "
        "portal or API), counted per whole block, takes them back on cancellation "
        "and refunds with new lines in the points ledger, and shows the program in "
        "the customer portal. Odoo's own point counting is not used for it. Off, the "
        "program works as in Odoo's loyalty app. Loyalty programs created from the "
        "ROMS menu are ROMS programs; programs created in Odoo's loyalty app, and "
        "those that existed before ROMS was installed, are not until you switch this "
        "on.",
    )
    roms_tax_included = fields.Boolean(
        string="Points on Amount with Tax",
        default=True,
        help="Spend-based points are counted on the amount with tax when set, on the "
        "amount without tax otherwise.",
    )
    roms_category_ids = fields.Many2many(
        "roms.customer.category",
        string="Customer Categories",
        help="Only customers of these categories take part. Leave empty for all "
        "customers.",
    )
    roms_earning_summary = fields.Text(
        string="How Customers Earn Points",
        compute="_compute_roms_earning_summary",
    )

    @api.constrains("roms_managed", "program_type")
    def _check_roms_managed(self):
        if any(p.roms_managed and p.program_type != "loyalty" for p in self):
            raise ValidationError(
                self.env._("Only loyalty programs can earn ROMS points.")
            )

    @api.depends("program_type")
    def _compute_roms_managed(self):
        """Only loyalty programs can be ROMS programs; a new one is when it is made
        from ROMS's menu (its action's context), so that installing ROMS changes
        nothing in the programs of Odoo's own loyalty app, old or new."""
        from_roms = bool(self.env.context.get(ROMS_PROGRAM_CONTEXT))
        for program in self:
            if program.program_type != "loyalty":
                program.roms_managed = False
            elif not program.roms_managed:
                program.roms_managed = from_roms

    @api.depends(
        "roms_managed",
        "roms_tax_included",
        "roms_category_ids",
        "date_from",
        "date_to",
        "rule_ids.roms_summary",
    )
    def _compute_roms_earning_summary(self):
        for program in self:
            if not program.roms_managed:
                program.roms_earning_summary = False
                continue
            lines = [
                rule.roms_summary for rule in program.rule_ids if rule.roms_summary
            ]
            if not lines:
                lines.append(self.env._("No earning rule yet: add a rule."))
            if program.roms_category_ids:
                lines.append(
                    self.env._(
                        "Only for these customers: %(categories)s.",
                        categories=", ".join(program.roms_category_ids.mapped("name")),
                    )
                )
            else:
                lines.append(self.env._("For every customer category."))
            if program.date_from and program.date_to:
                lines.append(
                    self.env._(
                        "Orders from %(start)s to %(end)s (both included) earn points.",
                        start=program.date_from,
                        end=program.date_to,
                    )
                )
            elif program.date_from:
                lines.append(
                    self.env._(
                        "Orders from %(start)s on earn points.", start=program.date_from
                    )
                )
            elif program.date_to:
                lines.append(
                    self.env._(
                        "Orders until %(end)s (included) earn points.",
                        end=program.date_to,
                    )
                )
            else:
                lines.append(self.env._("Runs always."))
            program.roms_earning_summary = "\n".join(f"• {line}" for line in lines)

    # ------------------------------------------------------------------
    # Earning (ROMS programs only)
    # ------------------------------------------------------------------

    @api.model
    # ------------------------------------------------------------------
    # Points as customers read them
    # ------------------------------------------------------------------

    def _roms_gives_whole_points(self):
        """Whether every rule of these programs gives a whole number of points
        (ROMS counts whole blocks, so whole points per block make whole points)."""
        return all(
            float(rule.reward_point_amount).is_integer() for rule in self.rule_ids
        )

    def _roms_format_points(self, points):
        """``points`` in the user's language format ("1.500", "12,50" in
        Indonesian): without decimals when these programs give whole points."""
        whole = self._roms_gives_whole_points() and float_is_zero(
            points - round(points), precision_digits=2
        )
        return formatLang(self.env, points or 0.0, digits=0 if whole else 2)

    def _roms_points_expiry(self, card=None):
        """One sentence telling a customer whether the points of this program (of
        ``card``) expire."""
        self.ensure_one()
        if card and card.expiration_date:
            return self.env._(
                "Your points expire on %(date)s.",
                date=format_date(self.env, card.expiration_date),
            )
        if self.date_to:
            return self.env._(
                "Your points can be spent until %(date)s, when the program ends.",
                date=format_date(self.env, self.date_to),
            )
        return self.env._("Your points do not expire.")

    def _roms_program_domain(self, order, day):
        """ROMS programs that apply to ``order`` placed on ``day`` (a date)."""
        category = order.partner_id.commercial_partner_id.roms_category
        return [
            ("roms_managed", "=", True),
            ("active", "=", True),
            ("sale_ok", "=", True),
            *self._check_company_domain(
                [order.company_id.id, order.company_id.parent_id.id]
            ),
            "|",
            ("pricelist_ids", "=", False),
            ("pricelist_ids", "in", [order.pricelist_id.id]),
            "|",
            ("date_from", "=", False),
            ("date_from", "<=", day),
            "|",
            ("date_to", "=", False),
            ("date_to", ">=", day),
            "|",
            ("roms_category_ids", "=", False),
            ("roms_category_ids.code", "=", category or False),
        ]

    def _roms_allows_partner(self, partner):
        """Whether ``partner``'s customer category may take part in this program."""
        self.ensure_one()
        if not self.roms_category_ids:
            return True
        category = partner.commercial_partner_id.roms_category
        return bool(category) and category in self.roms_category_ids.mapped("code")

    def _roms_order_points(self, order):
        """Whole points this program gives for ``order``.

        * spend rules: every full block of ``roms_per_amount`` earns the rule's
          points (Rp 250,000 with "every Rp 100,000 earns 10" → 20);
        * product rules: every full ``roms_per_qty`` units of one product earn the
          rule's points (3 × A with "each 2 × A earns 10" → 10);
        * per-order rules: the rule's points once.

        The rule's minimum quantity and amount still have to be reached.
        """
        self.ensure_one()
        lines = order.order_line.filtered(
            lambda line: (
                line.product_id
                and not line.display_type
                and not line.reward_id
                and not line.combo_item_id
            )
        )
        discounts = order.order_line.filtered(
            lambda line: (
                line.reward_id.reward_type == "discount"
                and not line.reward_id.program_id.is_payment_program
            )
        )
        rules = self.rule_ids.filtered(lambda rule: rule.mode == "auto")
        valid = rules.program_id._get_valid_products(lines.product_id)
        points = 0.0
        for rule in rules:
            rule_lines = lines.filtered(
                lambda line, r=rule: line.product_id in valid.get(r, ())
            )
            if not rule_lines:
                continue
            if rule._roms_applies_to_all_products():
                # what the customer really pays: loyalty discounts lower it
                rule_lines |= discounts
            untaxed = sum(rule_lines.mapped("price_subtotal"))
            total = sum(rule_lines.mapped("price_total"))
            quantity = sum(
                rule_lines.filtered(lambda line: not line.reward_id).mapped(
                    "product_uom_qty"
                )
            )
            minimum_base = total if rule.minimum_amount_tax_mode == "incl" else untaxed
            if rule.minimum_amount and minimum_base < rule._compute_amount(
                order.currency_id
            ):
                continue
            if quantity < rule.minimum_qty:
                continue
            if rule.reward_point_mode == "money":
                amount = total if self.roms_tax_included else untaxed
                per_amount = rule.currency_id._convert(
                    rule.roms_per_amount,
                    order.currency_id,
                    rule.company_id or self.env.company,
                    fields.Date.today(),
                )
                points += _blocks(amount, per_amount) * rule.reward_point_amount
            elif rule.reward_point_mode == "unit":
                units = rule_lines.filtered(lambda line: not line.reward_id)
                for product_lines in units.grouped("product_id").values():
                    quantity = sum(product_lines.mapped("product_uom_qty"))
                    points += (
                        _blocks(quantity, rule.roms_per_qty) * rule.reward_point_amount
                    )
            else:
                points += rule.reward_point_amount
        return float_round(points, precision_digits=2)


def _blocks(value, block):
    """How many whole ``block`` fit in ``value`` (0 for an empty block)."""
    if not block or block <= 0 or value <= 0:
        return 0
    return math.floor(float_round(value / block, precision_digits=6))
