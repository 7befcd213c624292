"""The customer chooses the shipping on the reorder link's page, among the
methods the shop offers on the portal, Biteship's courier services among them."""

from unittest.mock import patch

from lxml import html

from odoo import Command
from odoo.tests import tagged

from .fake_biteship import FakeBiteship
from .test_reorder_link import ReorderLinkCommon, by_class


@tagged("post_install", "-at_install")
class TestReorderLinkShipping(ReorderLinkCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.biteship = FakeBiteship()
        cls.addClassCleanup(cls.biteship.__exit__)
        warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        warehouse.partner_id.write({"zip": "40115", "street": "Jl. Braga 10"})
        cls.customer.zip = "40132"
        cls.office.zip = "40111"
        (cls.coffee | cls.sugar).weight = 0.5

        def carrier(name, **values):
            product = cls.env["product.product"].create(
                {"name": name, "type": "service", "taxes_id": [Command.clear()]}
            )
            return cls.env["delivery.carrier"].create(
                {"name": name, "product_id": product.id, "roms_portal": True, **values}
            )

        cls.own_courier = carrier(
            "Kurir Toko Link", delivery_type="fixed", fixed_price=15000
        )
        cls.biteship_carrier = carrier(
            "Biteship Link",
            delivery_type="biteship",
            roms_biteship_api_key=cls.biteship.api_key,
            roms_biteship_base_url=cls.biteship.url,
        )
        cls.best = f"{cls.biteship_carrier.id}:sicepat:best"

    def setUp(self):
        super().setUp()
        self.biteship.reset()

    def _page(self, link, **params):
        query = "&".join(f"{key}={value}" for key, value in params.items())
        response = self.url_open(self._path(link) + (f"?{query}" if query else ""))
        self.assertEqual(response.status_code, 200)
        return html.fromstring(response.content)

    def _options(self, page):
        return [
            option.get("data-option")
            for option in by_class(page, "o_roms_shipping_option")
        ]

    def test_page_offers_the_shipping_and_orders_with_the_chosen_courier(self):
        link = self._link()
        page = self._page(link)
        self.assertEqual(
            self._options(page),
            ["Kurir Toko Link", "J&T EZ", "JNE Reguler", "SiCepat BEST"],
        )
        self.assertIn("24.000", page.text_content(), "prices in Indonesian")
        shown_for = page.xpath("//input[@name='shipping_address']")[0].get("value")
        self.assertEqual(shown_for, str(self.customer.id))
        rates = [r for r in self.biteship.requests if r.path == "/v1/rates/couriers"]
        self.assertEqual(rates[-1].json["destination_postal_code"], 40132)

        response = self._post(
            link,
            self._form(link, shipping=self.best, shipping_address=shown_for),
        )
        self.assertEqual(response.status_code, 303)
        order = self._orders()
        self.assertEqual(len(order), 1)
        line = order.order_line.filtered("is_delivery")
        self.assertEqual(line.price_unit, 24000, "the server's price")
        self.assertEqual(order.carrier_id, self.biteship_carrier)
        self.assertEqual(
            (order.roms_courier_id.code, order.roms_courier_service),
            ("sicepat", "best"),
        )
        self.assertEqual(link.order_id, order)

    def test_the_page_computes_its_offer_once(self):
        """The page and its shipping costs share one offer (its prices and
        stock): ``_offer`` is counted, not replaced, on a real request."""
        Link = self.registry["roms.reorder.link"]
        offer = Link._offer
        calls = []

        def counted_offer(link):
            calls.append(link.id)
            return offer(link)

        link = self._link()
        for params in ({}, {"address": self.office.id}):
            calls.clear()
            self.biteship.reset()
            with patch.object(Link, "_offer", counted_offer):
                page = self._page(link, **params)
            self.assertEqual(
                self._options(page),
                ["Kurir Toko Link", "J&T EZ", "JNE Reguler", "SiCepat BEST"],
            )
            self.assertEqual(calls, [link.id], params)
            self.assertEqual(len(self.biteship.requests), 1, "one rates request")

    def test_the_shops_own_courier(self):
        link = self._link()
        response = self._post(
            link,
            self._form(
                link,
                shipping=str(self.own_courier.id),
                shipping_address=str(self.customer.id),
            ),
        )
        self.assertEqual(response.status_code, 303)
        order = self._orders()
        self.assertEqual(order.carrier_id, self.own_courier)
        self.assertEqual(order.order_line.filtered("is_delivery").price_unit, 15000)
        self.assertFalse(order.roms_courier_id)

    def test_tampered_or_missing_choice_orders_nothing(self):
        link = self._link()
        hidden = self.own_courier.copy(
            {"name": "Tidak Ditawarkan", "roms_portal": False}
        )
        for shipping in (
            None,
            "",
            str(hidden.id),
            f"{self.biteship_carrier.id}:sicepat:gratis",
            "1 OR 1=1",
            "x" * 5000,
            "\x00",
        ):
            data = self._form(link, shipping_address=str(self.customer.id))
            if shipping is not None:
                data["shipping"] = shipping
            response = self._post(link, data)
            self.assertEqual(response.status_code, 400, shipping)
            self.assertIn("Choose how your order is shipped.", response.text)
            self.assertFalse(self._orders())
            self.assertFalse(link.order_id)

    def test_another_address_shows_its_costs_first(self):
        link = self._link()
        page = self._page(link, address=self.office.id)
        self.assertEqual(
            page.xpath("//input[@name='shipping_address']")[0].get("value"),
            str(self.office.id),
            "the page's costs for the address asked for",
        )
        response = self._post(
            link,
            self._form(
                link,
                address=str(self.office.id),
                shipping=self.best,
                shipping_address=str(self.customer.id),
                **{f"qty_{self.coffee.id}": "4"},
            ),
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._orders(), "nothing ordered before the new costs")
        page = html.fromstring(response.content)
        self.assertEqual(
            page.xpath("//input[@name='shipping_address']")[0].get("value"),
            str(self.office.id),
        )
        self.assertEqual(
            page.xpath(f"//input[@name='qty_{self.coffee.id}']")[0].get("value"),
            "4",
            "what the customer typed is kept",
        )
        self.assertEqual(
            page.xpath("//input[@name='shipping'][@checked]")[0].get("value"),
            self.best,
        )
        rates = [r for r in self.biteship.requests if r.path == "/v1/rates/couriers"]
        self.assertEqual(rates[-1].json["destination_postal_code"], 40111)
        response = self._post(
            link,
            self._form(
                link,
                address=str(self.office.id),
                shipping=self.best,
                shipping_address=str(self.office.id),
            ),
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self._orders().partner_shipping_id, self.office)

    def test_courier_down_still_offers_the_shops_own(self):
        link = self._link()
        self.biteship.fail_next(503, {"success": False, "error": "down"})
        page = self._page(link)
        self.assertEqual(self._options(page), ["Kurir Toko Link"])
        self.assertTrue(page.xpath("//p[contains(@class, 'text-warning')]"))

    def test_nothing_offered_on_the_portal_orders_as_before(self):
        (self.own_courier | self.biteship_carrier).roms_portal = False
        link = self._link()
        self.assertFalse(self._options(self._page(link)))
        response = self._post(link, self._form(link))
        self.assertEqual(response.status_code, 303)
        self.assertFalse(self._orders().order_line.filtered("is_delivery"))
        self.assertFalse(self.biteship.requests)
