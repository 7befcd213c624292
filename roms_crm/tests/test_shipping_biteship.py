import json
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.roms_crm.controllers.shipping.biteship import WEBHOOK_PATH
from odoo.addons.roms_crm.tests.fake_biteship import FakeBiteship

HEADER = "X-Toko-Signature"
SECRET = "rahasia-webhook-123"
#: the queries of a webhook request once Odoo's caches are warm: ROMS's two (the
#: signed carrier; the INSERT with the look for a due trigger of the cron) and the
#: one of Odoo's request handling
QUERIES_PER_WEBHOOK = 3


@tagged("post_install", "-at_install")
class TestBiteship(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.biteship = FakeBiteship()
        cls.addClassCleanup(cls.biteship.__exit__)
        warehouse = cls.env.ref("stock.warehouse0")
        warehouse.partner_id.write(
            {"zip": "40115", "street": "Jl. Braga 10", "phone": "0227000000"}
        )
        cls.carrier = cls.env["delivery.carrier"].create(
            {
                "name": "Biteship Test",
                "delivery_type": "biteship",
                "integration_level": "rate_and_ship",
                "product_id": cls.env["product.product"]
                .create({"name": "Ongkir Test", "type": "service"})
                .id,
                "roms_biteship_api_key": cls.biteship.api_key,
                "roms_biteship_base_url": cls.biteship.url,
                "roms_biteship_webhook_header": HEADER,
                "roms_biteship_webhook_secret": SECRET,
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Rina Kurir",
                "roms_category": "customer",
                "street": "Jl. Kartini 5",
                "zip": "12950",
                "mobile": "+6281234599001",
                "email": "rina.kurir@example.com",
            }
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Kopi Toraja 250 g",
                "is_storable": True,
                "list_price": 85000,
                "weight": 0.3,
                "taxes_id": [Command.clear()],
            }
        )
        cls.light_product = cls.env["product.product"].create(
            {
                "name": "Stiker Toko",
                "is_storable": True,
                "list_price": 5000,
                "taxes_id": [Command.clear()],
            }
        )
        stock = cls.env.ref("stock.stock_location_stock")
        for product in cls.product | cls.light_product:
            cls.env["stock.quant"]._update_available_quantity(product, stock, 100)

    def setUp(self):
        super().setUp()
        self.biteship.reset()

    # -- helpers ---------------------------------------------------------------

    def _order(self, lines=None):
        return self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": qty})
                    for product, qty in (lines or [(self.product, 2)])
                ],
            }
        )

    def _wizard(self, order):
        wizard = (
            self.env["choose.delivery.carrier"]
            .with_context(default_order_id=order.id, default_carrier_id=self.carrier.id)
            .create({})
        )
        wizard.update_price()
        return wizard

    def _shipped_order(self, service=("sicepat", "best")):
        order = self._order()
        wizard = self._wizard(order)
        wizard.roms_rate_ids.filtered(
            lambda r: (r.courier_code, r.service_code) == service
        ).action_choose()
        wizard.button_confirm()
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.quantity = 2
        picking.move_ids.picked = True
        picking.button_validate()
        return order, picking

    def _webhook(self, payload, header=HEADER, secret=SECRET, raw=None):
        self.env.flush_all()
        response = self.biteship.send_webhook(
            self.base_url() + WEBHOOK_PATH, payload, header, secret, raw=raw
        )
        self.env.invalidate_all()
        return response

    def _apply(self):
        """Run the courier events' queue as its cron does, after the answers."""
        done = self.env["roms.shipping.event"]._cron_process()
        self.env.invalidate_all()
        return done

    # -- rates -----------------------------------------------------------------

    def test_rates_listed_chosen_and_added_to_the_order(self):
        order = self._order([(self.product, 2), (self.light_product, 1)])
        wizard = self._wizard(order)
        rates = wizard.roms_rate_ids.sorted("price")
        self.assertEqual(
            rates.mapped("service_name"), ["EZ", "Reguler", "BEST"], "cheapest first"
        )
        self.assertEqual(rates.mapped("price"), [16000, 18000, 24000])
        self.assertEqual(rates.filtered("is_chosen"), rates[0])
        self.assertEqual(rates[0].duration, "2-3 days")
        self.assertEqual(wizard.delivery_price, 16000)
        self.assertIn("Stiker Toko", wizard.delivery_message, "no weight: warned")
        request = self.biteship.calls("POST", "/v1/rates/couriers")[-1]
        self.assertEqual(request.headers["Authorization"], self.biteship.api_key)
        body = request.json
        self.assertEqual(
            (body["origin_postal_code"], body["destination_postal_code"]),
            (40115, 12950),
        )
        weights = {item["name"]: item["weight"] for item in body["items"]}
        self.assertEqual(weights["Kopi Toraja 250 g"], 300)
        self.assertEqual(weights["Stiker Toko"], 1000, "the carrier's default weight")

        best = rates.filtered(lambda r: r.service_code == "best")
        best.action_choose()
        self.assertEqual(wizard.delivery_price, 24000)
        wizard.button_confirm()
        self.assertEqual(
            order.roms_courier_id, self.env.ref("roms_crm.roms_courier_sicepat")
        )
        self.assertEqual(
            (order.roms_courier_service, order.roms_courier_service_name),
            ("best", "BEST"),
        )
        line = order.order_line.filtered("is_delivery")
        self.assertEqual(line.price_unit, 24000)
        self.assertIn("SiCepat BEST", line.name)

    def test_rate_failure_shows_biteship_message_and_changes_nothing(self):
        order = self._order()
        self.biteship.fail_next(
            400, {"success": False, "error": "Kode pos tujuan tidak ditemukan"}
        )
        wizard = (
            self.env["choose.delivery.carrier"]
            .with_context(default_order_id=order.id, default_carrier_id=self.carrier.id)
            .create({})
        )
        with self.assertRaisesRegex(UserError, "Kode pos tujuan tidak ditemukan"):
            wizard.update_price()
        self.assertFalse(order.order_line.filtered("is_delivery"))
        self.assertFalse(order.roms_courier_id)

    def test_customer_without_postal_code_is_told(self):
        self.customer.zip = False
        wizard = (
            self.env["choose.delivery.carrier"]
            .with_context(
                default_order_id=self._order().id, default_carrier_id=self.carrier.id
            )
            .create({})
        )
        with self.assertRaisesRegex(UserError, "postal code"):
            wizard.update_price()
        self.assertFalse(self.biteship.calls("POST", "/v1/rates"))

    # -- booking ---------------------------------------------------------------

    def test_validation_books_the_courier_and_keeps_the_waybill(self):
        order, picking = self._shipped_order()
        self.assertEqual(picking.state, "done")
        bookings = self.biteship.calls("POST", "/v1/orders")
        self.assertEqual(len(bookings), 1)
        body = bookings[0].json
        self.assertEqual(
            (body["courier_company"], body["courier_type"]), ("sicepat", "best")
        )
        self.assertEqual(body["reference_id"], picking.name)
        self.assertEqual(body["destination_contact_phone"], "+6281234599001")
        booked = self.biteship.orders[picking.roms_biteship_order_id]
        self.assertEqual(picking.roms_biteship_waybill, booked["courier"]["waybill_id"])
        self.assertEqual(picking.carrier_tracking_ref, booked["courier"]["waybill_id"])
        self.assertEqual(order.roms_tracking_number, booked["courier"]["waybill_id"])
        self.assertEqual(order.roms_tracking_link, booked["courier"]["link"])
        self.assertEqual(
            order.roms_stage, "processed", "Shipped when the courier picks it up"
        )
        # "Send to shipper" again books nothing more
        picking.send_to_shipper()
        self.assertEqual(len(self.biteship.calls("POST", "/v1/orders")), 1)

    def test_booking_retried_after_a_server_error_books_once(self):
        self.biteship.fail_next(503, {"success": False, "error": "busy"}, "/v1/orders")
        _order, picking = self._shipped_order()
        bookings = self.biteship.calls("POST", "/v1/orders")
        self.assertEqual(len(bookings), 2)
        self.assertEqual(
            bookings[0].headers["Idempotency-Key"],
            bookings[1].headers["Idempotency-Key"],
        )
        self.assertEqual(len(self.biteship.orders), 1)
        self.assertIn(picking.roms_biteship_order_id, self.biteship.orders)

    def test_booking_refused_leaves_the_delivery_open(self):
        self.biteship.fail_next(
            400,
            {"success": False, "error": "Layanan kurir tidak tersedia"},
            "/v1/orders",
        )
        with self.assertRaisesRegex(UserError, "Layanan kurir tidak tersedia"):
            self._shipped_order()

    def test_cancel_shipment(self):
        _order, picking = self._shipped_order()
        booked_id = picking.roms_biteship_order_id
        picking.cancel_shipment()
        self.assertEqual(self.biteship.orders[booked_id]["status"], "cancelled")
        self.assertFalse(picking.roms_biteship_order_id)
        self.assertFalse(picking.carrier_tracking_ref)

    def test_api_key_goes_only_to_the_configured_host(self):
        # a redirect elsewhere is not followed (it would carry the key)
        self.biteship.fail_next(
            302, None, "/v1/rates", headers={"Location": "http://127.0.0.2:9/steal"}
        )
        order = self._order()
        wizard = (
            self.env["choose.delivery.carrier"]
            .with_context(default_order_id=order.id, default_carrier_id=self.carrier.id)
            .create({})
        )
        with self.assertRaisesRegex(UserError, "redirected"):
            wizard.update_price()
        self.assertEqual(len(self.biteship.requests), 1)

    # -- tracking drives the stages ------------------------------------------

    def test_webhooks_move_the_order_forward_only(self):
        with freeze_time(fields.Datetime.now() - timedelta(days=2)):
            order, picking = self._shipped_order()
        booked_id = picking.roms_biteship_order_id
        response = self._webhook(self.biteship.status_event(booked_id, "picked"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(order.roms_stage, "processed", "applied after the answer")
        self._apply()
        self.assertEqual(order.roms_stage, "shipped")
        last = order.roms_stage_history_ids.sorted("id")[-1]
        self.assertTrue(last.by_courier)
        self.assertEqual(last.tracking_number, picking.roms_biteship_waybill)

        delivered_at = fields.Datetime.now() - timedelta(hours=5)
        self._webhook(
            self.biteship.status_event(
                booked_id, "delivered", delivered_at.strftime("%Y-%m-%dT%H:%M:%S+00:00")
            )
        )
        self._apply()
        self.assertEqual(order.roms_stage, "delivered")
        self.assertEqual(order.roms_delivered_date, delivered_at.replace(microsecond=0))
        history = len(order.roms_stage_history_ids)
        # replayed and late events change nothing
        for status in ("delivered", "picked", "dropping_off", "returned"):
            self.assertEqual(
                self._webhook(
                    self.biteship.status_event(booked_id, status)
                ).status_code,
                200,
            )
        self._apply()
        self.assertEqual(order.roms_stage, "delivered")
        self.assertEqual(len(order.roms_stage_history_ids), history)
        self.assertFalse(order.roms_shipping_exception)

    def test_reminders_count_from_the_courier_delivery(self):
        self.env["roms.reminder.rule"].with_context(active_test=False).search([]).write(
            {"active": False}
        )
        template = self.env["roms.message.template"].create(
            {"name": "Pesan lagi", "template_type": "reminder", "body": "Halo {name}"}
        )
        self.env["roms.reminder.rule"].create(
            {
                "name": "Dua minggu",
                "days_after_delivery": 14,
                "template_id": template.id,
            }
        )
        delivered_at = (fields.Datetime.now() - timedelta(days=3)).replace(
            hour=4, minute=0, second=0, microsecond=0
        )
        with freeze_time(delivered_at - timedelta(days=2)):
            order, picking = self._shipped_order()
        self._webhook(
            self.biteship.status_event(
                picking.roms_biteship_order_id,
                "delivered",
                delivered_at.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
            )
        )
        self._apply()
        self.assertEqual(order.roms_delivered_date, delivered_at)
        Message = self.env["roms.message"]
        with freeze_time(delivered_at + timedelta(days=13)):
            self.env["roms.reminder.rule"]._cron_roms_reminders()
        self.assertFalse(
            Message.search(
                [("kind", "=", "reminder"), ("partner_id", "=", self.customer.id)]
            )
        )
        with freeze_time(delivered_at + timedelta(days=14, hours=1)):
            self.env["roms.reminder.rule"]._cron_roms_reminders()
        self.assertEqual(
            len(
                Message.search(
                    [("kind", "=", "reminder"), ("partner_id", "=", self.customer.id)]
                )
            ),
            1,
        )

    def test_out_of_order_delivered_before_picked(self):
        order, picking = self._shipped_order()
        booked_id = picking.roms_biteship_order_id
        self._webhook(self.biteship.status_event(booked_id, "delivered"))
        self._webhook(self.biteship.status_event(booked_id, "picked"))
        self._apply()
        self.assertEqual(order.roms_stage, "delivered")
        self.assertEqual(picking.roms_biteship_status, "delivered")

    def test_courier_delivery_date_in_the_future_or_absurd_is_not_trusted(self):
        order, picking = self._shipped_order()
        self._webhook(
            self.biteship.status_event(
                picking.roms_biteship_order_id, "delivered", "9999-12-31T23:59:59+07:00"
            )
        )
        self._apply()
        self.assertLessEqual(order.roms_delivered_date, fields.Datetime.now())

    def test_returned_parcel_is_an_exception_for_a_person(self):
        order, picking = self._shipped_order()
        self._webhook(
            self.biteship.status_event(picking.roms_biteship_order_id, "picked")
        )
        self._webhook(
            self.biteship.status_event(picking.roms_biteship_order_id, "returned")
        )
        self._apply()
        self.assertEqual(order.roms_stage, "shipped", "never cancelled by itself")
        self.assertIn("returned", order.roms_shipping_exception)
        self.assertTrue(
            order.activity_ids.filtered(
                lambda a: (
                    a.activity_type_id
                    == self.env.ref("mail.mail_activity_data_warning")
                )
            )
        )

    def test_waybill_event_sets_the_tracking_number(self):
        order, picking = self._shipped_order()
        self._webhook(
            {
                "event": "order.waybill_id",
                "order_id": picking.roms_biteship_order_id,
                "courier_waybill_id": "JNT000111222",
            }
        )
        self._apply()
        self.assertEqual(picking.roms_biteship_waybill, "JNT000111222")
        self.assertEqual(order.roms_tracking_number, "JNT000111222")

    @mute_logger("odoo.addons.roms_crm.controllers.shipping.biteship")
    def test_hostile_webhooks(self):
        order, picking = self._shipped_order()
        Event = self.env["roms.shipping.event"]
        event = self.biteship.status_event(picking.roms_biteship_order_id, "delivered")
        self.assertEqual(self._webhook(event, header=None).status_code, 403)
        self.assertEqual(self._webhook(event, secret="wrong").status_code, 403)
        self.assertEqual(self._webhook(event, header="X-Other-Header").status_code, 403)
        # the signature of an archived carrier is not accepted any more
        self.carrier.active = False
        self.assertEqual(self._webhook(event).status_code, 403)
        self.carrier.active = True
        self.assertFalse(Event.search([]), "nothing written")
        for raw in (
            b"{not json",
            b"[1, 2]",
            b'{"event": "order.status", "x": NaN}',
            b"[" * 5000 + b"]" * 5000,
            b'{"event": "hack"}',
            # JSON once decoded as UTF-16 or UTF-32 (Python guesses the encoding
            # of bytes): webhooks are UTF-8 (RFC 8259)
            json.dumps(event).encode("utf-16"),
            json.dumps(event).encode("utf-16-be"),
            json.dumps(event).encode("utf-32"),
        ):
            self.assertEqual(self._webhook(None, raw=raw).status_code, 400, raw[:20])
        self.assertEqual(
            self._webhook(
                None, raw=b'{"a": "' + b"x" * (1024 * 1024 + 10) + b'"}'
            ).status_code,
            413,
        )
        # unknown shipments and NUL bytes / wildcards in ids: answered, ignored
        for order_id in ("does-not-exist", "%", "abc\x00def", 12345, None, ["x"]):
            response = self._webhook(
                {"event": "order.status", "order_id": order_id, "status": "delivered"}
            )
            self.assertEqual(response.status_code, 200)
        self.assertEqual(
            self._webhook({**event, "status": "no-such-status"}).status_code, 200
        )
        # a price that is no amount is refused before anything is stored
        for price in ("mahal", -1, 1e300, True):
            self.assertEqual(
                self._webhook(
                    {
                        "event": "order.price",
                        "order_id": picking.roms_biteship_order_id,
                        "price": price,
                    }
                ).status_code,
                400,
            )
        self.assertEqual(self._webhook(None, raw=b"").status_code, 200, "URL check")
        # every stored document is bounded: huge texts are cut, objects summarised
        self.assertEqual(
            self._webhook(
                {
                    **self.biteship.status_event("does-not-exist-2", "picked"),
                    "note": "x" * 100_000,
                    "nested": {"deep": ["y" * 1000] * 50},
                }
            ).status_code,
            200,
        )
        with mute_logger("odoo.addons.roms_crm.models.shipping.roms_shipping_event"):
            self._apply()
        self.assertEqual(order.roms_stage, "processed", "nothing written")
        events = Event.search([])
        self.assertEqual(
            sorted(events.mapped("biteship_order_id")),
            sorted(
                ["%", "12345", "abc def", "does-not-exist", "does-not-exist-2"]
                + [picking.roms_biteship_order_id]
            ),
        )
        unknown = events.filtered(
            lambda e: e.biteship_order_id != picking.roms_biteship_order_id
        )
        self.assertEqual(set(unknown.mapped("state")), {"ignored"})
        self.assertEqual((events - unknown).state, "done")
        bounded = events.filtered(lambda e: e.biteship_order_id == "does-not-exist-2")
        self.assertEqual(len(bounded.payload["note"]), 256)
        self.assertEqual(bounded.payload["nested"], "<dict>")

    @mute_logger(
        "odoo.addons.roms_crm.controllers.shipping.biteship",
        "odoo.addons.roms_crm.models.shipping.roms_shipping_event",
    )
    def test_json_values_postgres_refuses_are_kept_readable(self):
        """JSON that Python reads but PostgreSQL's jsonb refuses (1e400 is
        infinite, a lone surrogate, a NUL in a key) or that is absurd (a
        10 kB id, year 0001, -0): answered, never a 500; what is stored reads
        back and the cron runs over it."""
        order, picking = self._shipped_order()
        booked_id = picking.roms_biteship_order_id
        Event = self.env["roms.shipping.event"]
        head = b'{"event": "order.status", "status": "picked", "order_id": '
        bodies = {
            "inf": head + b'"inf-1", "n": 1e400, "m": -1e400}',
            "surrogate": head + b'"sur-1", "note": "a\\ud800b"}',
            "surrogate-key": head + b'"sur-2", "\\udc00": "x"}',
            "nul-key": head + b'"nul-1", "a\\u0000b": 1}',
            "nul-text": head + b'"nul-2", "note": "a\\u0000b"}',
            "minus-zero": head + b'"neg-0", "n": -0, "m": -0.0}',
            "surrogate-id": head + b'"\\ud800"}',
        }
        for name, raw in bodies.items():
            response = self._webhook(None, raw=raw)
            self.assertEqual(response.status_code, 200, name)
        for moment in (
            "0001-01-01T00:00:00+07:00",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59-07:00",
            "1e30",
            "-1",
        ):
            response = self._webhook(
                self.biteship.status_event(booked_id, "picked", moment)
            )
            self.assertEqual(response.status_code, 200, moment)
        response = self._webhook(
            {"event": "order.status", "order_id": "x" * 10_000, "status": "picked"}
        )
        self.assertEqual(response.status_code, 200)
        self._apply()
        events = Event.search([])
        self.assertEqual(
            sorted(set(events.mapped("biteship_order_id"))),
            sorted(
                ["inf-1", "sur-1", "sur-2", "nul-1", "nul-2", "neg-0", "\ufffd"]
                + [booked_id]
            ),
        )
        self.assertEqual(set(events.mapped("state")) - {"done", "ignored"}, set())
        for event in events:
            # what PostgreSQL gives back is what Python stored: JSON both ways
            text = json.dumps(event.payload)
            self.assertNotIn("\\u0000", text)
            self.assertNotIn("\\ud8", text)
            self.assertNotIn("\\udc", text)
            self.assertNotIn("Infinity", text)
        self.assertEqual(order.roms_stage, "shipped")
        self.assertFalse(order.roms_delivered_date)

    @mute_logger("odoo.addons.roms_crm.models.shipping.roms_shipping_event")
    def test_events_signed_for_another_carrier_change_nothing(self):
        """A shop with two Biteship carriers (two accounts, e.g. one per
        company): the secret of one moves only its own shipments. Carriers of
        one Biteship account (same header and secret) sign for each other."""
        order, picking = self._shipped_order()
        booked_id = picking.roms_biteship_order_id
        other = self.carrier.copy(
            {
                "name": "Biteship Cabang",
                "roms_biteship_webhook_header": HEADER,
                "roms_biteship_webhook_secret": "rahasia-cabang-456",
            }
        )
        self.assertEqual(
            self._webhook(
                self.biteship.status_event(booked_id, "delivered"),
                secret="rahasia-cabang-456",
            ).status_code,
            200,
        )
        self._apply()
        self.assertEqual(order.roms_stage, "processed")
        self.assertFalse(order.roms_delivered_date)
        [event] = self.env["roms.shipping.event"].search([])
        self.assertEqual((event.carrier_id, event.state), (other, "ignored"))
        # a carrier of the same Biteship account signs for the shipment
        sibling = self.carrier.copy({"name": "Biteship Same Account"})
        sibling.roms_biteship_webhook_secret = SECRET
        picking.carrier_id = sibling
        self._webhook(self.biteship.status_event(booked_id, "delivered"))
        self._apply()
        self.assertEqual(order.roms_stage, "delivered")

    # -- the queue of courier events ------------------------------------------

    def test_replayed_webhook_stores_one_event(self):
        _order, picking = self._shipped_order()
        Event = self.env["roms.shipping.event"]
        event = self.biteship.status_event(
            picking.roms_biteship_order_id, "picked", "2026-03-03T09:00:00+07:00"
        )
        for _i in range(3):
            self.assertEqual(self._webhook(event).status_code, 200)
        stored = Event.search([])
        self.assertEqual(len(stored), 1)
        self.assertEqual(
            (stored.event, stored.status, stored.courier_date, stored.state),
            ("order.status", "picked", datetime(2026, 3, 3, 2, 0), "pending"),
        )
        self.assertEqual(stored.carrier_id, self.carrier)
        self.assertEqual(self._apply(), 1)
        self.assertEqual(stored.state, "done")
        self.assertEqual(stored.picking_id, picking)
        # a replay after it was applied: still nothing new to apply
        self._webhook(event)
        self.assertEqual(Event.search([]), stored)
        self.assertEqual(self._apply(), 0)

    def test_events_are_applied_in_the_courier_order(self):
        with freeze_time(fields.Datetime.now() - timedelta(days=2)):
            order, picking = self._shipped_order()
        booked_id = picking.roms_biteship_order_id
        picked_at = fields.Datetime.now() - timedelta(hours=30)
        delivered_at = fields.Datetime.now() - timedelta(hours=2)
        # the later courier event arrives first, both wait for the cron
        self._webhook(
            self.biteship.status_event(
                booked_id,
                "delivered",
                delivered_at.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
            )
        )
        self._webhook(
            self.biteship.status_event(
                booked_id, "picked", picked_at.strftime("%Y-%m-%dT%H:%M:%S+00:00")
            )
        )
        self.assertEqual(self._apply(), 2)
        history = order.roms_stage_history_ids.filtered("by_courier").sorted("id")
        self.assertEqual(history.mapped("stage"), ["shipped", "delivered"])
        self.assertEqual(order.roms_stage, "delivered")
        self.assertEqual(order.roms_delivered_date, delivered_at.replace(microsecond=0))
        self.assertEqual(picking.roms_biteship_status, "delivered")

    @mute_logger(
        "odoo.sql_db", "odoo.addons.roms_crm.models.shipping.roms_shipping_event"
    )
    def test_a_failing_event_does_not_block_the_others(self):
        order, picking = self._shipped_order()
        other_order, other_picking = self._shipped_order()
        self.env.flush_all()
        # the database refuses any change of the first delivery (a real failure
        # where the event is applied, rolled back with the test)
        self.env.cr.execute(
            """CREATE FUNCTION roms_test_refuse_picking() RETURNS trigger AS $$
               BEGIN RAISE EXCEPTION 'delivery % is locked by the test', OLD.id;
               END $$ LANGUAGE plpgsql"""
        )
        self.env.cr.execute(
            SQL(
                """CREATE TRIGGER roms_test_refuse_picking
                   BEFORE UPDATE ON stock_picking
                   FOR EACH ROW WHEN (OLD.id = %s)
                   EXECUTE FUNCTION roms_test_refuse_picking()""",
                picking.id,
            )
        )
        self._webhook(
            self.biteship.status_event(picking.roms_biteship_order_id, "picked")
        )
        self._webhook(
            self.biteship.status_event(other_picking.roms_biteship_order_id, "picked")
        )
        Event = self.env["roms.shipping.event"]
        failing = Event.search(
            [("biteship_order_id", "=", picking.roms_biteship_order_id)]
        )
        self.assertEqual(self._apply(), 2)
        self.assertEqual(other_order.roms_stage, "shipped", "applied")
        self.assertEqual(order.roms_stage, "processed")
        self.assertEqual((failing.state, failing.attempts), ("pending", 1))
        self.assertIn("locked by the test", failing.error)
        for _i in range(4):
            self._apply()
        self.assertEqual((failing.state, failing.attempts), ("failed", 5))
        self.assertEqual(self._apply(), 0, "a failed event is not retried forever")
        # mended: the admin applies it again
        self.env.cr.execute("DROP TRIGGER roms_test_refuse_picking ON stock_picking")
        failing.action_retry()
        self.assertEqual(self._apply(), 1)
        self.assertEqual(failing.state, "done")
        self.assertEqual(order.roms_stage, "shipped")

    def test_webhook_request_is_a_few_queries(self):
        _order, picking = self._shipped_order()
        booked_id = picking.roms_biteship_order_id
        # warm the caches (routing, settings, the cron's id) and set a trigger
        self._webhook(self.biteship.status_event(booked_id, "picked"))
        with self.assertQueryCount(QUERIES_PER_WEBHOOK):
            response = self._webhook(self.biteship.status_event(booked_id, "delivered"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(self.env["roms.shipping.event"].search([])), 2)

    # -- polling fallback -------------------------------------------------------

    def test_quiet_shipments_are_polled(self):
        with freeze_time("2026-03-02 08:00:00"):
            order, picking = self._shipped_order()
        booked_id = picking.roms_biteship_order_id
        self.biteship.advance(booked_id, "picked", "2026-03-03T09:00:00+07:00")
        self.biteship.advance(booked_id, "delivered", "2026-03-04T15:30:00+07:00")
        Picking = self.env["stock.picking"].with_context(roms_no_commit=True)
        with freeze_time("2026-03-02 20:00:00"):
            self.assertEqual(Picking._roms_biteship_poll(), 0, "not quiet for 24 h")
        with freeze_time("2026-03-05 10:00:00"):
            self.assertEqual(Picking._roms_biteship_poll(), 1)
        self.assertEqual(order.roms_stage, "delivered")
        self.assertEqual(order.roms_delivered_date, datetime(2026, 3, 4, 8, 30))
        self.assertTrue(order.roms_stage_history_ids.sorted("id")[-1].by_courier)
        with freeze_time("2026-03-07 10:00:00"):
            self.assertEqual(Picking._roms_biteship_poll(), 0, "final: not polled")

    # -- tracking links ---------------------------------------------------------

    def test_typed_resi_gets_the_courier_tracking_page(self):
        order = self._order()
        order.action_confirm()
        order.write(
            {
                "roms_courier_id": self.env.ref("roms_crm.roms_courier_jne").id,
                "roms_tracking_number": "JNE 123/45",
            }
        )
        self.assertEqual(
            order.roms_tracking_link, "https://cekresi.com/?noresi=JNE%20123%2F45"
        )
        template = self.env["roms.message.template"].create(
            {
                "name": "Kirim",
                "template_type": "shipping",
                "body": "Lacak: {tracking_link}",
            }
        )
        self.assertEqual(
            template._render(partner=self.customer, order=order),
            "Lacak: https://cekresi.com/?noresi=JNE%20123%2F45",
        )
        # without a courier page, the customer follows the order's own page
        other = self._order()
        rendered = template._render(partner=self.customer, order=other)
        self.assertIn(f"/my/orders/{other.id}?access_token=", rendered)
        self.assertTrue(rendered.startswith("Lacak: http"))

    def test_courier_tracking_page_must_hold_the_resi(self):
        courier = self.env.ref("roms_crm.roms_courier_jne")
        for url in ("javascript:alert(1)//{resi}", "https://example.com/track"):
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                courier.tracking_url = url
