from odoo import http
from odoo.http import request

from ...tools import bounds
from ..portal.reorder_link import QTY_PREFIX, RomsReorderLinkController


class RomsReorderLinkShipping(RomsReorderLinkController):
    """The customer chooses the shipping on the reorder link's page, among the
    methods the shop offers on the portal, as resellers do in their cart."""

    def _roms_open_page_values(self, link_sudo, offer, values):
        values = super()._roms_open_page_values(link_sudo, offer, values)
        address_id = (
            values.get("address_id")
            or bounds.record_id(request.params.get("address"))
            or link_sudo.partner_id.id
        )
        address = request.env["res.partner"].sudo().browse(address_id)
        options, unavailable = link_sudo._shipping_options(address, offer=offer)
        chosen = values.pop("shipping", None)
        keys = [option["key"] for option in options]
        values.update(
            address_id=address_id,
            shipping_options=options,
            shipping_unavailable=unavailable,
            shipping_chosen=chosen if chosen in keys else (keys[:1] or [False])[0],
            shipping_address_id=address_id,
        )
        return values

    @http.route()
    def roms_reorder_place(self, link_id, token, **post):
        shipping = post.get("shipping")
        shipping = shipping[:200] if isinstance(shipping, str) else ""
        link_sudo = self._roms_link(link_id, token)
        if link_sudo and link_sudo._status() == "open":
            address_id = bounds.record_id(post.get("address"))
            address = request.env["res.partner"].sudo().browse(address_id or [])
            shown_for = bounds.record_id(post.get("shipping_address"))
            # the costs were shown for another address: show them for this one
            # before anything is ordered
            if (
                address_id
                and address_id != shown_for
                and link_sudo._shipping_options(address)[0]
            ):
                return self._roms_render(
                    link_sudo,
                    "open",
                    status=400,
                    error=request.env._(
                        "The shipping costs were updated for the new address: "
                        "check them and place your order again."
                    ),
                    quantities={
                        key[len(QTY_PREFIX) :]: value
                        for key, value in post.items()
                        if key.startswith(QTY_PREFIX)
                    },
                    address_id=address_id,
                    note=post.get("note") or "",
                    shipping=shipping,
                )
            request.update_context(roms_cart_shipping=shipping)
        return super().roms_reorder_place(link_id, token, **post)
