from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _action_done(self):
        result = super()._action_done()
        # ROMS's own bookkeeping: whoever validates the delivery (a warehouse user
        # who cannot read the order, a salesperson of another team) moves its stage
        self.sale_id.sudo()._roms_sync_shipped()
        return result
