from odoo import models
from odoo.tools import create_index


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def init(self):
        # the dashboard's new/returning figure asks "did this customer order
        # before?": answered from the index alone
        counting = self.env.cr.mogrify(self._roms_counting_order_sql("sale_order"))
        create_index(
            self.env.cr,
            "sale_order_roms_counting_partner_date_idx",
            "sale_order",
            ["partner_id", "date_order"],
            where=counting.decode(),
        )
        return super().init()
