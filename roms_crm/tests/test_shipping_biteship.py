from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.roms_crm.controllers.shipping.biteship import WEBHOOK_PATH
from odoo.addons.roms_crm.tests.fake_biteship import FakeBiteship

HEADER = "X-Toko-Signature"
SECRET = "rahasia-webhook-123"


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
        order.invalidate_recordset()
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
        order.invalidate_recordset()
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
        order.invalidate_recordset()
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
        order.invalidate_recordset()
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
        order.invalidate_recordset()
        self.assertEqual(order.roms_stage, "delivered")
        self.assertEqual(picking.roms_biteship_status, "delivered")

    def test_courier_delivery_date_in_the_future_or_absurd_is_not_trusted(self):
        order, picking = self._shipped_order()
        self._webhook(
            self.biteship.status_event(
                picking.roms_biteship_order_id, "delivered", "9999-12-31T23:59:59+07:00"
            )
        )
        order.invalidate_recordset()
        self.assertLessEqual(order.roms_delivered_date, fields.Datetime.now())

    def test_returned_parcel_is_an_exception_for_a_person(self):
        order, picking = self._shipped_order()
        self._webhook(
            self.biteship.status_event(picking.roms_biteship_order_id, "picked")
        )
        self._webhook(
            self.biteship.status_event(picking.roms_biteship_order_id, "returned")
        )
        order.invalidate_recordset()
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
        order.invalidate_recordset()
        picking.invalidate_recordset()
        self.assertEqual(picking.roms_biteship_waybill, "JNT000111222")
        self.assertEqual(order.roms_tracking_number, "JNT000111222")

    @mute_logger("odoo.addons.roms_crm.controllers.shipping.biteship")
    def test_hostile_webhooks(self):
        order, picking = self._shipped_order()
        event = self.biteship.status_event(picking.roms_biteship_order_id, "delivered")
        self.assertEqual(self._webhook(event, header=None).status_code, 403)
        self.assertEqual(self._webhook(event, secret="wrong").status_code, 403)
        self.assertEqual(self._webhook(event, header="X-Other-Header").status_code, 403)
        for raw in (
            b"{not json",
            b"[1, 2]",
            b'{"event": "order.status", "x": NaN}',
            b"[" * 5000 + b"]" * 5000,
            b'{"event": "hack"}',
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
        order.invalidate_recordset()
        self.assertEqual(order.roms_stage, "processed", "nothing written")
        self.assertEqual(self._webhook(None, raw=b"").status_code, 200, "URL check")

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
