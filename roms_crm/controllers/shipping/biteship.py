import hmac
import json
import logging

from odoo import http
from odoo.http import request
from odoo.tools import SQL

from ...models.shipping.roms_shipping_event import bounded_payload
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
        Biteship's dashboard (403 without it, nothing written), the JSON document
        (400), then the event is queued (``roms.shipping.event``) and answered 200
        at once; a cron applies it afterwards. An event without a shipment id is
        answered 200 and dropped, an unknown shipment is ignored by the cron: either
        way Biteship stops retrying."""
        httprequest = request.httprequest
        raw_body = webhook.read_body(httprequest, webhook.max_body(MAX_BODY_PARAM))
        if raw_body is None:
            return self._answer("request too large", 413)
        if not raw_body.strip():
            # Biteship checks a new webhook URL with an empty request
            return self._answer("ok")
        carrier_id = self._signed_carrier(httprequest.headers)
        if not carrier_id:
            _logger.warning("Biteship webhook: missing or wrong signature")
            return self._answer("forbidden", 403)
        try:
            payload = bounds.parse_json(raw_body)
        except bounds.BoundsError:
            return self._answer("bad payload", 400)
        if not isinstance(payload, dict) or payload.get("event") not in EVENTS:
            return self._answer("bad payload", 400)
        order_id = _ident(payload.get("order_id"))
        if not order_id:
            _logger.info("Biteship webhook: event without a shipment id ignored")
            return self._answer("ignored")
        event = payload["event"]
        values = {
            "biteship_order_id": order_id,
            "event": event,
            "status": _ident(payload.get("status")) if event == "order.status" else "",
            "waybill": _ident(payload.get("courier_waybill_id")),
            "link": _link(payload.get("courier_link")),
            "courier_date": _moment(payload.get("updated_at")),
        }
        if event == "order.price":
            price = payload.get("price", payload.get("order_price"))
            try:
                values["price"] = bounds.check_amount(price, 1e12, "price")
            except bounds.BoundsError:
                return self._answer("bad payload", 400)
        request.env["roms.shipping.event"]._enqueue(
            carrier_id, values, bounded_payload(payload)
        )
        return self._answer("ok")

    @staticmethod
    def _signed_carrier(headers):
        """The id of the active Biteship carrier whose signature header and secret
        this request carries, or None. One query (the secrets are admin-only
        fields: read as the webhook, not through the public user)."""
        rows = request.env.execute_query(
            SQL(
                """SELECT id, roms_biteship_webhook_header, roms_biteship_webhook_secret
                     FROM delivery_carrier
                    WHERE delivery_type = 'biteship' AND active
                      AND roms_biteship_webhook_secret IS NOT NULL
                      AND roms_biteship_webhook_secret != ''
                 ORDER BY id"""
            )
        )
        for carrier_id, header, secret in rows:
            header = (header or "").strip()
            given = headers.get(header) if header else None
            if given and hmac.compare_digest(given.encode(), secret.encode()):
                return carrier_id
        return None

    @staticmethod
    def _answer(status, code=200):
        return request.make_response(
            json.dumps({"status": status}),
            headers=[("Content-Type", "application/json")],
            status=code,
        )
