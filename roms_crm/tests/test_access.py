from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import visible_menus


@tagged("post_install", "-at_install")
class TestAccess(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cs_user = new_test_user(
            cls.env, "roms_cs_test", groups="roms_crm.group_roms_cs"
        )
        cls.admin_user = new_test_user(
            cls.env, "roms_admin_test", groups="roms_crm.group_roms_admin"
        )
        cls.plain_user = new_test_user(
            cls.env, "roms_plain_test", groups="base.group_user"
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Budi Santoso", "mobile": "+6281234567890"}
        )

    def test_admin_implies_cs_and_sales_manager(self):
        admin = self.admin_user
        self.assertTrue(admin.has_group("roms_crm.group_roms_cs"))
        self.assertTrue(admin.has_group("sales_team.group_sale_manager"))
        self.assertTrue(admin.has_group("stock.group_stock_user"))

    def test_cs_is_not_admin(self):
        cs = self.cs_user
        self.assertTrue(cs.has_group("sales_team.group_sale_salesman_all_leads"))
        self.assertFalse(cs.has_group("roms_crm.group_roms_admin"))
        self.assertFalse(cs.has_group("sales_team.group_sale_manager"))
        self.assertFalse(cs.has_group("base.group_system"))

    def test_roms_menu_visible_to_cs_and_admin_only(self):
        for user, sees_root, sees_config in (
            (self.cs_user, True, False),
            (self.admin_user, True, True),
            (self.plain_user, False, False),
        ):
            visible = visible_menus(self.env(user=user))
            self.assertEqual(
                "roms_crm.roms_menu_root" in visible, sees_root, user.login
            )
            self.assertEqual(
                "roms_crm.roms_menu_config" in visible, sees_config, user.login
            )

    def test_cs_works_with_customers_and_orders(self):
        partner = (
            self.env["res.partner"]
            .with_user(self.cs_user)
            .create({"name": "Sri Wahyuni", "roms_category": "reseller"})
        )
        self.assertEqual(partner.roms_category, "reseller")
        order = (
            self.env["sale.order"]
            .with_user(self.cs_user)
            .create({"partner_id": self.customer.id})
        )
        self.assertEqual(order.roms_stage, "pending")

    def test_cs_cannot_manage_users_or_settings(self):
        with self.assertRaises(AccessError):
            self.env["res.users"].with_user(self.cs_user).create(
                {"name": "Intruder", "login": "intruder"}
            )
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(self.cs_user).create({})

    def test_courier_events_for_admins_only(self):
        Event = self.env["roms.shipping.event"]
        event = Event.create(
            {
                "biteship_order_id": "5f3b7a0c1d2e",
                "event": "order.status",
                "event_key": "status:picked",
                "status": "picked",
            }
        )
        self.assertIn(
            "roms_crm.roms_menu_config_shipping_events",
            visible_menus(self.env(user=self.admin_user)),
        )
        self.assertEqual(Event.with_user(self.admin_user).search([]), event)
        for user in (self.cs_user, self.plain_user):
            with self.assertRaises(AccessError):
                Event.with_user(user).search([])
        with self.assertRaises(AccessError):
            Event.with_user(self.admin_user).create(
                {
                    "biteship_order_id": "forged",
                    "event": "order.status",
                    "event_key": "status:delivered",
                }
            )
