from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.addons.roms_crm.tools import bounds
from odoo.addons.sale.controllers.portal import CustomerPortal

LEDGER_PAGE_SIZE = 40


def redeem_reward(order_sudo, reward_id):
    """Redeem the reward ``reward_id`` of a form on ``order_sudo``. When it
    cannot be, nothing is written, the reason waits in the session for the next
    page (never in the address, where anybody could write any text) and False
    is returned."""
    # an id within the database's range: "1e9", "²" or 10**30 are no reward
    reward = (
        request.env["loyalty.reward"]
        .sudo()
        .browse(bounds.record_id(reward_id))
        .exists()
    )
    try:
        if not reward:
            raise UserError(request.env._("Choose a reward."))
        with request.env.cr.savepoint():
            order_sudo._roms_loyalty_redeem(reward)
    except UserError as error:
        request.session["roms_redeem_error"] = error.args[0]
        return False
    return True


class RomsLoyaltyPortal(CustomerPortal):
    """Points on the customer portal: the balance and the ledger, and rewards
    redeemed on a quotation or on the reseller cart of roms_crm. The cart and its
    lines are found as roms_crm finds them (``res.users._roms_portal_reseller``,
    ``res.partner._roms_reseller_cart``); the points follow the cart through the
    ``_roms_cart_*`` hooks of ``sale.order`` that roms_loyalty overrides."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "roms_loyalty_points" in counters:
            # shown as it is, so in the user's language format ("1.500")
            values["roms_loyalty_points"] = (
                request.env.user.partner_id.sudo()._roms_format_loyalty_points()
            )
        return values

    @http.route(
        ["/my/points", "/my/points/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def roms_my_points(self, page=1, **kw):
        """The customer's points: balance per program and the ledger, only the
        lines of their own cards."""
        partner = request.env.user.partner_id
        History = request.env["loyalty.history"].sudo()
        domain = [
            ("roms_partner_id", "=", partner.id),
            ("card_id.program_id.roms_managed", "=", True),
        ]
        total = History.search_count(domain)
        pager = portal_pager(
            url="/my/points", total=total, page=page, step=LEDGER_PAGE_SIZE
        )
        lines = History.search(
            domain,
            order="roms_date desc, id desc",
            limit=LEDGER_PAGE_SIZE,
            offset=pager["offset"],
        )
        cards = (
            request.env["loyalty.card"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", partner.id),
                    ("program_id.roms_managed", "=", True),
                ]
            )
        )
        quotes = (
            request.env["sale.order"]
            .sudo()
            .search(
                [
                    (
                        "partner_id.commercial_partner_id",
                        "=",
                        partner.commercial_partner_id.id,
                    ),
                    ("state", "in", ("draft", "sent")),
                    # the reseller's cart has its own page, with its own block
                    ("roms_portal_cart", "=", False),
                ],
                order="date_order desc",
                limit=10,
            )
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "roms_quotes": quotes,
                "roms_catalog": bool(request.env.user._roms_portal_reseller()),
                "page_name": "roms_points",
                "pager": pager,
                "roms_cards": cards,
                "roms_points": partner.sudo().roms_loyalty_points,
                "roms_ledger": lines,
            }
        )
        return request.render("roms_loyalty.portal_my_points", values)

    @http.route(
        "/my/orders/<int:order_id>/roms_redeem",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def roms_redeem(self, order_id, reward_id=None, access_token=None, **post):
        """Redeem a reward tier on a quotation of the logged-in customer."""
        try:
            order_sudo = self._document_check_access(
                "sale.order", order_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        partner = request.env.user.partner_id
        if order_sudo.partner_id.commercial_partner_id != partner.commercial_partner_id:
            return request.redirect("/my")
        if not redeem_reward(order_sudo, reward_id):
            return request.redirect(order_sudo.get_portal_url(anchor="roms_points"))
        return request.redirect(
            order_sudo.get_portal_url(
                query_string="&roms_redeemed=1", anchor="roms_points"
            )
        )

    # ------------------------------------------------------------------
    # Points spent while ordering: a reseller redeems a reward tier on the cart
    # itself, and can take it off again before placing the order. The cart is the
    # logged-in reseller's own; the points are spent when the order is confirmed.
    # ------------------------------------------------------------------

    def _roms_reseller_cart(self):
        """The logged-in reseller's cart (sudo, maybe none); 404 for anyone who is
        no reseller."""
        user = request.env.user
        if not user._roms_portal_reseller():
            raise NotFound()
        return user.partner_id._roms_reseller_cart()

    @http.route(
        "/my/catalog/cart/redeem",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def roms_cart_redeem(self, reward_id=None, **post):
        cart = self._roms_reseller_cart()
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
        cart = self._roms_reseller_cart()
        line_id = bounds.record_id(line_id)
        line = cart.order_line.filtered(lambda l: l.reward_id and l.id == line_id)
        if not line:
            raise NotFound()
        try:
            with request.env.cr.savepoint():
                cart._roms_loyalty_unredeem(line)
        except UserError as error:
            request.session["roms_redeem_error"] = error.args[0]
        return request.redirect("/my/catalog/cart#roms_points")
