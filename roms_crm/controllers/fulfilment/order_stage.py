from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.sale.controllers.portal import CustomerPortal


class RomsOrderStagePortal(CustomerPortal):
    @http.route(
        "/my/orders/<int:order_id>/roms_received",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def roms_confirm_receipt(self, order_id, access_token=None, **kwargs):
        """The customer confirms that a shipped order arrived: it becomes delivered."""
        try:
            order_sudo = self._document_check_access(
                "sale.order", order_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        if order_sudo.roms_stage == "shipped":
            order_sudo._roms_set_stage(
                "delivered",
                comment=request.env._("Receipt confirmed by the customer."),
            )
        return request.redirect(order_sudo.get_portal_url())
