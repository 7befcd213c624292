"""The personal reorder link of a reminder: from the message to an order, and
nothing else for whoever holds (or forges) a link."""

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from freezegun import freeze_time
from lxml import html

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import make_order

DAY0 = datetime(2026, 3, 2, 10, 0)
SETTINGS = ("roms_crm.portal_order_state", "roms_crm.portal_over_stock")


def by_class(node, css_class):
    """The elements under ``node`` with the class ``css_class``."""
    return node.xpath(
        f".//*[contains(concat(' ', normalize-space(@class), ' '), ' {css_class} ')]"
    )


class ReorderLinkCommon(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        params = env["ir.config_parameter"].sudo()
        for key in SETTINGS:
            params.set_param(key, False)
        env["res.lang"]._activate_lang("id_ID")
        # a shop taking no online payment (the demo shop's bank transfer off): the
        # order's own page is the step after "Pesan"
        env["payment.provider"].search([("state", "!=", "disabled")]).state = "disabled"
        env["roms.reminder.rule"].with_context(active_test=False).search([]).write(
            {"active": False}
        )
        cls.template = env["roms.message.template"].create(
            {
                "name": "Reorder",
                "template_type": "reminder",
                "body": "Hi {customer_name}, order {product_name} again: "
                "{reorder_link}",
            }
        )
        cls.rule = env["roms.reminder.rule"].create(
            {
                "name": "Two weeks",
                "days_after_delivery": 14,
                "template_id": cls.template.id,
            }
        )
        cls.coffee = cls._product("Kopi Link Gayo", 80000)
        cls.sugar = cls._product("Gula Link Aren", 25000)
        cls.customer = env["res.partner"].create(
            {
                "name": "Rina Wulandari",
                "email": "rina.link@example.com",
                "roms_category": "customer",
                "street": "Jl. Melati 1",
                "city": "Bandung",
                "lang": "id_ID",
            }
        )
        cls.office = env["res.partner"].create(
            {
                "name": "Kantor Rina",
                "type": "delivery",
                "parent_id": cls.customer.id,
                "street": "Jl. Asia Afrika 8",
                "city": "Bandung",
            }
        )
        cls.stranger = env["res.partner"].create(
            {"name": "Orang Lain", "street": "Jl. Lain 9", "city": "Medan"}
        )
        with freeze_time(DAY0):
            cls.order = make_order(
                env, cls.customer, cls.coffee, qty=2, stage="delivered"
            )
            cls.order.order_line = [
                Command.create(
                    {
                        "product_id": cls.sugar.id,
                        "product_uom_qty": 3,
                        "tax_id": [Command.clear()],
                    }
                )
            ]
        cls.Link = env["roms.reorder.link"].sudo()

    @classmethod
    def _product(cls, name, price):
        return cls.env["product.product"].create(
            {
                "name": name,
                "list_price": price,
                "type": "consu",
                "taxes_id": [Command.clear()],
            }
        )

    def _link(self, lines=None):
        return self.Link._get_or_create(self.customer, lines or self.order.order_line)

    def _path(self, link, token=None):
        return f"/roms/reorder/{link.id}/{token or link.token}"

    def _post(self, link, data, token=None):
        return self.url_open(self._path(link, token), data=data, allow_redirects=False)

    def _orders(self):
        return self.env["sale.order"].search(
            [("partner_id", "=", self.customer.id), ("id", "!=", self.order.id)]
        )

    def _form(self, link, **extra):
        data = {
            f"qty_{self.coffee.id}": "2",
            f"qty_{self.sugar.id}": "3",
            "address": str(self.customer.id),
            "note": "",
        }
        data.update(extra)
        return data


@tagged("post_install", "-at_install")
class TestReorderLink(ReorderLinkCommon):
    def test_reminder_carries_the_link(self):
        with freeze_time(DAY0 + timedelta(days=14)):
            self.env["roms.reminder.rule"]._cron_roms_reminders()
        reminders = self.env["roms.message"].search(
            [("reminder_rule_id", "=", self.rule.id)]
        )
        self.assertEqual(len(reminders), 2, "one reminder per line")
        links = self.Link.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(links), 2, "one link per reminded line")
        for reminder in reminders:
            link = links.filtered(
                lambda link, r=reminder: link.line_ids == r.sale_order_line_id
            )
            self.assertIn(link._url(), reminder.body)
            self.assertEqual(
                link.expires_at, DAY0 + timedelta(days=14 + 14), "14 days by default"
            )
        # the same lines again: the same open link
        line = self.order.order_line[0]
        with freeze_time(DAY0 + timedelta(days=15)):
            self.assertEqual(
                self._link(line), links.filtered(lambda k: k.line_ids == line)
            )

    def test_preview_and_other_renders_make_no_link(self):
        self.template.preview_order_id = self.order
        self.assertIn("/roms/reorder/", self.template.preview)
        body = self.env.ref("roms_crm.roms_message_template_quick_reply_thanks")
        body._render(partner=self.customer, order=self.order)
        self.assertFalse(self.Link.search([("partner_id", "=", self.customer.id)]))

    def test_page_today_prices_and_products_no_longer_sold(self):
        link = self._link()
        self.coffee.list_price = 90000
        self.sugar.sale_ok = False
        response = self.url_open(self._path(link))
        self.assertEqual(response.status_code, 200)
        page = html.fromstring(response.content)
        items = by_class(page, "o_roms_reorder_item")
        self.assertEqual(
            [item.get("data-product") for item in items], [self.coffee.name]
        )
        self.assertIn("90.000", items[0].text_content(), "today's price, in Indonesian")
        self.assertEqual(by_class(items[0], "o_roms_qty")[0].get("value"), "2")
        self.assertIn(
            self.sugar.name, by_class(page, "o_roms_reorder_skipped")[0].text_content()
        )
        addresses = [
            o.get("value") for o in page.xpath("//select[@name='address']/option")
        ]
        self.assertEqual(set(addresses), {str(self.customer.id), str(self.office.id)})
        self.assertTrue(link.opened_at)

    def test_place_a_confirmed_order(self):
        link = self._link()
        self.coffee.list_price = 90000
        response = self._post(
            link,
            self._form(
                link,
                **{
                    f"qty_{self.coffee.id}": "1",
                    "address": str(self.office.id),
                    "note": "Tolong kirim sore",
                    "price_unit": "1",
                },
            ),
        )
        self.assertEqual(response.status_code, 303)
        order = self._orders()
        self.assertEqual(len(order), 1)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.partner_shipping_id, self.office)
        self.assertEqual(order.roms_source, "reorder_link")
        self.assertIn("Tolong kirim sore", order.note)
        self.assertEqual(
            {
                (line.product_id, line.product_uom_qty, line.price_unit)
                for line in order.order_line
            },
            {(self.coffee, 1, 90000), (self.sugar, 3, 25000)},
            "prices come from the server",
        )
        self.assertEqual(link.order_id, order)
        location = urlsplit(response.headers["Location"])
        self.assertEqual(location.path, f"/my/orders/{order.id}")
        self.assertIn(f"access_token={order.access_token}", location.query)

        # a replay orders nothing more and says the link was used
        again = self._post(link, self._form(link))
        self.assertEqual(again.status_code, 409)
        self.assertIn(order.name, again.text)
        self.assertEqual(self._orders(), order)
        page = self.url_open(self._path(link))
        self.assertEqual(page.status_code, 200)
        self.assertTrue(by_class(html.fromstring(page.content), "o_roms_reorder_order"))

    def test_quotation_per_the_reseller_cart_setting(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "roms_crm.portal_order_state", "quotation"
        )
        link = self._link()
        self.assertEqual(self._post(link, self._form(link)).status_code, 303)
        self.assertEqual(self._orders().state, "sent")

    def test_product_left_at_zero_is_not_ordered(self):
        link = self._link()
        response = self._post(link, self._form(link, **{f"qty_{self.sugar.id}": "0"}))
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self._orders().order_line.product_id, self.coffee)

    def test_expired_link(self):
        link = self._link()
        with freeze_time(link.expires_at + timedelta(seconds=1)):
            page = self.url_open(self._path(link))
            self.assertIn("o_roms_reorder_chat", page.text)
            self.assertEqual(self._post(link, self._form(link)).status_code, 409)
        self.assertFalse(self._orders())
        self.assertFalse(link.order_id)

    def test_foreign_and_forged_tokens(self):
        link = self._link()
        other = self.Link._get_or_create(
            self.stranger,
            make_order(self.env, self.stranger, self.coffee).order_line,
        )
        cases = [
            (link.id, other.token),
            (other.id, link.token),
            (link.id, link.token[:-1] + ("A" if link.token[-1] != "A" else "B")),
            (link.id, link.token + "x"),
            (0, link.token),
            (999999999, link.token),
            (link.id, "%00"),
        ]
        for link_id, token in cases:
            with self.subTest(link_id=link_id, token=token):
                path = f"/roms/reorder/{link_id}/{token}"
                self.assertIn(self.url_open(path).status_code, (400, 404))
                response = self.url_open(
                    path, data=self._form(link), allow_redirects=False
                )
                self.assertIn(response.status_code, (400, 404))
        self.assertEqual(
            self.url_open("/roms/reorder/99999999999999/x").status_code, 404
        )
        self.assertFalse(self._orders())
        self.assertFalse(link.opened_at)

    def test_hostile_forms_write_nothing(self):
        link = self._link()
        coffee = f"qty_{self.coffee.id}"
        cases = {
            "absurd quantity": {coffee: "1e30"},
            "negative": {coffee: "-3"},
            "not a number": {coffee: "NaN"},
            "NUL byte": {coffee: "1\x00"},
            "infinity": {coffee: "inf"},
            "another product": {f"qty_{self.stranger.id}": "1"},
            "product id wildcard": {"qty_%": "1"},
            "other customer's address": {"address": str(self.stranger.id)},
            "no address": {"address": "abc"},
            "nothing ordered": {coffee: "0", f"qty_{self.sugar.id}": ""},
            "note too long": {"note": "x" * 5000},
        }
        for name, extra in cases.items():
            with self.subTest(name):
                response = self._post(link, self._form(link, **extra))
                self.assertEqual(response.status_code, 400)
                self.assertTrue(
                    by_class(html.fromstring(response.content), "o_roms_reorder_error")
                )
        self.assertFalse(self._orders())
        self.assertFalse(link.order_id)

    def test_refused_above_stock(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "roms_crm.portal_over_stock", "refuse"
        )
        beans = self._product("Biji Kopi Stok Habis", 95000)
        beans.is_storable = True
        order = make_order(self.env, self.customer, beans, qty=2)
        link = self._link(order.order_line)
        response = self._post(
            link, {f"qty_{beans.id}": "2", "address": str(self.customer.id)}
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._orders() - order)
        self.assertFalse(link.order_id)

    def test_the_link_opens_nothing_else(self):
        link = self._link()
        self.url_open(self._path(link))
        for path in ("/my", "/my/orders", f"/my/orders/{self.order.id}"):
            with self.subTest(path):
                response = self.url_open(path, allow_redirects=False)
                self.assertEqual(response.status_code, 303)
                location = urlsplit(response.headers["Location"]).path
                self.assertIn(location, ("/web/login", "/my"))


@tagged("post_install", "-at_install")
class TestReorderLinkTour(ReorderLinkCommon):
    browser_size = "375x812"

    def test_reorder_on_a_phone(self):
        self.sugar.active = False
        link = self._link()
        self.start_tour(self._path(link), "roms_reorder_link")
        order = self._orders()
        self.assertEqual(len(order), 1)
        self.assertEqual(order.order_line.product_id, self.coffee)
        self.assertEqual(order.order_line.product_uom_qty, 3)
        self.assertEqual(order.partner_shipping_id, self.office)
        self.assertIn("Antar pagi", order.note)
