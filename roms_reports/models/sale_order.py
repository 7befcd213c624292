from odoo import models
from odoo.tools import create_index


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def init(self):
        # the dashboard's new/returning figure asks "did this customer order
        # before?": answered from the index alone
        create_index(
            self.env.cr,
            "sale_order_roms_counting_partner_date_idx",
            "sale_order",
            ["partner_id", "date_order"],
            where="state = 'sale'",
        )
        return super().init()
