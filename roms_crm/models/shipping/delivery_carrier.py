import logging
import math

from odoo import fields, models
from odoo.exceptions import UserError

from ...tools.biteship import BiteshipClient, BiteshipError

_logger = logging.getLogger(__name__)

# Biteship's couriers filter: every courier the account has enabled
ALL_COURIERS = "biteship"


class DeliveryCarrier(models.Model):
    """Biteship, an Indonesian shipping aggregator (JNE, J&T, SiCepat, AnterAja, POS,
    GoSend, GrabExpress…), as a carrier of Odoo's delivery framework: rates for an
    order, booking when the delivery is validated, tracking link, cancel. The
    courier's tracking then moves the order's fulfilment stage (see
    ``stock.picking._roms_biteship_apply``)."""

    _inherit = "delivery.carrier"

    delivery_type = fields.Selection(
        selection_add=[("biteship", "Biteship")],
        ondelete={"biteship": "set default"},
    )
    roms_portal = fields.Boolean(
        string="Offered on the Portal",
        help="Resellers choose among the shipping methods offered on the portal "
        "when they place a cart (with Biteship, among its courier services).",
    )
    roms_biteship_api_key = fields.Char(
        string="Biteship API Key",
        groups="base.group_system",
        copy=False,
        help="From Biteship's dashboard (Integrasi → API Keys). Sent only to the "
        "base URL below.",
    )
    roms_biteship_base_url = fields.Char(
        string="Biteship API URL",
        default="https://api.biteship.com",
        groups="base.group_system",
    )
    roms_courier_ids = fields.Many2many(
        "roms.courier",
        string="Couriers",
        help="The courier companies offered to customers; none means every courier "
        "enabled in the Biteship account.",
    )
    roms_biteship_insurance = fields.Boolean(
        string="Insure Shipments",
        help="Insure every shipment for the value of its goods (the courier's "
        "insurance fee is added to the price).",
    )
    roms_biteship_cod = fields.Boolean(
        string="Cash on Delivery",
        help="The courier collects the order's total from the customer.",
    )
    roms_biteship_default_weight = fields.Integer(
        string="Default Weight (g)",
        default=1000,
        help="The weight of a product whose weight is not set, in grams.",
    )
    roms_biteship_webhook_header = fields.Char(
        string="Webhook Signature Header",
        default="X-Biteship-Signature",
        groups="base.group_system",
        help='The header name set as "signature key" of the webhook in Biteship\'s '
        "dashboard.",
    )
    roms_biteship_webhook_secret = fields.Char(
        string="Webhook Signature Secret",
        groups="base.group_system",
        copy=False,
        help='The value set as "signature secret" of the webhook in Biteship\'s '
        "dashboard. Webhooks without it are refused.",
    )

    # ------------------------------------------------------------------
    # Client and payloads
    # ------------------------------------------------------------------

    def _roms_biteship_client(self):
        self.ensure_one()
        carrier = self.sudo()
        return BiteshipClient(
            carrier.roms_biteship_api_key, carrier.roms_biteship_base_url or None
        )

    def _roms_biteship_couriers(self):
        codes = self.roms_courier_ids.mapped("code")
        return ",".join(codes) if codes else ALL_COURIERS

    def _roms_biteship_origin(self, warehouse, company):
        """Origin fields of a payload: the warehouse's address."""
        partner = warehouse.partner_id or company.partner_id
        if not (partner.zip or "").strip():
            raise UserError(
                self.env._(
                    "Set the postal code of %(address)s (the warehouse address "
                    "parcels leave from) to ship with Biteship.",
                    address=partner.display_name,
                )
            )
        return {
            "origin_contact_name": (company.name or partner.name or "")[:128],
            "origin_contact_phone": partner.phone or partner.mobile or "",
            "origin_address": _address_line(partner),
            "origin_postal_code": _postal_code(partner.zip),
        }

    def _roms_biteship_destination(self, partner):
        if not (partner.zip or "").strip():
            raise UserError(
                self.env._(
                    "Set the postal code of %(customer)s's delivery address to ship "
                    "with Biteship.",
                    customer=partner.display_name,
                )
            )
        return {
            "destination_contact_name": (partner.name or "")[:128],
            "destination_contact_phone": partner.roms_whatsapp_number
            or partner.mobile
            or partner.phone
            or "",
            "destination_contact_email": partner.email or "",
            "destination_address": _address_line(partner),
            "destination_postal_code": _postal_code(partner.zip),
        }

    def _roms_biteship_item(self, product, quantity, value):
        """One parcel item; ``(item, missing_weight)``. Weights are grams."""
        weight_kg = product.weight or 0.0
        missing = weight_kg <= 0
        grams = (
            self.roms_biteship_default_weight or 1000
            if missing
            else max(1, math.ceil(weight_kg * 1000))
        )
        return (
            {
                "name": (product.display_name or "")[:128],
                "sku": product.default_code or "",
                "value": max(0, round(value)),
                "quantity": max(1, math.ceil(quantity)),
                "weight": grams,
            },
            missing,
        )

    def _roms_biteship_order_items(self, order):
        items, missing = [], self.env["product.product"]
        for line in order.order_line.filtered(
            lambda l: not l.display_type and not l.is_delivery and l.product_id
        ):
            if line.product_id.type == "service":
                continue
            item, no_weight = self._roms_biteship_item(
                line.product_id, line.product_uom_qty, line.price_reduce_taxinc
            )
            items.append(item)
            if no_weight:
                missing |= line.product_id
        return items, missing

    def _roms_weight_warning(self, products):
        if not products:
            return False
        return self.env._(
            "No weight is set on %(products)s: %(grams)s g each was assumed.",
            products=", ".join(products.mapped("display_name")),
            grams=self.roms_biteship_default_weight or 1000,
        )

    # ------------------------------------------------------------------
    # Rates
    # ------------------------------------------------------------------

    def _roms_biteship_rates(self, order):
        """The priced services for ``order``: ``(options, warning)``, options as
        dicts (courier_code, courier_name, service_code, service_name, price,
        duration, description), cheapest first.

        :raises UserError: with Biteship's message."""
        self.ensure_one()
        items, no_weight = self._roms_biteship_order_items(order)
        if not items:
            raise UserError(self.env._("The order has no goods to ship."))
        payload = {
            **self._roms_biteship_origin(order.warehouse_id, order.company_id),
            **self._roms_biteship_destination(order.partner_shipping_id),
            "couriers": self._roms_biteship_couriers(),
            "items": items,
        }
        if self.roms_biteship_insurance:
            payload["courier_insurance"] = round(order.amount_untaxed)
        try:
            pricing = self._roms_biteship_client().rates(payload)
        except BiteshipError as error:
            raise UserError(
                self.env._("Biteship: %(message)s", message=error.message)
            ) from error
        options = []
        for entry in pricing:
            option = _rate_option(entry)
            if option:
                option["duration"] = self._roms_duration(
                    option.pop("duration_range"), option.pop("duration_unit")
                )
                options.append(option)
        if not options:
            raise UserError(
                self.env._(
                    "Biteship has no courier service for this address: check the "
                    "postal codes and the couriers of %(carrier)s.",
                    carrier=self.name,
                )
            )
        options.sort(key=lambda o: (o["price"], o["courier_name"], o["service_name"]))
        return options, self._roms_weight_warning(no_weight)

    def _roms_duration(self, span, unit):
        """Biteship's estimate ("2 - 3", "days") in the user's words."""
        if not span:
            return ""
        span = span.replace(" ", "")
        if unit.startswith("hour"):
            return self.env._("%(span)s hours", span=span)
        return self.env._("%(span)s days", span=span)

    def biteship_rate_shipment(self, order):
        """The framework's rate hook: the price of the service chosen on the order
        (or of the cheapest one)."""
        try:
            options, warning = self._roms_biteship_rates(order)
        except UserError as error:
            return {
                "success": False,
                "price": 0.0,
                "error_message": str(error.args[0]),
                "warning_message": False,
            }
        chosen = next(
            (
                o
                for o in options
                if o["courier_code"] == order.roms_courier_id.code
                and o["service_code"] == order.roms_courier_service
            ),
            options[0],
        )
        return {
            "success": True,
            "price": chosen["price"],
            "error_message": False,
            "warning_message": warning,
            "roms_options": options,
        }

    # ------------------------------------------------------------------
    # Booking, tracking link, cancel
    # ------------------------------------------------------------------

    def _roms_biteship_booking_payload(self, picking):
        order = picking.sale_id
        if not order.roms_courier_id or not order.roms_courier_service:
            raise UserError(
                self.env._(
                    "Choose the courier service of %(order)s (Add shipping → Get "
                    "rate) before booking it with Biteship.",
                    order=order.name or picking.name,
                )
            )
        items, no_weight = [], self.env["product.product"]
        for move in picking.move_ids.filtered(lambda m: m.state != "cancel"):
            quantity = move.quantity or move.product_uom_qty
            if not quantity or move.product_id.type == "service":
                continue
            price = move.sale_line_id.price_reduce_taxinc or move.product_id.lst_price
            item, missing = self._roms_biteship_item(move.product_id, quantity, price)
            items.append(item)
            if missing:
                no_weight |= move.product_id
        if not items:
            raise UserError(self.env._("The delivery has no goods to ship."))
        payload = {
            **self._roms_biteship_origin(
                picking.picking_type_id.warehouse_id, picking.company_id
            ),
            **self._roms_biteship_destination(picking.partner_id),
            "courier_company": order.roms_courier_id.code,
            "courier_type": order.roms_courier_service,
            "delivery_type": "now",
            "reference_id": picking.name,
            "order_note": (order.note and str(order.note) or "")[:500],
            "items": items,
        }
        if self.roms_biteship_insurance:
            payload["courier_insurance"] = round(
                sum(i["value"] * i["quantity"] for i in items)
            )
        if self.roms_biteship_cod:
            payload["destination_cash_on_delivery"] = round(order.amount_total)
            payload["destination_cash_on_delivery_type"] = "7_days"
        return payload, no_weight

    def biteship_send_shipping(self, pickings):
        """The framework's booking hook (picking validation or "Send to shipper"):
        one Biteship order per picking, never two: a picking already booked returns
        its booking, and retries carry the picking as idempotency key."""
        results = []
        uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid", "")
        for picking in pickings:
            if picking.roms_biteship_order_id:
                results.append(
                    {
                        "exact_price": picking.carrier_price,
                        "tracking_number": picking.roms_biteship_waybill or False,
                    }
                )
                continue
            payload, no_weight = self._roms_biteship_booking_payload(picking)
            try:
                data = self._roms_biteship_client().create_order(
                    payload, f"{uuid}-stock.picking-{picking.id}"
                )
            except BiteshipError as error:
                raise UserError(
                    self.env._(
                        "Biteship could not book %(picking)s: %(message)s",
                        picking=picking.name,
                        message=error.message,
                    )
                ) from error
            picking._roms_biteship_store_booking(data)
            if no_weight:
                picking.message_post(body=self._roms_weight_warning(no_weight))
            results.append(
                {
                    "exact_price": _number(data.get("price")),
                    "tracking_number": picking.roms_biteship_waybill or False,
                }
            )
        return results

    def biteship_get_tracking_link(self, picking):
        if picking.roms_biteship_link:
            return picking.roms_biteship_link
        courier = picking.sale_id.roms_courier_id
        return (
            courier._tracking_link(picking.carrier_tracking_ref) if courier else False
        )

    def biteship_cancel_shipment(self, pickings):
        for picking in pickings.filtered("roms_biteship_order_id"):
            try:
                self._roms_biteship_client().cancel_order(
                    picking.roms_biteship_order_id,
                    self.env._("Cancelled by the shop"),
                )
            except BiteshipError as error:
                raise UserError(
                    self.env._(
                        "Biteship could not cancel %(picking)s: %(message)s",
                        picking=picking.name,
                        message=error.message,
                    )
                ) from error
            picking.write(
                {
                    "roms_biteship_status": "cancelled",
                    "roms_biteship_order_id": False,
                    "roms_biteship_tracking_id": False,
                    "roms_biteship_link": False,
                    "roms_biteship_waybill": False,
                }
            )


def _address_line(partner):
    parts = [
        partner.street,
        partner.street2,
        partner.roms_district_id.name if "roms_district_id" in partner else False,
        partner.city_id.name or partner.city,
        partner.state_id.name,
    ]
    return ", ".join(p.strip() for p in parts if p and p.strip())[:256]


def _postal_code(value):
    digits = "".join(c for c in (value or "") if c.isdigit())
    return int(digits) if digits and len(digits) <= 6 else (value or "").strip()


def _number(value):
    """A price from Biteship as a finite, non-negative float (0 otherwise)."""
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return 0.0
    return number if math.isfinite(number) and 0 <= number < 1e12 else 0.0


def _text(value, limit=128):
    return value.strip()[:limit] if isinstance(value, str) else ""


def _rate_option(entry):
    """One priced service of a rates answer, checked, or None."""
    if not isinstance(entry, dict):
        return None
    courier_code = _text(entry.get("courier_code"), 32).lower()
    service_code = _text(entry.get("courier_service_code"), 32).lower()
    price = _number(entry.get("price"))
    if not courier_code or not service_code or "price" not in entry:
        return None
    return {
        "courier_code": courier_code,
        "courier_name": _text(entry.get("courier_name")) or courier_code.upper(),
        "service_code": service_code,
        "service_name": _text(entry.get("courier_service_name")) or service_code,
        "price": price,
        "duration_range": _text(entry.get("shipment_duration_range"), 16),
        "duration_unit": _text(entry.get("shipment_duration_unit"), 16).lower(),
        "description": _text(entry.get("description"), 256),
    }
