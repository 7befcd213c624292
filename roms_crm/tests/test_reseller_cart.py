"""The reseller cart on the model: the ``_roms_cart_*`` methods of sale.order and
the cart methods of res.partner and res.users, called as the portal controller
calls them, by the logged-in reseller, with the cart as sudo."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.roms_crm.models.portal.sale_order import RomsCartError
from odoo.addons.roms_crm.tools import bounds

from .common import make_order
from .test_reseller_portal import ResellerCatalogCommon


@tagged("post_install", "-at_install")
class TestResellerCart(ResellerCatalogCommon):
    def setUp(self):
        super().setUp()
        # as the portal controller: the logged-in reseller's own records
        self.contact = self.reseller.with_user(self.reseller_user)
        self.cart = self.contact._roms_reseller_cart(create=True)

    def _lines(self, cart=None):
        return {
            line.product_id: line.product_uom_qty
            for line in (cart or self.cart)._roms_product_lines()
        }

    def test_who_has_the_catalogue(self):
        self.assertEqual(self.reseller_user._roms_portal_reseller(), self.reseller)
        self.assertEqual(self.reseller2_user._roms_portal_reseller(), self.reseller2)
        self.assertFalse(self.customer_user._roms_portal_reseller())
        # a contact of a reseller company orders for the company
        employee = new_test_user(
            self.env, "roms_res1_staff", groups="base.group_portal"
        )
        employee.partner_id.parent_id = self.reseller
        self.assertEqual(employee._roms_portal_reseller(), self.reseller)
        # an internal user is never a portal reseller
        internal = new_test_user(
            self.env, "roms_res_internal", groups="base.group_user"
        )
        internal.partner_id.roms_category = "reseller"
        self.assertFalse(internal._roms_portal_reseller())

    def test_one_cart_per_contact_created_as_sudo(self):
        self.assertTrue(self.cart.env.su)
        self.assertEqual(self.cart.partner_id, self.reseller)
        self.assertEqual(
            (self.cart.state, self.cart.roms_portal_cart, self.cart.roms_source),
            ("draft", True, "portal"),
        )
        self.assertEqual(self.contact._roms_reseller_cart(), self.cart)
        self.assertEqual(self.contact._roms_reseller_cart(create=True), self.cart)
        # another reseller's cart is theirs alone
        other = self.reseller2.with_user(self.reseller2_user)
        self.assertFalse(other._roms_reseller_cart())
        self.assertNotEqual(other._roms_reseller_cart(create=True), self.cart)

    def test_add_merges_lines_at_pricelist_prices(self):
        added = self.cart._roms_cart_add({self.coffee: 3, self.sugar: 2})
        self.assertEqual(added, 2)
        added = self.cart._roms_cart_add({self.coffee: 1, self.sugar: 0})
        self.assertEqual(added, 1)
        self.assertEqual(self._lines(), {self.coffee: 4, self.sugar: 2})
        self.assertEqual(len(self.cart.order_line), 2)
        # 10 % off: the reseller's pricelist
        self.assertEqual(self.cart.amount_total, 4 * 90000 + 2 * 45000)

    def test_add_above_stock_refused_or_accepted(self):
        self.cart._roms_cart_add({self.coffee: 1})
        with self.assertRaises(RomsCartError) as caught:
            self.cart._roms_cart_add({self.coffee: 1, self.sugar: 6})
        self.assertEqual(caught.exception.code, "stock")
        self.assertEqual(self._lines(), {self.coffee: 1})
        # a product of the form at 0 counts: its line is already above the stock
        self._set("portal_over_stock", "flag")
        self.cart._roms_cart_add({self.sugar: 6})
        self._set("portal_over_stock", "refuse")
        with self.assertRaises(RomsCartError):
            self.cart._roms_cart_add({self.coffee: 1, self.sugar: 0})
        self.assertEqual(self._lines(), {self.coffee: 1, self.sugar: 6})
        # a product of the form that is not above the stock is added
        self.assertEqual(self.cart._roms_cart_add({self.coffee: 1}), 1)
        # adding without the check (a reorder) is never refused
        self.cart._roms_cart_add({self.sugar: 1}, check_stock=False)
        self.assertEqual(self._lines(), {self.coffee: 2, self.sugar: 7})

    def test_set_quantity_and_remove(self):
        self.cart._roms_cart_add({self.coffee: 1, self.sugar: 1})
        line = self.cart.order_line.filtered(lambda l: l.product_id == self.sugar)
        self.cart._roms_cart_set_qty(line, 4)
        self.assertEqual(line.product_uom_qty, 4)
        with self.assertRaises(RomsCartError) as caught:
            self.cart._roms_cart_set_qty(line, 6)
        self.assertEqual(caught.exception.code, "stock")
        self.assertEqual(line.product_uom_qty, 4)
        self.cart._roms_cart_set_qty(line, 0)
        self.assertFalse(line.exists())
        self.assertEqual(self._lines(), {self.coffee: 1})

    def test_set_quantity_only_on_own_product_lines(self):
        other = self.reseller2.with_user(self.reseller2_user)
        other_cart = other._roms_reseller_cart(create=True)
        other_cart._roms_cart_add({self.coffee: 2})
        with self.assertRaises(ValueError):
            self.cart._roms_cart_set_qty(other_cart.order_line, 5)
        self.assertEqual(other_cart.order_line.product_uom_qty, 2)

    def test_place_confirmed_order(self):
        warehouse = self.env["res.partner"].create(
            {
                "name": "Gudang Reseller",
                "type": "delivery",
                "parent_id": self.reseller.id,
                "street": "Jl. Gudang 1",
            }
        )
        addresses = self.contact._roms_delivery_addresses()
        self.assertEqual(addresses, self.reseller | warehouse)
        self.assertNotIn(self.reseller2, addresses)
        self.cart._roms_cart_add({self.coffee: 2})
        self.assertTrue(self.cart._roms_cart_place(warehouse, "Kirim\x00 pagi"))
        self.assertEqual(self.cart.state, "sale")
        self.assertFalse(self.cart.roms_portal_cart)
        self.assertEqual(self.cart.partner_shipping_id, warehouse)
        self.assertIn("Kirim pagi", self.cart.roms_customer_note)
        self.assertFalse(self.cart.roms_over_stock)
        self.assertIn(self.reseller, self.cart.message_partner_ids)
        self.assertFalse(self.contact._roms_reseller_cart())

    def test_place_as_quotation(self):
        self._set("portal_order_state", "quotation")
        self.cart._roms_cart_add({self.coffee: 1})
        self.cart._roms_cart_place(self.reseller)
        self.assertEqual(self.cart.state, "sent")
        self.assertFalse(self.cart.roms_new_order_done)

    def test_place_refusals_write_nothing(self):
        def refused(code, address=self.reseller, note=None):
            with self.assertRaises(RomsCartError) as caught:
                self.cart._roms_cart_place(address, note)
            self.assertEqual(caught.exception.code, code)
            self.assertEqual(
                (self.cart.state, self.cart.roms_portal_cart), ("draft", True)
            )

        with self.assertRaises(AccessError):
            self.cart._roms_cart_place(self.reseller2)
        refused("empty")
        self.cart._roms_cart_add({self.coffee: 1})
        refused("note", note="n" * (bounds.NOTE_LENGTH + 1))
        self._set("portal_over_stock", "flag")
        self.cart._roms_cart_add({self.sugar: 6})
        self._set("portal_over_stock", "refuse")
        refused("stock")
        self.coffee.roms_reseller_ok = False
        refused("unavailable")
        self.assertEqual(self.cart.partner_shipping_id, self.reseller)

    def test_place_above_stock_flagged(self):
        self._set("portal_over_stock", "flag")
        self.cart._roms_cart_add({self.sugar: 6})
        self.cart._roms_cart_place(self.reseller)
        self.assertEqual(self.cart.state, "sale")
        self.assertTrue(self.cart.roms_over_stock)
        self.assertTrue(
            any(
                "above the available stock" in body
                for body in self.cart.message_ids.mapped("body")
            )
        )

    def test_reorder(self):
        order = make_order(self.env, self.reseller, self.coffee, qty=2)
        order.order_line = [
            Command.create({"product_id": self.hidden.id, "product_uom_qty": 1})
        ]
        self.cart.unlink()
        added, skipped = self.contact._roms_reseller_reorder(order.sudo())
        self.assertEqual((added, skipped), (1, self.hidden))
        cart = self.contact._roms_reseller_cart()
        self.assertEqual(self._lines(cart), {self.coffee: 2})
        # nothing left to order: no cart is created
        cart.unlink()
        self.coffee.roms_reseller_ok = False
        self.assertEqual(self.contact._roms_reseller_reorder(order.sudo())[0], 0)
        self.assertFalse(self.contact._roms_reseller_cart())


@tagged("post_install", "-at_install")
class TestPortalFormQuantity(TransactionCase):
    """The one parser of the quantities typed in portal forms."""

    def test_parse(self):
        Bounds = self.env["roms.bounds"]
        units = self.env.ref("uom.product_uom_unit")
        kg = self.env.ref("uom.product_uom_kgm")
        for raw in (None, "", "  ", "0", "0.0"):
            self.assertEqual(Bounds._parse_form_quantity(raw, units), 0.0, raw)
        self.assertEqual(Bounds._parse_form_quantity(" 3 ", units), 3.0)
        self.assertEqual(Bounds._parse_form_quantity("2,5", kg), 2.5)
        for raw in ("1.5", "-1", "abc", "nan", "1e9", "100001"):
            with self.assertRaises(bounds.BoundsError, msg=raw):
                Bounds._parse_form_quantity(raw, units)
