from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.roms_crm.tests.common import visible_menus

from .common import RomsLoyaltyCase


@tagged("post_install", "-at_install")
class TestAccess(RomsLoyaltyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cs_user = new_test_user(
            cls.env, "roms_loyal_cs", groups="base.group_user,roms_crm.group_roms_cs"
        )
        cls.admin_user = new_test_user(
            cls.env,
            "roms_loyal_admin",
            groups="base.group_user,roms_crm.group_roms_admin",
        )

    def test_admin_sees_the_loyalty_menu(self):
        menus = visible_menus(self.env(user=self.admin_user))
        for xmlid in (
            "roms_loyalty.roms_loyalty_menu_programs",
            "roms_loyalty.roms_loyalty_menu_cards",
            "roms_loyalty.roms_loyalty_menu_ledger",
            "roms_loyalty.roms_loyalty_menu_gifts",
            "roms_loyalty.roms_loyalty_menu_backfill",
        ):
            self.assertIn(xmlid, menus)
        self.assertNotIn(
            "roms_loyalty.roms_loyalty_menu", visible_menus(self.env(user=self.cs_user))
        )

    def test_cs_reads_points_and_hands_over_gifts_but_no_backfill(self):
        self._order(self.customer, 300000)
        customer = self.customer.with_user(self.cs_user)
        self.assertEqual(customer.roms_loyalty_points, 30)
        self.assertEqual(customer.roms_loyalty_history_ids.mapped("issued"), [30])
        with self.assertRaises(AccessError):
            self.env["roms.loyalty.backfill"].with_user(self.cs_user).create({})
        self.assertTrue(
            self.env["roms.loyalty.gift"].with_user(self.cs_user).has_access("read")
        )
