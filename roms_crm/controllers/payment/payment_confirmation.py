from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.sale.controllers.portal import CustomerPortal

from ...models.payment.roms_payment_confirmation import (
    MAX_PROOF_BYTES,
    RomsPaymentError,
)
from ...tools import bounds


class RomsPaymentConfirmationPortal(CustomerPortal):
    @http.route(
        "/my/orders/<int:order_id>/payment_confirmation",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        # the proof and the form's few fields: a larger body is refused (413)
        # before Werkzeug reads it
        max_content_length=MAX_PROOF_BYTES + bounds.FORM_BYTES,
        roms_too_large="_roms_payment_too_large",
    )
    def roms_confirm_payment(self, order_id, access_token=None, **post):
        """The customer confirms a bank transfer for their order, from the portal
        or the order's token link: bank, amount, date and a photo or PDF of the
        proof. Everything is checked first; when anything is wrong nothing is
        written and the order page says why."""
        try:
            order_sudo = self._document_check_access(
                "sale.order", order_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        upload = post.get("proof")
        data, filename = b"", None
        if hasattr(upload, "read"):
            # one byte more than allowed tells a file too large without reading it all
            data = upload.read(MAX_PROOF_BYTES + 1)
            filename = upload.filename
        try:
            with request.env.cr.savepoint():
                request.env["roms.payment.confirmation"]._from_form(
                    order_sudo,
                    post.get("bank"),
                    post.get("amount"),
                    post.get("paid_on"),
                    data,
                    filename,
                    "portal",
                )
        except RomsPaymentError as error:
            return request.redirect(
                order_sudo._roms_portal_url("roms_payment", payment_error=error.code)
            )
        return request.redirect(
            order_sudo._roms_portal_url("roms_payment", payment_sent=1)
        )

    def _roms_payment_too_large(self, order_id):
        """The form's body was larger than the route takes, refused unread
        (``ir.http._roms_too_large_response``): back to the order's page (its
        token comes with the form's address) saying the proof is too large."""
        try:
            order_sudo = self._document_check_access(
                "sale.order",
                order_id,
                access_token=request.httprequest.args.get("access_token"),
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        return request.redirect(
            order_sudo._roms_portal_url("roms_payment", payment_error="proof_size")
        )
