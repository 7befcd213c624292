from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.roms_crm.tests.common import visible_menus

from .screens import open_window_action


@tagged("post_install", "-at_install")
class TestRomsMenus(TransactionCase):
    """What each ROMS group sees of the whole ROMS app, all four addons installed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cs = new_test_user(cls.env, "x_roms_cs", groups="roms_crm.group_roms_cs")
        cls.admin = new_test_user(
            cls.env, "x_roms_admin", groups="roms_crm.group_roms_admin"
        )

    def _visible(self, user, *xmlids):
        visible = visible_menus(self.env(user=user))
        return {xmlid: xmlid in visible for xmlid in xmlids}

    def test_cs_sees_chats_customers_orders_not_admin_sections(self):
        self.assertEqual(
            self._visible(
                self.cs,
                "roms_crm.roms_menu_customers_all",
                "roms_crm.roms_menu_orders_all",
                "roms_whatsapp.roms_whatsapp_menu_chats",
                "roms_loyalty.roms_loyalty_menu_programs",
                "roms_reports.roms_reports_menu_sales",
            ),
            {
                "roms_crm.roms_menu_customers_all": True,
                "roms_crm.roms_menu_orders_all": True,
                "roms_whatsapp.roms_whatsapp_menu_chats": True,
                "roms_loyalty.roms_loyalty_menu_programs": False,
                "roms_reports.roms_reports_menu_sales": False,
            },
        )

    def test_admin_sees_every_section(self):
        seen = self._visible(
            self.admin,
            "roms_crm.roms_menu_customers_all",
            "roms_crm.roms_menu_orders_all",
            "roms_crm.roms_menu_products_all",
            "roms_whatsapp.roms_whatsapp_menu_chats",
            "roms_loyalty.roms_loyalty_menu_programs",
            "roms_reports.roms_reports_menu_sales",
        )
        self.assertTrue(all(seen.values()), seen)

    def test_every_visible_roms_menu_opens(self):
        # The records behind every ROMS menu a user sees can be listed by that user:
        # a menu leading to an access error shows up here. Its views load and its
        # records read with every field they show: a broken view fails here too.
        for user in (self.cs, self.admin):
            env = self.env(user=user)
            for xmlid in visible_menus(env):
                menu = self.env.ref(xmlid)
                action = menu.action
                if (
                    not xmlid.startswith("roms")
                    or not action
                    or action._name != "ir.actions.act_window"
                ):
                    continue
                with self.subTest(user=user.login, menu=xmlid):
                    env[action.res_model].search_fetch(
                        safe_eval(action.domain or "[]", {"uid": user.id}),
                        ["display_name"],
                        limit=5,
                    )
                    open_window_action(env, action.sudo())
