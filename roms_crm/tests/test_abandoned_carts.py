from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestAbandonedCarts(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cs_user = new_test_user(
            cls.env, "roms_cs_abandoned", groups="roms_crm.group_roms_cs"
        )
        cls.product = (
            cls.env["product.product"]
            .sudo()
            .create({"name": "Kopi Keranjang", "list_price": 25000})
        )
        cls.customer = (
            cls.env["res.partner"]
            .sudo()
            .create(
                {
                    "name": "Rina Keranjang",
                    "mobile": "081234567890",
                    "roms_category": "customer",
                }
            )
        )

    def _quotation(self, date_order, qty=2):
        return (
            self.env["sale.order"]
            .sudo()
            .create(
                {
                    "partner_id": self.customer.id,
                    "date_order": date_order,
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "product_uom_qty": qty}
                        )
                    ],
                }
            )
        )

    def _abandoned(self):
        return (
            self.env["sale.order"]
            .with_user(self.cs_user)
            .search(
                [
                    ("roms_is_abandoned", "=", True),
                    ("partner_id", "=", self.customer.id),
                ]
            )
        )

    @freeze_time("2026-06-10 12:00:00")
    def test_abandoned_after_configured_hours(self):
        old = self._quotation(datetime(2026, 6, 9, 11, 0))  # 25 hours ago
        recent = self._quotation(datetime(2026, 6, 10, 2, 0))  # 10 hours ago
        sent = self._quotation(datetime(2026, 6, 8, 12, 0))
        sent.state = "sent"
        confirmed = self._quotation(datetime(2026, 6, 1, 12, 0))
        confirmed.action_confirm()
        confirmed.date_order = datetime(2026, 6, 1, 12, 0)
        cancelled = self._quotation(datetime(2026, 6, 1, 12, 0))
        cancelled._action_cancel()

        self.assertEqual(self._abandoned(), old | sent)
        self.assertTrue(old.roms_is_abandoned)
        self.assertFalse(recent.roms_is_abandoned)
        self.assertFalse(confirmed.roms_is_abandoned)
        self.assertEqual(old.roms_cart_age_hours, 25)
        self.assertEqual(old.roms_cart_summary, "2 × Kopi Keranjang")
        self.assertTrue(old.roms_partner_phone)
        not_abandoned = self.env["sale.order"].search(
            [("roms_is_abandoned", "=", False), ("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(not_abandoned, recent | confirmed | cancelled)
        self.assertEqual(
            self.env["sale.order"].search(
                [
                    ("roms_is_abandoned", "!=", True),
                    ("partner_id", "=", self.customer.id),
                ]
            ),
            recent | confirmed | cancelled,
        )

        # a shorter delay, set in the settings, takes effect at once
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.roms_abandoned_cart_hours, 24)
        settings.roms_abandoned_cart_hours = 6
        settings.set_values()
        self.assertEqual(
            self.env["ir.config_parameter"].get_param("roms_crm.abandoned_cart_hours"),
            "6",
        )
        self.assertEqual(self._abandoned(), old | recent | sent)

        # confirming a cart takes it off the list
        old.action_confirm()
        self.assertEqual(self._abandoned(), recent | sent)

    def test_list_follows_time(self):
        with freeze_time("2026-06-10 12:00:00"):
            quotation = self._quotation(datetime(2026, 6, 10, 11, 0))
            self.assertFalse(self._abandoned())
        with freeze_time("2026-06-11 10:59:00"):
            self.assertFalse(self._abandoned())
        with freeze_time("2026-06-11 11:00:01"):
            quotation.invalidate_recordset()
            self.assertEqual(self._abandoned(), quotation)
            self.assertTrue(quotation.roms_is_abandoned)

    def test_menu_action(self):
        action = self.env.ref("roms_crm.sale_order_action_roms_abandoned")
        self.assertEqual(action.res_model, "sale.order")
        menu = self.env.ref("roms_crm.roms_menu_orders_abandoned")
        self.assertEqual(menu.parent_id, self.env.ref("roms_crm.roms_menu_orders"))
