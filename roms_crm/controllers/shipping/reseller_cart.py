from odoo import http
from odoo.http import request

from ..portal.reseller_portal import RomsResellerPortal


class RomsResellerCartShipping(RomsResellerPortal):
    """The reseller chooses the shipping of the cart: the shipping methods the shop
    offers on the portal, Biteship's courier services among them."""

    @http.route()
    def roms_cart(self, **kwargs):
        response = super().roms_cart(**kwargs)
        cart = response.qcontext.get("cart")
        options, unavailable = (
            cart._roms_cart_shipping_options()
            if cart and response.qcontext.get("cart_lines")
            else ([], False)
        )
        response.qcontext.update(
            shipping_options=options,
            shipping_unavailable=unavailable,
            shipping_chosen=cart and _chosen_key(cart, options),
        )
        return response

    @http.route()
    def roms_cart_place(self, address_id=None, note="", **post):
        shipping = post.get("shipping")
        request.update_context(
            roms_cart_shipping=shipping[:200] if isinstance(shipping, str) else ""
        )
        return super().roms_cart_place(address_id=address_id, note=note, **post)


def _chosen_key(cart, options):
    """The option already on the cart (a reseller coming back), else the first."""
    line = cart.order_line.filtered("is_delivery")[:1]
    for option in options:
        if (
            line
            and option["carrier"] == cart.carrier_id
            and (
                not option.get("courier_code")
                or (
                    option["courier_code"] == cart.roms_courier_id.code
                    and option["service_code"] == cart.roms_courier_service
                )
            )
        ):
            return option["key"]
    return options[0]["key"] if options else False
