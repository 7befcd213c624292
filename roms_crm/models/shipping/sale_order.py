import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..portal.sale_order import RomsCartError
from .stock_picking import EXCEPTION_STATUSES

_logger = logging.getLogger(__name__)


class SaleOrder(models.Model):
    _inherit = "sale.order"

    roms_courier_id = fields.Many2one(
        "roms.courier", string="Courier", copy=False, index="btree_not_null"
    )
    roms_courier_service = fields.Char(
        string="Courier Service Code",
        copy=False,
        help="The service's code at the courier (reg, yes, best…).",
    )
    roms_courier_service_name = fields.Char(string="Courier Service", copy=False)
    roms_tracking_link = fields.Char(
        string="Tracking Link", compute="_compute_roms_tracking_link"
    )
    roms_shipping_exception = fields.Char(
        string="Shipping Problem",
        copy=False,
        readonly=True,
        help="What the courier reported (parcel returned, rejected, courier not "
        "found…): a person decides what happens to the order.",
    )

    @api.depends(
        "roms_tracking_number",
        "roms_courier_id.tracking_url",
        "picking_ids.roms_biteship_link",
    )
    def _compute_roms_tracking_link(self):
        for order in self:
            # the link, not the deliveries: whoever reads the order may read it
            booked = order.sudo().picking_ids.filtered("roms_biteship_link")[:1]
            order.roms_tracking_link = booked.roms_biteship_link or (
                order.roms_courier_id._tracking_link(order.roms_tracking_number)
                if order.roms_courier_id
                else False
            )

    def _roms_product_lines(self):
        # the shipping cost is no product the customer chose: a cart, a reorder
        # and the catalogue checks leave it out
        return super()._roms_product_lines().filtered(lambda line: not line.is_delivery)

    # ------------------------------------------------------------------
    # The reseller chooses the shipping in the portal cart
    # ------------------------------------------------------------------

    def _roms_cart_shipping_options(self):
        """The shipping a reseller may choose for this cart, to its current
        delivery address: ``(options, unavailable)``; each option a dict with
        ``key`` (what the form posts), ``carrier``, ``label``, ``duration``,
        ``price`` and, for Biteship, ``courier_code`` / ``service_code`` /
        ``service_name``. ``unavailable`` tells that a courier's rates could not
        be had (the page says so)."""
        self.ensure_one()
        order = self.sudo()
        carriers = (
            self.env["delivery.carrier"]
            .sudo()
            .search(
                [
                    ("roms_portal", "=", True),
                    *self.env["delivery.carrier"]._check_company_domain(
                        order.company_id
                    ),
                ]
            )
            .available_carriers(order.partner_shipping_id, order)
        )
        options, unavailable = [], False
        for carrier in carriers:
            if carrier.delivery_type == "biteship":
                try:
                    rates, _warning = carrier._roms_biteship_rates(order)
                except UserError as error:
                    _logger.info("No Biteship rates for %s: %s", order.name, error)
                    unavailable = True
                    continue
                for rate in rates:
                    options.append(
                        {
                            "key": f"{carrier.id}:{rate['courier_code']}:"
                            f"{rate['service_code']}",
                            "carrier": carrier,
                            "label": f"{rate['courier_name']} {rate['service_name']}",
                            "duration": rate["duration"],
                            "price": carrier.with_context(order=order)._apply_margins(
                                rate["price"]
                            ),
                            "courier_code": rate["courier_code"],
                            "service_code": rate["service_code"],
                            "service_name": rate["service_name"],
                        }
                    )
                continue
            result = carrier.rate_shipment(order)
            if result.get("success"):
                options.append(
                    {
                        "key": str(carrier.id),
                        "carrier": carrier,
                        "label": carrier.name,
                        "duration": "",
                        "price": result["price"],
                    }
                )
        return options, unavailable

    def _roms_cart_set_shipping(self, key):
        """Put the shipping option ``key`` (as posted by the cart form) on this
        cart, at the price the server computes now.

        :raise RomsCartError: ``shipping`` when an option must be chosen and
            ``key`` is none of them (tampered, or no longer offered)."""
        self.ensure_one()
        options, _unavailable = self._roms_cart_shipping_options()
        if not options:
            return False
        option = next((o for o in options if o["key"] == key), None)
        if not option:
            raise RomsCartError(
                self.env._("Choose how your order is shipped."), "shipping"
            )
        order = self.sudo()
        values = {
            "roms_courier_id": False,
            "roms_courier_service": False,
            "roms_courier_service_name": False,
        }
        if option.get("courier_code"):
            courier = self.env["roms.courier"].sudo()._by_code(option["courier_code"])
            values.update(
                roms_courier_id=courier.id,
                roms_courier_service=option["service_code"],
                roms_courier_service_name=option["service_name"],
            )
        order.write(values)
        order.set_delivery_line(option["carrier"], option["price"])
        if option.get("courier_code"):
            order.order_line.filtered("is_delivery")[-1:].name = (
                f"{option['carrier'].name}: {option['label']}"
                + (f" ({option['duration']})" if option["duration"] else "")
            )
        return True

    def _roms_cart_place(self, address, note=None):
        # the shipping chosen in the cart form (context key set by the portal's
        # cart form), priced for the address the cart is placed to; other callers
        # place without choosing
        if "roms_cart_shipping" not in self.env.context:
            return super()._roms_cart_place(address, note=note)
        key = self.env.context["roms_cart_shipping"]
        if (
            key
            and address != self.partner_shipping_id
            and address in self.partner_id._roms_delivery_addresses()
        ):
            # another address than the one the costs were shown for: show the
            # costs for it before anything is ordered
            self.sudo().partner_shipping_id = address
            if self._roms_cart_shipping_options()[0]:
                raise RomsCartError(
                    self.env._(
                        "The shipping costs were updated for the new address: "
                        "check them and place your order again."
                    ),
                    "shipping_address",
                )
        with self.env.cr.savepoint():
            if address in self.partner_id._roms_delivery_addresses():
                self.sudo().partner_shipping_id = address
            self._roms_cart_set_shipping(key)
            return super()._roms_cart_place(address, note=note)

    def _roms_tracking_or_order_link(self):
        """Where the customer follows this order: the courier's tracking page, or
        else the order's own page (status, history and resi)."""
        self.ensure_one()
        if self.roms_tracking_link:
            return self.roms_tracking_link
        return self.get_base_url() + self.get_portal_url()

    # ------------------------------------------------------------------
    # The courier moves the stages
    # ------------------------------------------------------------------

    def _roms_sync_shipped(self):
        # shipments booked with Biteship become Shipped when the courier picks
        # them up (its tracking), not when the warehouse validates the delivery
        awaiting_courier = self.filtered(
            lambda o: o.picking_ids.filtered(
                lambda p: (
                    p.roms_biteship_order_id
                    and p.roms_biteship_status not in EXCEPTION_STATUSES
                )
            )
        )
        return super(SaleOrder, self - awaiting_courier)._roms_sync_shipped()

    def _roms_courier_tracking(self, waybill):
        """The courier issued a tracking number (resi): keep it on open orders."""
        for order in self.sudo():
            if order.roms_stage in ("pending", "processed", "shipped") and (
                order.roms_tracking_number != waybill
            ):
                order.roms_tracking_number = waybill

    def _roms_courier_moves(self, picking, stage, delivered_date=None):
        """Move this order forward to ``stage`` because its courier said so;
        never backwards, never out of cancelled or delivered."""
        self.ensure_one()
        order = self.sudo()
        if not order._roms_stage_allowed(stage) or order.roms_stage == stage:
            return False
        if order.state in ("draft", "sent", "cancel"):
            return False
        carrier = picking.carrier_id
        courier = order.roms_courier_id.name or picking.carrier_id.name
        service = order.roms_courier_service_name or ""
        order._roms_set_stage(
            stage,
            comment=self.env._(
                "Courier update from %(carrier)s: %(courier)s %(service)s",
                carrier=carrier.name,
                courier=courier,
                service=service,
            ).strip(),
            tracking_number=picking.roms_biteship_waybill or False,
            notify=True,
            courier=True,
            delivered_date=delivered_date,
        )
        return True

    def _roms_courier_exception(self, picking, status):
        """The courier returned or gave up on the parcel: show it on the order and
        give its salesperson (or the ROMS admins) an activity."""
        self.ensure_one()
        order = self.sudo()
        message = self.env._(
            'The courier reported "%(status)s" for %(picking)s: check the '
            "parcel and decide what happens to the order.",
            status=status.replace("_", " "),
            picking=picking.name,
        )
        order.roms_shipping_exception = message
        order.message_post(body=Markup("<p>%s</p>") % message)
        order.activity_schedule(
            "mail.mail_activity_data_warning",
            note=message,
            user_id=order.user_id.id or self.env.ref("base.user_admin").id,
        )
