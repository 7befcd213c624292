"""The shipping case of ./setup/bench (registered by bench_runner.py).

``shipping_webhook``: signed Biteship tracking webhooks per second through the real
HTTP stack of a running Odoo server, against Odoo's trivial JSON route on the same
server; higher is better, target ratio >= 0.5.

It runs on the WhatsApp case's server and database (``roms_bench_whatsapp``, which
holds roms_crm). Before each measured run (untimed), it books 100 orders: confirmed
orders whose delivery carries a Biteship shipment id; the run then sends each
shipment's life — picked, dropping off, delivered — so every webhook is a new courier
event. The webhook verifies the signature, stores the event (``roms.shipping.event``)
and answers; applying it to the order is the cron's work, after the answer (the
server runs without cron threads). After the timing, the run checks that every event
was stored.
"""

import contextlib
import time
import uuid
import xmlrpc.client

import bench_whatsapp
import requests

ORDERS_PER_RUN = 100
STATUSES = ("picked", "dropping_off", "delivered")
HEADER = "X-Bench-Signature"
SECRET = "bench-biteship-secret"


class ShippingWebhook(bench_whatsapp.WhatsappWebhook):
    """Ours: signed ``order.status`` webhooks of booked shipments per second.
    Floor: JSON-RPC calls of /web/webclient/version_info per second. Same server,
    one keep-alive client, sequential requests."""

    def setup(self, env):
        super().setup(env)
        self.url = f"{self.base}/roms/shipping/biteship/webhook"
        self.rpc = xmlrpc.client.ServerProxy(f"{self.base}/xmlrpc/2/object")
        common = xmlrpc.client.ServerProxy(f"{self.base}/xmlrpc/2/common")
        self.uid = common.authenticate(self.db, "admin", "admin", {})
        if not self.uid:
            raise RuntimeError("admin/admin cannot log in to the bench database")
        # goods (not tracked in stock): every confirmed order gets its delivery
        self.product_id = self._call(
            "product.product",
            "create",
            [{"name": "Bench Kopi", "type": "consu", "list_price": 50000}],
        )
        delivery_product = self._call(
            "product.product", "create", [{"name": "Bench Ongkir", "type": "service"}]
        )
        self.carrier_id = self._call(
            "delivery.carrier",
            "create",
            [
                {
                    "name": "Bench Biteship",
                    "delivery_type": "biteship",
                    "product_id": delivery_product,
                    "roms_biteship_webhook_header": HEADER,
                    "roms_biteship_webhook_secret": SECRET,
                }
            ],
        )
        self.partner_id = self._call(
            "res.partner", "create", [{"name": "Bench Pelanggan", "zip": "12950"}]
        )
        self.detail = (
            f"{ORDERS_PER_RUN * len(STATUSES)} requests per run on {self.db}, "
            f"{ORDERS_PER_RUN} shipments each picked, dropping off, delivered; "
            "events queued for the cron"
        )

    def _call(self, model, method, args, kwargs=None):
        return self.rpc.execute_kw(
            self.db, self.uid, "admin", model, method, args, kwargs or {}
        )

    def _book(self):
        """ORDERS_PER_RUN confirmed orders with a booked Biteship shipment."""
        line = [0, 0, {"product_id": self.product_id, "product_uom_qty": 1}]
        order_ids = self._call(
            "sale.order",
            "create",
            [[{"partner_id": self.partner_id, "order_line": [line]}] * ORDERS_PER_RUN],
        )
        self._call("sale.order", "action_confirm", [order_ids])
        pickings = self._call(
            "stock.picking",
            "search_read",
            [[("sale_id", "in", order_ids)]],
            {"fields": ["id"]},
        )
        shipments = []
        for picking in pickings:
            shipment = uuid.uuid4().hex[:24]
            self._call(
                "stock.picking",
                "write",
                [
                    [picking["id"]],
                    {
                        "roms_biteship_order_id": shipment,
                        "roms_biteship_status": "confirmed",
                    },
                ],
            )
            shipments.append(shipment)
        return shipments

    def ours(self, env):
        shipments = self._book()  # the shop's work before the courier's: not timed
        bodies = [
            requests.models.complexjson.dumps(
                {
                    "event": "order.status",
                    "order_id": shipment,
                    "courier_waybill_id": f"WYB{shipment[:10]}",
                    "courier_company": "jne",
                    "courier_type": "reg",
                    "status": status,
                }
            ).encode()
            for status in STATUSES
            for shipment in shipments
        ]
        started = time.perf_counter()
        for body in bodies:
            response = self.session.post(
                self.url,
                data=body,
                headers={"Content-Type": "application/json", HEADER: SECRET},
                timeout=30,
            )
            if response.status_code != 200:
                raise RuntimeError(f"webhook answered {response.status_code}")
        rate = len(bodies) / (time.perf_counter() - started)
        stored = self._call(
            "roms.shipping.event",
            "search_count",
            [[("biteship_order_id", "in", shipments)]],
        )
        if stored != len(bodies):
            raise RuntimeError(f"{stored} courier events stored of {len(bodies)}")
        return rate

    def finish(self):
        # the bench's shipping method stays in its database, archived
        with contextlib.suppress(OSError, xmlrpc.client.Error):
            self._call(
                "delivery.carrier", "write", [[self.carrier_id], {"active": False}]
            )
        super().finish()


def register(case, Case):
    case("shipping_webhook", target=0.5, unit="req/s")(
        type("ShippingWebhook", (ShippingWebhook, Case), {})
    )
