from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.sale.controllers.portal import CustomerPortal

from ...tools import bounds

REVIEW_MAX_LENGTH = bounds.NOTE_LENGTH


class RomsReviewPortal(CustomerPortal):
    @http.route(
        "/my/orders/<int:order_id>/review",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def roms_review_product(
        self,
        order_id,
        access_token=None,
        product_id=None,
        rating=None,
        text=None,
        **post,
    ):
        """A customer reviews a product of a delivered order of theirs: logged in,
        or with the order's access token (the review request's link), which
        stands for the order's customer and nothing more.

        The review waits for moderation. Everything is checked first: when anything
        is wrong nothing is written and the order page says why.
        """
        try:
            order_sudo = self._document_check_access(
                "sale.order", order_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        result = self._roms_review_check(order_sudo, product_id, rating, text)
        if isinstance(result, str):
            return self._roms_review_redirect(order_sudo, review_error=result)
        product, rating_value, text = result
        try:
            request.env["roms.product.review"]._create_from_portal(
                order_sudo,
                {
                    "product_tmpl_id": product.id,
                    "partner_id": order_sudo._roms_reviewer(request.env.user).id,
                    "rating": rating_value,
                    "text": text,
                    "order_id": order_sudo.id,
                    "source": "portal",
                    "state": "pending",
                },
            )
        except UserError:
            return self._roms_review_redirect(order_sudo, review_error="duplicate")
        return self._roms_review_redirect(order_sudo, review_sent=1)

    def _roms_review_redirect(self, order_sudo, **params):
        return request.redirect(order_sudo._roms_portal_url("roms_reviews", **params))

    def _roms_review_check(self, order_sudo, product_id, rating, text):
        """Return an error code, or (product template, rating, text) when
        valid."""
        reviewer = order_sudo._roms_reviewer(request.env.user)
        if not order_sudo._roms_delivered_to_partner(reviewer):
            return "order"
        products = order_sudo._roms_product_lines().product_id.product_tmpl_id
        product_id = bounds.record_id(product_id)
        product = products.filtered(lambda p: p.id == product_id)
        if not product:
            return "product"
        try:
            rating_value = int(rating)
        except (TypeError, ValueError):
            return "rating"
        if not 1 <= rating_value <= 5:
            return "rating"
        try:
            # control characters out, at most 2,000 characters
            text = bounds.clean_text(text, REVIEW_MAX_LENGTH, multiline=True)
        except bounds.BoundsError:
            return "text"
        # a review already there: _create_from_portal says so ("duplicate")
        return product, rating_value, text
