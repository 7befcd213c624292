from odoo import fields, models

from ..models.sale_order import ROMS_STAGES


class RomsOrderStageWizard(models.TransientModel):
    _name = "roms.order.stage.wizard"
    _description = "Change Fulfilment Stage"

    order_ids = fields.Many2many("sale.order", string="Orders", required=True)
    stage = fields.Selection(ROMS_STAGES, required=True)
    tracking_number = fields.Char(
        help="The courier's tracking number, shown to the customer."
    )
    comment = fields.Text(
        help="Added to the order's history, e.g. the courier or a delay."
    )
    notify = fields.Boolean(
        string="Notify the customer",
        default=True,
        help="Send the customer a message about the new stage, with the comment.",
    )

    def action_apply(self):
        self.ensure_one()
        self.order_ids._roms_set_stage(
            self.stage,
            comment=self.comment,
            tracking_number=self.tracking_number,
            notify=self.notify,
        )
        return {"type": "ir.actions.act_window_close"}
