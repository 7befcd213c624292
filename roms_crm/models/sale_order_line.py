from odoo import fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    roms_refundable_qty = fields.Float(
        string="Refundable Quantity",
        compute="_compute_roms_refundable_qty",
        digits="Product Unit of Measure",
        help="Ordered quantity not yet claimed by a refund request that was not "
        "rejected.",
    )

    def _compute_roms_refundable_qty(self):
        refundable = self.env["roms.refund.request.line"]._roms_refundable_qty(
            self.filtered("id")
        )
        for line in self:
            line.roms_refundable_qty = refundable.get(line, 0.0)
