import json

from odoo.tests import tagged

from .common import OrderApiCase


@tagged("post_install", "-at_install")
class TestOrderApiShipping(OrderApiCase):
    """The order API's ``shipping`` object: courier, service and cost."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.carrier = cls.env["delivery.carrier"].create(
            {
                "name": "Biteship API",
                "delivery_type": "biteship",
                "product_id": cls.env["product.product"]
                .create({"name": "Ongkir API", "type": "service"})
                .id,
            }
        )

    def test_order_with_shipping_gets_a_delivery_line(self):
        payload = self._payload(
            shipping={"courier": "JNE", "service": "reg", "cost": 18000}
        )
        response = self._call("POST", "/api/v1/orders", payload)
        self.assertEqual(response.status_code, 201, response.text)
        data = response.json()
        order = self.env["sale.order"].browse(data["id"])
        self.assertEqual(
            order.roms_courier_id, self.env.ref("roms_crm.roms_courier_jne")
        )
        self.assertEqual(order.roms_courier_service, "reg")
        line = order.order_line.filtered("is_delivery")
        self.assertEqual(
            (line.product_id, line.price_unit), (self.carrier.product_id, 18000)
        )
        self.assertEqual(order.carrier_id, self.carrier)
        self.assertEqual(
            data["shipping"],
            {"courier": "jne", "service": "reg", "cost": 18000, "tracking_link": None},
        )
        # a resi set later gives the courier's tracking page
        response = self._call(
            "PATCH",
            "/api/v1/orders/WC-1?source=woocommerce",
            {"tracking_number": "JNE0001"},
        )
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(
            response.json()["shipping"]["tracking_link"],
            "https://cekresi.com/?noresi=JNE0001",
        )

    def test_hostile_shipping_writes_nothing(self):
        before = self._counts()
        cases = [
            ({"courier": "%", "cost": 1}, "shipping.courier", "unknown_courier"),
            ({"courier": "nope", "cost": 1}, "shipping.courier", "unknown_courier"),
            ({"courier": "j%", "cost": 1}, "shipping.courier", "unknown_courier"),
            ({"courier": "jne", "cost": 1e30}, "shipping.cost", None),
            ({"courier": "jne", "cost": -5}, "shipping.cost", None),
            ({"courier": "jne", "cost": "10"}, "shipping.cost", None),
            ({"courier": "jne"}, "shipping.cost", "required"),
            ({"courier": "jne", "cost": 1, "x": 1}, "shipping.x", "unknown_field"),
            (
                {"courier": "jne", "service": "s" * 40, "cost": 1},
                "shipping.service",
                None,
            ),
            ([1], "shipping", None),
        ]
        for shipping, field, code in cases:
            with self.subTest(shipping=shipping):
                response = self._call(
                    "POST", "/api/v1/orders", self._payload(shipping=shipping)
                )
                self.assertError(response, 422, code, field)
        raw = self._payload()
        response = self._call(
            "POST",
            "/api/v1/orders",
            raw=json.dumps(raw)[:-1] + ', "shipping": {"courier": "jne", "cost": NaN}}',
        )
        self.assertIn(response.status_code, (400, 422))
        self.assertNothingWritten(before)

    def test_shop_without_biteship_is_told(self):
        self.env["delivery.carrier"].with_context(active_test=False).search(
            [("delivery_type", "=", "biteship")]
        ).unlink()
        before = self._counts()
        response = self._call(
            "POST",
            "/api/v1/orders",
            self._payload(shipping={"courier": "jne", "cost": 1}),
        )
        self.assertError(response, 422, "no_shipping_method", "shipping")
        self.assertNothingWritten(before)
