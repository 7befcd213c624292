from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.roms_crm.controllers.portal.reseller_portal import RomsResellerPortal

from .portal import redeem_reward


class RomsLoyaltyResellerCart(RomsResellerPortal):
    """Points spent while ordering: a reseller redeems a reward tier on the cart
    itself, and can take it off again before placing the order. The cart is the
    logged-in reseller's own; the points are spent when the order is confirmed."""

    @http.route(
        "/my/catalog/cart/redeem",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def roms_cart_redeem(self, reward_id=None, **post):
        self._roms_reseller()
        cart = self._roms_cart()
        if not cart:
            raise NotFound()
        if not redeem_reward(cart, reward_id):
            return request.redirect("/my/catalog/cart#roms_points")
        return request.redirect("/my/catalog/cart?roms_redeemed=1#roms_points")

    @http.route(
        "/my/catalog/cart/unredeem",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def roms_cart_unredeem(self, line_id=None, **post):
        self._roms_reseller()
        cart = self._roms_cart()
        line = self._roms_cart_line(cart.order_line.filtered("reward_id"), line_id)
        try:
            with request.env.cr.savepoint():
                cart._roms_loyalty_unredeem(line)
        except UserError as error:
            request.session["roms_redeem_error"] = error.args[0]
        return request.redirect("/my/catalog/cart#roms_points")
