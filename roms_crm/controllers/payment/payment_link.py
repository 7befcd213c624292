from odoo import http
from odoo.http import request

from odoo.addons.sale.controllers.portal import PaymentPortal


class RomsPaymentLinkPortal(PaymentPortal):
    @http.route()
    def payment_pay(self, *args, sale_order_id=None, **kwargs):
        """Odoo's payment page of an order (``{payment_link}``): once Sales has
        checked the link's token (it refuses the page otherwise), its opening
        marks the message that carried the link clicked."""
        response = super().payment_pay(*args, sale_order_id=sale_order_id, **kwargs)
        order_id = self._cast_as_int(sale_order_id)
        if order_id and kwargs.get("access_token"):
            order_sudo = request.env["sale.order"].sudo().browse(order_id)
            request.env["roms.message"].sudo()._payment_link_opened(order_sudo)
        return response
