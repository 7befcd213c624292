"""A real HTTP server on 127.0.0.1 that stands in for Biteship's API.

It speaks the documented endpoints ROMS uses (``POST /v1/rates/couriers``,
``POST /v1/orders``, ``GET /v1/orders/{id}``, ``POST /v1/orders/{id}/cancel``,
``GET /v1/trackings/{id}``), checks the API key in ``Authorization``, honours an
``Idempotency-Key`` (a retried booking returns the first one), records every
request, can be told to fail, and sends webhooks the way Biteship does (JSON with the
signature header configured in its dashboard)::

    with FakeBiteship() as biteship:
        carrier.roms_biteship_base_url = biteship.url
        ...
        biteship.send_webhook(url, biteship.status_event(order_id, "delivered"))
"""

import json
import time
import uuid

import requests

try:
    from .fake_server import FakeServer
except ImportError:  # a top-level module (setup/shipping_screenshots.py)
    from fake_server import FakeServer

PRICING = [
    {
        "courier_name": "JNE",
        "courier_code": "jne",
        "courier_service_name": "Reguler",
        "courier_service_code": "reg",
        "type": "regular",
        "description": "Layanan reguler",
        "duration": "2 - 3 days",
        "shipment_duration_range": "2 - 3",
        "shipment_duration_unit": "days",
        "price": 18000,
    },
    {
        "courier_name": "SiCepat",
        "courier_code": "sicepat",
        "courier_service_name": "BEST",
        "courier_service_code": "best",
        "type": "express",
        "description": "Besok sampai tujuan",
        "duration": "1 days",
        "shipment_duration_range": "1",
        "shipment_duration_unit": "days",
        "price": 24000,
    },
    {
        "courier_name": "J&T",
        "courier_code": "jnt",
        "courier_service_name": "EZ",
        "courier_service_code": "ez",
        "type": "regular",
        "description": "Layanan reguler",
        "duration": "2 - 3 days",
        "shipment_duration_range": "2 - 3",
        "shipment_duration_unit": "days",
        "price": 16000,
    },
]


class FakeBiteship(FakeServer):
    def __init__(self, api_key="biteship-test-key"):
        self.api_key = api_key
        self.orders = {}  # Biteship order id → order answer
        self.idempotency = {}  # Idempotency-Key → order id
        self.history = {}  # tracking id → [history entries]
        self.pricing = [dict(p) for p in PRICING]
        super().__init__()

    # -- scripting (and fail_next, redirect_next of FakeServer) -----------------

    def reset(self):
        """Forget the requests, scripted failures and booked shipments (between
        tests: each test's database is rolled back)."""
        with self._lock:
            self.requests.clear()
            self._failures.clear()
            self.orders.clear()
            self.idempotency.clear()
            self.history.clear()

    def calls(self, method, path_contains):
        return [
            r for r in self.requests if r.method == method and path_contains in r.path
        ]

    # -- the API -----------------------------------------------------------------

    @staticmethod
    def error(status, message, code=40000001):
        return status, {"success": False, "error": message, "code": code}, None

    def handle(self, record):
        if record.headers.get("Authorization") != self.api_key:
            return self.error(401, "Authorization failed", 40101001)
        path = record.path
        if record.method == "POST" and path == "/v1/rates/couriers":
            body = record.json
            for key in ("origin_postal_code", "destination_postal_code", "items"):
                if not body.get(key):
                    return self.error(400, f"{key} is required")
            wanted = body.get("couriers", "biteship")
            pricing = [
                p
                for p in self.pricing
                if wanted == "biteship" or p["courier_code"] in wanted.split(",")
            ]
            return (
                200,
                {"success": True, "object": "courier_pricing", "pricing": pricing},
                None,
            )
        if record.method == "POST" and path == "/v1/orders":
            return self._create_order(record)
        parts = path.strip("/").split("/")
        if record.method == "GET" and parts[:2] == ["v1", "orders"] and len(parts) == 3:
            order = self.orders.get(parts[2])
            return (200, order, None) if order else self.error(404, "Order not found")
        if (
            record.method == "POST"
            and parts[:2] == ["v1", "orders"]
            and parts[3:] == ["cancel"]
        ):
            order = self.orders.get(parts[2])
            if not order:
                return self.error(404, "Order not found")
            order["status"] = "cancelled"
            return 200, {"success": True, **order}, None
        if (
            record.method == "GET"
            and parts[:2] == ["v1", "trackings"]
            and len(parts) == 3
        ):
            for order in self.orders.values():
                if order["courier"]["tracking_id"] == parts[2]:
                    return 200, self.tracking(order), None
            return self.error(404, "Tracking not found")
        return self.error(404, "Not found")

    def _create_order(self, record):
        body = record.json
        for key in (
            "origin_contact_name",
            "origin_address",
            "origin_postal_code",
            "destination_contact_name",
            "destination_address",
            "destination_postal_code",
            "courier_company",
            "courier_type",
            "items",
        ):
            if not body.get(key):
                return self.error(400, f"{key} is required")
        key = record.headers.get("Idempotency-Key")
        with self._lock:
            if key and key in self.idempotency:
                return 200, self.orders[self.idempotency[key]], None
            order_id = uuid.uuid4().hex[:24]
            tracking_id = uuid.uuid4().hex[:24]
            order = {
                "success": True,
                "object": "order",
                "id": order_id,
                "reference_id": body.get("reference_id"),
                "courier": {
                    "tracking_id": tracking_id,
                    "waybill_id": f"WYB{len(self.orders) + 1:010d}",
                    "company": body["courier_company"],
                    "type": body["courier_type"],
                    "link": f"https://track.example.com/{tracking_id}",
                },
                "price": next(
                    (
                        p["price"]
                        for p in self.pricing
                        if p["courier_code"] == body["courier_company"]
                        and p["courier_service_code"] == body["courier_type"]
                    ),
                    20000,
                ),
                "status": "confirmed",
            }
            self.orders[order_id] = order
            self.history[tracking_id] = [
                {
                    "status": "confirmed",
                    "note": "Order has been confirmed.",
                    "updated_at": time.strftime(
                        "%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()
                    ),
                }
            ]
            if key:
                self.idempotency[key] = order_id
        return 200, order, None

    def advance(self, order_id, status, updated_at):
        """The courier moved the shipment (what the tracking then tells)."""
        order = self.orders[order_id]
        order["status"] = status
        self.history[order["courier"]["tracking_id"]].append(
            {"status": status, "note": status, "updated_at": updated_at}
        )

    def tracking(self, order):
        tracking_id = order["courier"]["tracking_id"]
        return {
            "success": True,
            "object": "tracking",
            "id": tracking_id,
            "waybill_id": order["courier"]["waybill_id"],
            "courier": {"company": order["courier"]["company"]},
            "history": self.history[tracking_id],
            "link": order["courier"]["link"],
            "order_id": order["id"],
            "status": order["status"],
        }

    # -- webhooks --------------------------------------------------------------------

    def status_event(self, order_id, status, updated_at=None):
        order = self.orders.get(order_id, {"courier": {}})
        event = {
            "event": "order.status",
            "order_id": order_id,
            "courier_tracking_id": order["courier"].get("tracking_id"),
            "courier_waybill_id": order["courier"].get("waybill_id"),
            "courier_company": order["courier"].get("company"),
            "courier_type": order["courier"].get("type"),
            "courier_link": order["courier"].get("link"),
            "status": status,
        }
        if updated_at:
            event["updated_at"] = updated_at
        return event

    @staticmethod
    def send_webhook(url, payload, header=None, secret=None, raw=None):
        headers = {"Content-Type": "application/json"}
        if header:
            headers[header] = secret
        data = raw if raw is not None else json.dumps(payload).encode()
        return requests.post(url, data=data, headers=headers, timeout=30)
