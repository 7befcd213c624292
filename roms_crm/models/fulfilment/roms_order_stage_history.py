from odoo import fields, models

from .sale_order import ROMS_STAGES


class RomsOrderStageHistory(models.Model):
    """One line per fulfilment stage change of an order: the order's history,
    shown in the backend and to the customer on the portal order page."""

    _name = "roms.order.stage.history"
    _description = "Order Stage History"
    _order = "date desc, id desc"

    order_id = fields.Many2one(
        "sale.order", required=True, ondelete="cascade", index=True
    )
    stage = fields.Selection(ROMS_STAGES, required=True)
    previous_stage = fields.Selection(ROMS_STAGES)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    user_id = fields.Many2one(
        "res.users",
        string="By",
        default=lambda self: self.env.user,
        ondelete="set null",
    )
    comment = fields.Text(help="E.g. the courier and tracking number.")
    tracking_number = fields.Char()
    customer_notified = fields.Boolean()
    is_correction = fields.Boolean(
        string="Correction",
        help="A ROMS administrator corrected the stage outside the fulfilment "
        "chain; the comment gives the reason.",
    )
    by_courier = fields.Boolean(
        string="By the Courier",
        help="The courier's tracking (Biteship) moved the order, not a person.",
    )
