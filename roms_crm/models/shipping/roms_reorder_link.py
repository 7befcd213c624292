from odoo import Command, models


class RomsReorderLink(models.Model):
    _inherit = "roms.reorder.link"

    def _shipping_options(self, address, offer=None):
        """The shipping the customer may choose on this link's page, to
        ``address``: ``(options, unavailable)`` as the reseller cart offers them
        (the methods the shop offers on the portal), priced for the link's
        products at their proposed quantities on an order held in memory;
        nothing is written. The order made from the link is priced again.
        ``offer``: ``_offer()[0]`` when the caller has it already."""
        self.ensure_one()
        link = self.sudo()
        if offer is None:
            offer = link._offer()[0]
        if not offer or address not in link._addresses():
            return [], False
        order = (
            self.env["sale.order"]
            .sudo()
            .with_company(link.company_id)
            .new(
                {
                    "partner_id": link.partner_id.id,
                    "partner_shipping_id": address.id,
                    "company_id": link.company_id.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": entry["product"].id,
                                "product_uom_qty": entry["qty"],
                            }
                        )
                        for entry in offer
                    ],
                }
            )
        )
        return order._roms_cart_shipping_options()

    def _prepare_placed_order(self, order):
        # the shipping chosen on the link's page (context key set by its form),
        # priced for the order as placed
        result = super()._prepare_placed_order(order)
        if "roms_cart_shipping" in self.env.context:
            order._roms_cart_set_shipping(self.env.context["roms_cart_shipping"])
        return result
