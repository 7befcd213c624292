import hmac
import json
import logging

from odoo import http
from odoo.http import request

from ...models.shipping.stock_picking import _ident, _link, _moment
from ...tools import bounds, webhook

_logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/roms/shipping/biteship/webhook"
MAX_BODY_PARAM = "roms_crm.biteship_webhook_max_body_bytes"
EVENTS = ("order.status", "order.waybill_id", "order.price")


class RomsBiteshipWebhook(http.Controller):
    @http.route(
        WEBHOOK_PATH,
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
        max_content_length=webhook.read_limit(MAX_BODY_PARAM),
    )
    def roms_biteship_webhook(self, **_params):
        """Biteship's shipment events (``order.status``, ``order.waybill_id``,
        ``order.price``). Checks in order: body size, the signature header set in
        Biteship's dashboard (403 without it), the JSON document (400), then the
        shipment: an unknown one is answered 200 and ignored, so that Biteship stops
        retrying."""
        httprequest = request.httprequest
        raw_body = webhook.read_body(httprequest, webhook.max_body(MAX_BODY_PARAM))
        if raw_body is None:
            return self._answer("request too large", 413)
        if not raw_body.strip():
            # Biteship checks a new webhook URL with an empty request
            return self._answer("ok")
        carrier = self._signed_carrier(httprequest.headers)
        if not carrier:
            _logger.warning("Biteship webhook: missing or wrong signature")
            return self._answer("forbidden", 403)
        try:
            payload = bounds.parse_json(raw_body)
        except bounds.BoundsError:
            return self._answer("bad payload", 400)
        if not isinstance(payload, dict) or payload.get("event") not in EVENTS:
            return self._answer("bad payload", 400)
        order_id = _ident(payload.get("order_id"))
        picking = (
            request.env["stock.picking"]
            .sudo()
            .search([("roms_biteship_order_id", "=", order_id)], limit=1)
            if order_id
            else None
        )
        if not picking:
            _logger.info("Biteship webhook: unknown shipment %r ignored", order_id)
            return self._answer("ignored")
        # one event of a shipment at a time: a burst is applied in arrival order
        request.env.cr.execute(
            "SELECT id FROM stock_picking WHERE id = %s FOR UPDATE", [picking.id]
        )
        picking.invalidate_recordset()
        event = payload["event"]
        waybill = _ident(payload.get("courier_waybill_id"))
        if event == "order.price":
            price = payload.get("price", payload.get("order_price"))
            try:
                picking.carrier_price = bounds.check_amount(price, 1e12, "price")
            except bounds.BoundsError:
                return self._answer("bad payload", 400)
        else:
            picking._roms_biteship_apply(
                _ident(payload.get("status")) if event == "order.status" else "",
                waybill=waybill,
                link=_link(payload.get("courier_link")),
                moment=_moment(payload.get("updated_at")),
            )
        return self._answer("ok")

    @staticmethod
    def _signed_carrier(headers):
        """The Biteship carrier whose signature header and secret this request
        carries, or None."""
        carriers = (
            request.env["delivery.carrier"]
            .sudo()
            .search(
                [
                    ("delivery_type", "=", "biteship"),
                    ("roms_biteship_webhook_secret", "!=", False),
                ]
            )
        )
        for carrier in carriers:
            header = (carrier.roms_biteship_webhook_header or "").strip()
            given = headers.get(header) if header else None
            if given and hmac.compare_digest(
                given.encode(), carrier.roms_biteship_webhook_secret.encode()
            ):
                return carrier
        return None

    @staticmethod
    def _answer(status, code=200):
        return request.make_response(
            json.dumps({"status": status}),
            headers=[("Content-Type", "application/json")],
            status=code,
        )
