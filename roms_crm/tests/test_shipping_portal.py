from odoo import Command
from odoo.tests import tagged

from .fake_biteship import FakeBiteship
from .test_reseller_portal import ResellerPortalCommon


@tagged("post_install", "-at_install")
class TestResellerCartShipping(ResellerPortalCommon):
    """The reseller chooses the shipping of the cart among the methods the shop
    offers on the portal, Biteship's courier services among them."""

    browser_size = "375x812"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.biteship = FakeBiteship()
        cls.addClassCleanup(cls.biteship.__exit__)
        cls.warehouse.partner_id.write({"zip": "40115", "street": "Jl. Braga 10"})
        cls.reseller.write(
            {"zip": "12950", "street": "Jl. Kartini 5", "mobile": "+6281234599002"}
        )

        def carrier(name, **values):
            product = cls.env["product.product"].create(
                {"name": name, "type": "service", "taxes_id": [Command.clear()]}
            )
            return cls.env["delivery.carrier"].create(
                {"name": name, "product_id": product.id, "roms_portal": True, **values}
            )

        cls.own_courier = carrier(
            "Kurir Toko Tes", delivery_type="fixed", fixed_price=15000
        )
        cls.hidden_carrier = carrier(
            "Tidak Ditawarkan", delivery_type="fixed", fixed_price=1, roms_portal=False
        )
        cls.biteship_carrier = carrier(
            "Biteship Tes",
            delivery_type="biteship",
            roms_biteship_api_key=cls.biteship.api_key,
            roms_biteship_base_url=cls.biteship.url,
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.coffee, cls.warehouse.lot_stock_id, 50
        )

    def setUp(self):
        super().setUp()
        self.biteship.reset()

    def _fill_cart(self):
        self.authenticate("roms_res1", "roms_res1")
        self._post("/my/catalog/cart/add", **{f"qty_{self.coffee.id}": "2"})
        return self._cart(self.reseller)

    def _place(self, cart, **data):
        return self._post(
            "/my/catalog/cart/place",
            address_id=str(cart.partner_shipping_id.id),
            note="",
            **data,
        )

    def test_cart_offers_the_portal_shipping_and_places_with_a_courier(self):
        cart = self._fill_cart()
        page = self._text(self.url_open("/my/catalog/cart"))
        self.assertIn("Kurir Toko Tes", page)
        self.assertIn("SiCepat BEST", page)
        self.assertIn("J&T EZ", page)
        self.assertNotIn("Tidak Ditawarkan", page, "not offered on the portal")
        key = f"{self.biteship_carrier.id}:sicepat:best"
        response = self._place(cart, shipping=key)
        self.assertEqual(response.status_code, 200)
        cart.invalidate_recordset()
        self.assertFalse(cart.roms_portal_cart, "placed")
        self.assertEqual(cart.state, "sale")
        line = cart.order_line.filtered("is_delivery")
        self.assertEqual(line.price_unit, 24000, "the server's price")
        self.assertEqual(cart.roms_courier_id.code, "sicepat")
        self.assertEqual(cart.roms_courier_service, "best")
        self.assertIn("SiCepat BEST", line.name)

    def test_own_courier_at_its_price(self):
        cart = self._fill_cart()
        self.assertIn("13,500", self._text(self.url_open("/my/catalog/cart")))
        self._place(cart, shipping=str(self.own_courier.id))
        cart.invalidate_recordset()
        self.assertEqual(cart.state, "sale")
        self.assertEqual(cart.carrier_id, self.own_courier)
        # Odoo prices a fixed-price method through the order's pricelist: the
        # reseller's 10 % applies to it as it does in the backend
        self.assertEqual(cart.order_line.filtered("is_delivery").price_unit, 13500)
        self.assertFalse(cart.roms_courier_id)

    def test_tampered_or_missing_choice_places_nothing(self):
        cart = self._fill_cart()
        for shipping in (
            None,
            "",
            str(self.hidden_carrier.id),
            f"{self.biteship_carrier.id}:sicepat:gratis",
            f"{self.biteship_carrier.id}:sicepat:best:0",
            "1 OR 1=1",
            "x" * 5000,
        ):
            data = {} if shipping is None else {"shipping": shipping}
            response = self._place(cart, **data)
            self.assertIn("roms_error=shipping", response.url)
            cart.invalidate_recordset()
            self.assertTrue(cart.roms_portal_cart, "still a cart")
            self.assertFalse(cart.order_line.filtered("is_delivery"))

    def test_courier_down_still_offers_the_shops_own(self):
        self._fill_cart()
        self.biteship.fail_next(503, {"success": False, "error": "down"})
        page = self._text(self.url_open("/my/catalog/cart"))
        self.assertIn("Kurir Toko Tes", page)
        self.assertNotIn("SiCepat", page)
        self.assertIn("Courier rates cannot be fetched right now", page)

    def test_another_address_shows_its_costs_first(self):
        cart = self._fill_cart()
        other = self.env["res.partner"].create(
            {
                "name": "Gudang Reseller",
                "type": "delivery",
                "parent_id": self.reseller.id,
                "street": "Jl. Lain 1",
                "zip": "60111",
            }
        )
        response = self._post(
            "/my/catalog/cart/place",
            address_id=str(other.id),
            note="",
            shipping=f"{self.biteship_carrier.id}:sicepat:best",
        )
        self.assertIn("roms_error=shipping_address", response.url)
        cart.invalidate_recordset()
        self.assertTrue(cart.roms_portal_cart)
        self.assertEqual(cart.partner_shipping_id, other)
        self.assertEqual(
            self.biteship.calls("POST", "/v1/rates")[-1].json[
                "destination_postal_code"
            ],
            60111,
        )

    def test_reseller_chooses_a_courier_on_a_phone(self):
        self._fill_cart()
        self.start_tour("/my/catalog/cart", "roms_reseller_shipping", login="roms_res1")
        order = self.env["sale.order"].search(
            [("partner_id", "=", self.reseller.id), ("state", "=", "sale")]
        )
        self.assertEqual(len(order), 1)
        self.assertEqual(order.roms_courier_id.code, "jnt")
        self.assertEqual(order.order_line.filtered("is_delivery").price_unit, 16000)
