from odoo import Command, http
from odoo.exceptions import AccessError, MissingError, ValidationError
from odoo.http import request
from odoo.tools import float_compare

from odoo.addons.sale.controllers.portal import CustomerPortal

from ...tools import bounds


class RomsRefundPortal(CustomerPortal):
    @http.route(
        "/my/orders/<int:order_id>/refund",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def roms_request_refund(self, order_id, access_token=None, reason=None, **post):
        """A customer files a refund request for a delivered order of theirs.

        Quantities come as ``qty_<sale line id>``. Everything is checked first;
        when anything is wrong nothing is written and the order page shows why.
        """
        try:
            order_sudo = self._document_check_access(
                "sale.order", order_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        error = self._roms_refund_check(order_sudo, reason, post)
        if isinstance(error, str):
            return self._roms_refund_redirect(order_sudo, refund_error=error)
        quantities = error
        reason = bounds.clean_text(reason, bounds.NOTE_LENGTH, multiline=True)
        try:
            with request.env.cr.savepoint():
                request.env["roms.refund.request"].sudo().create(
                    {
                        "order_id": order_sudo.id,
                        "reason": reason,
                        "source": "portal",
                        "requested_by_id": request.env.user.id,
                        "line_ids": [
                            Command.create(
                                {"sale_line_id": line.id, "quantity": quantity}
                            )
                            for line, quantity in quantities.items()
                        ],
                    }
                )
        except ValidationError:
            return self._roms_refund_redirect(order_sudo, refund_error="quantity")
        return self._roms_refund_redirect(order_sudo, refund_sent=1)

    def _roms_refund_redirect(self, order_sudo, **params):
        return request.redirect(order_sudo._roms_portal_url("roms_refund", **params))

    def _roms_refund_check(self, order_sudo, reason, post):
        """Return an error code, or {sale line: quantity} when the form is valid."""
        if not order_sudo._roms_delivered_to(request.env.user):
            return "order"
        if order_sudo.roms_no_returns:
            return "no_returns"
        try:
            if not bounds.clean_text(reason, bounds.NOTE_LENGTH, multiline=True):
                return "reason"
        except bounds.BoundsError:
            return "reason_length"
        lines = order_sudo._roms_product_lines()
        quantities = {}
        Bounds = request.env["roms.bounds"]
        for line in lines:
            # finite, above zero, within the maximum, whole for Units; empty or 0
            # skips the line
            try:
                quantity = Bounds._parse_form_quantity(
                    post.get(f"qty_{line.id}"), line.product_uom
                )
            except bounds.BoundsError:
                return "quantity"
            if not quantity:
                continue
            if (
                float_compare(quantity, line.roms_refundable_qty, precision_digits=6)
                > 0
            ):
                return "quantity"
            quantities[line] = quantity
        if not quantities:
            return "lines"
        return quantities
