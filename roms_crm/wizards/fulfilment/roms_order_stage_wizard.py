from odoo import api, fields, models

from ...models.fulfilment.sale_order import ROMS_STAGES


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
    no_returns = fields.Boolean(
        help="Override: the shop does not take these orders back; refund requests "
        "for them are refused.",
    )
    notify = fields.Boolean(
        string="Notify the customer",
        default=True,
        help="Send the customer a message about the new stage, with the comment.",
    )

    is_correction = fields.Boolean(
        string="Correction",
        compute="_compute_is_correction",
        help="The move leaves the fulfilment chain (e.g. back from Delivered): only "
        "a ROMS administrator may make it, with a reason kept in the history.",
    )

    @api.depends("order_ids", "stage")
    def _compute_is_correction(self):
        for wizard in self:
            wizard.is_correction = bool(wizard.stage) and any(
                not order._roms_stage_allowed(wizard.stage)
                for order in wizard.order_ids
                if order.roms_stage != "cancelled"
            )

    def action_apply(self):
        self.ensure_one()
        if self.no_returns:
            self.order_ids.filtered(lambda order: not order.roms_no_returns).write(
                {"roms_no_returns": True}
            )
        self.order_ids._roms_set_stage(
            self.stage,
            comment=self.comment,
            tracking_number=self.tracking_number,
            notify=self.notify,
            correction=self.is_correction,
        )
        return {"type": "ir.actions.act_window_close"}
