import re

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
        # the photos and the form's fields: a larger body is refused (413)
        # before Werkzeug reads it
        max_content_length=bounds.PHOTO_COUNT * bounds.PHOTO_BYTES + bounds.FORM_BYTES,
        roms_too_large="_roms_refund_too_large",
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
        photos = self._roms_refund_photos()
        if isinstance(photos, str):
            return self._roms_refund_redirect(order_sudo, refund_error=photos)
        reason = bounds.clean_text(reason, bounds.NOTE_LENGTH, multiline=True)
        try:
            with request.env.cr.savepoint():
                refund_sudo = (
                    request.env["roms.refund.request"]
                    .sudo()
                    .create(
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
                )
                if photos:
                    refund_sudo._attach_customer_photos(
                        photos, request.env.user.partner_id
                    )
        except ValidationError:
            return self._roms_refund_redirect(order_sudo, refund_error="quantity")
        return self._roms_refund_redirect(order_sudo, refund_sent=1)

    def _roms_refund_photos(self):
        """The photos of the form (``photos``) as [(file name, bytes, mimetype)],
        or an error code: ``photo_count`` for too many, ``photo_size`` for a file
        or a picture too big, ``photo_type`` for anything but a JPEG, PNG or WebP
        picture, whatever its name or the type the browser gave."""
        files = [
            upload
            for upload in request.httprequest.files.getlist("photos")
            if upload.filename or upload.content_length
        ]
        if len(files) > bounds.PHOTO_COUNT:
            return "photo_count"
        photos = []
        for upload in files:
            # never more than one byte over the limit in memory
            data = upload.stream.read(bounds.PHOTO_BYTES + 1)
            if not data:
                continue
            try:
                mimetype = bounds.photo(data)
            except bounds.BoundsError as error:
                return "photo_size" if error.code == "too_long" else "photo_type"
            # the file's own name, without any folder ("C:\\fotos\\a.jpg", "../a.jpg")
            name = re.split(r"[\\/]", upload.filename or "")[-1]
            try:
                name = bounds.clean_text(name, bounds.NAME_LENGTH, name=True)
            except bounds.BoundsError:
                name = False
            photos.append((name or "photo", data, mimetype))
        return photos

    def _roms_refund_too_large(self, order_id):
        """The form's body was larger than every photo it may carry, refused
        unread (``ir.http._roms_too_large_response``): back to the order's page
        saying a photo is too big."""
        try:
            order_sudo = self._document_check_access("sale.order", order_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        return self._roms_refund_redirect(order_sudo, refund_error="photo_size")

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
