from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare

from ...tools.locks import claim_rows


class RomsRefundRequestLine(models.Model):
    _name = "roms.refund.request.line"
    _description = "Refund Request Line"
    _order = "request_id, id"

    request_id = fields.Many2one(
        "roms.refund.request",
        string="Refund Request",
        required=True,
        index=True,
        ondelete="cascade",
    )
    order_id = fields.Many2one(related="request_id.order_id")
    sale_line_id = fields.Many2one(
        "sale.order.line",
        string="Order Line",
        required=True,
        index=True,
        ondelete="restrict",
        domain="[('order_id', '=', order_id), ('display_type', '=', False)]",
    )
    product_id = fields.Many2one(related="sale_line_id.product_id")
    ordered_qty = fields.Float(
        string="Ordered",
        related="sale_line_id.product_uom_qty",
        digits="Product Unit of Measure",
    )
    quantity = fields.Float(
        required=True, default=1.0, digits="Product Unit of Measure"
    )
    currency_id = fields.Many2one(related="request_id.currency_id")
    amount = fields.Monetary(
        string="Paid for Quantity",
        compute="_compute_amount",
        store=True,
        help="What the customer paid for this quantity: the line's total, taxes "
        "included and less its share of discounts on the whole order (loyalty "
        "rewards), per unit, times the quantity.",
    )

    @api.depends(
        "quantity",
        "sale_line_id.price_total",
        "sale_line_id.product_uom_qty",
        "sale_line_id.order_id.amount_total",
    )
    def _compute_amount(self):
        for line in self:
            sale_line = line.sale_line_id
            unit = (
                sale_line._roms_paid_total() / sale_line.product_uom_qty
                if sale_line.product_uom_qty
                else 0.0
            )
            line.amount = line.currency_id.round(unit * line.quantity) if unit else 0.0

    @api.model_create_multi
    def create(self, vals_list):
        # the order lines are claimed before the insert: a request sent at the
        # same time waits here, and when it must be retried (see claim_rows) it
        # fails here, as expected, rather than at the insert
        sale_line_ids = {vals.get("sale_line_id") for vals in vals_list}
        claim_rows(
            self.env["sale.order.line"].browse(sorted(sale_line_ids - {None, False}))
        )
        return super().create(vals_list)

    @api.constrains("sale_line_id", "quantity")
    def _check_refundable(self):
        """Quantities positive, lines of the request's order, and over all
        requests not rejected, never more than was ordered nor paid per line."""
        precision = self.env["decimal.precision"].precision_get(
            "Product Unit of Measure"
        )
        for line in self:
            # a product of the order: not a note, nor a line computed from the
            # others (a loyalty reward's discount is refunded with each product)
            order = line.request_id.order_id
            if line.sale_line_id not in order._roms_product_lines():
                raise ValidationError(
                    self.env._(
                        "%(product)s is not a product line of order %(order)s.",
                        product=line.sale_line_id.display_name,
                        order=order.name,
                    )
                )
            if float_compare(line.quantity, 0, precision_digits=precision) <= 0:
                raise ValidationError(
                    self.env._("Refunded quantities must be above zero.")
                )
        # the claims of requests made at the same time are counted one after
        # the other, never both against the same ordered quantity
        claim_rows(self.sale_line_id)
        for sale_line in self.sale_line_id:
            siblings = self.sudo().search(
                [
                    ("sale_line_id", "=", sale_line.id),
                    ("request_id.state", "!=", "rejected"),
                ]
            )
            quantity = sum(siblings.mapped("quantity"))
            if (
                float_compare(
                    quantity, sale_line.product_uom_qty, precision_digits=precision
                )
                > 0
            ):
                raise ValidationError(
                    self.env._(
                        "%(product)s: %(quantity)s refunded over all requests, but "
                        "only %(ordered)s ordered.",
                        product=sale_line.product_id.display_name,
                        quantity=quantity,
                        ordered=sale_line.product_uom_qty,
                    )
                )
            amount = sum(siblings.mapped("amount"))
            paid = sale_line._roms_paid_total()
            rounding = sale_line.currency_id.rounding or 0.01
            if float_compare(amount, paid, precision_rounding=rounding) > 0:
                raise ValidationError(
                    self.env._(
                        "%(product)s: %(amount)s refunded over all requests, above "
                        "the %(total)s paid for the line.",
                        product=sale_line.product_id.display_name,
                        amount=sale_line.currency_id.format(amount),
                        total=sale_line.currency_id.format(paid),
                    )
                )

    def _refundable_qty(self, sale_lines):
        """{sale line: quantity still refundable} over the requests not rejected."""
        done = dict.fromkeys(sale_lines, 0.0)
        for line in self.sudo().search(
            [
                ("sale_line_id", "in", sale_lines.ids),
                ("request_id.state", "!=", "rejected"),
            ]
        ):
            done[line.sale_line_id] += line.quantity
        return {
            sale_line: max(sale_line.product_uom_qty - done[sale_line], 0.0)
            for sale_line in sale_lines
        }
