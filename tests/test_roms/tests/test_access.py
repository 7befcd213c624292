import base64
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessDenied, AccessError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger
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


# Fields that hold a credential of the shop: only ROMS administrators (or Odoo's
# settings administrators, for the carrier's) read them.
SECRET_FIELDS = {
    "roms.whatsapp.account": [
        "meta_access_token",
        "meta_app_secret",
        "meta_verify_token",
        "waha_api_key",
        "waha_webhook_secret",
        "fonnte_token",
        "fonnte_webhook_secret",
        "webhook_url",
        # scanning it links a phone to the shop's WhatsApp gateway
        "waha_qr_image",
    ],
    "delivery.carrier": [
        "roms_biteship_api_key",
        "roms_biteship_webhook_secret",
    ],
    "roms.message": ["reply_token"],
    "roms.reorder.link": ["token"],
}


@tagged("post_install", "-at_install")
class TestAgentRights(TransactionCase):
    """A customer-service agent as the demo's cs1 is made (an internal user with
    ROMS's Customer Service group and nothing else) works with chats, customers,
    orders and templates, and administrates nothing: no database, no modules, no
    users, no credentials, no other agent's account."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = "base.group_user,roms_crm.group_roms_cs"
        cls.agent = new_test_user(cls.env, "x_roms_agent", groups=groups)
        cls.other_agent = new_test_user(cls.env, "x_roms_agent2", groups=groups)
        cls.admin = new_test_user(
            cls.env, "x_roms_rights_admin", groups="roms_crm.group_roms_admin"
        )
        cls.account = cls.env["roms.whatsapp.account"].create(
            {
                "name": "Toko WA",
                "provider": "waha",
                "waha_base_url": "http://127.0.0.1:9",
                "waha_api_key": "waha-secret-key",
                "waha_qr_image": base64.b64encode(b"qr of the shop's session"),
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Budi Pelanggan", "email": "budi@example.com"}
        )

    def test_no_roms_group_implies_an_administrator(self):
        administrators = self.env.ref("base.group_system") | self.env.ref(
            "base.group_erp_manager"
        )
        for xmlid in (
            "roms_crm.group_roms_cs",
            "roms_crm.group_roms_api",
            "roms_crm.group_roms_admin",
        ):
            group = self.env.ref(xmlid)
            implied = (group | group.trans_implied_ids) & administrators
            self.assertFalse(implied, f"{xmlid} implies {implied.mapped('full_name')}")
        self.assertFalse(self.agent.has_group("base.group_system"))
        self.assertFalse(self.agent.has_group("base.group_erp_manager"))

    def test_apps_menu_installs_nothing(self):
        # Odoo's base_install_request shows Apps to every internal user, to ask
        # an administrator for a module; the agent can install or change none
        env = self.env(user=self.agent)
        module = env["ir.module.module"].search(
            [("state", "=", "uninstalled")], limit=1
        )
        self.assertTrue(module)
        for method in (
            "button_immediate_install",
            "button_install",
            "button_immediate_uninstall",
        ):
            with (
                self.subTest(method=method),
                self.assertRaises(AccessDenied),
                mute_logger("odoo.addons.base.models.ir_module"),
            ):
                getattr(module, method)()
        with self.assertRaises(AccessError):
            module.write({"state": "to install"})
        with self.assertRaises(AccessError):
            env["ir.config_parameter"].search([], limit=1)
        with self.assertRaises(AccessError):
            env["ir.config_parameter"].get_param("database.secret")
        self.assertNotIn("base.menu_administration", visible_menus(env))

    def test_credentials_are_hidden(self):
        for model, names in SECRET_FIELDS.items():
            Model = self.env[model].with_user(self.agent)
            described = Model.fields_get()
            for field in names:
                with self.subTest(model=model, field=field):
                    self.assertNotIn(field, described)
                    with self.assertRaises(AccessError):
                        Model.search([], limit=1).read([field])
                    if Model._fields[field].store:
                        with self.assertRaises(AccessError):
                            Model.search([(field, "!=", False)])
        # the agent still reads the account's name and status (the dashboard)
        account = self.account.with_user(self.agent)
        self.assertEqual(account.read(["name", "state"])[0]["name"], "Toko WA")
        # the administrator reads the QR code to scan it
        self.assertTrue(self.account.with_user(self.admin).waha_qr_image)
        for model in (
            "roms.api.integration",
            "roms.whatsapp.inbound",
            "roms.shipping.event",
        ):
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(self.agent).search([], limit=1)

    def test_other_users_accounts_are_not_the_agents(self):
        # another agent's API keys, login or groups are not the agent's to read
        # or change, nor is an administrator's e-mail (Contact Creation writes
        # partners, but Odoo checks the rights on the partner's users): with it
        # the agent would get the administrator's password reset link
        env = self.env(user=self.agent)
        self.env["res.users.apikeys"].with_user(self.other_agent)._generate(
            None, "agent2 key", fields.Datetime.now() + timedelta(days=1)
        )
        self.assertFalse(env["res.users.apikeys"].search([]))
        for user in (self.other_agent, self.admin, self.env.ref("base.user_admin")):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    user.with_user(self.agent).write({"login": "taken"})
                with self.assertRaises(AccessError):
                    user.with_user(self.agent).write(
                        {
                            "groups_id": [
                                Command.link(self.env.ref("base.group_system").id)
                            ]
                        }
                    )
                with self.assertRaises(AccessError):
                    user.partner_id.with_user(self.agent).write(
                        {"email": "agent@example.com"}
                    )
                self.assertNotEqual(user.email, "agent@example.com")

    def test_agent_still_works_with_customers_orders_and_templates(self):
        env = self.env(user=self.agent)
        customer = self.customer.with_user(self.agent)
        customer.write({"email": "budi.baru@example.com", "name": "Budi Santoso"})
        self.assertEqual(customer.email, "budi.baru@example.com")
        self.agent.partner_id.with_user(self.agent).write(
            {"email": "agent.baru@example.com"}
        )
        self.assertEqual(self.agent.email, "agent.baru@example.com")
        order = env["sale.order"].create({"partner_id": self.customer.id})
        self.assertEqual(order.roms_stage, "pending")
        self.assertTrue(env["roms.message.template"].search([], limit=1))
        self.assertTrue(env["roms.whatsapp.account"].search([]))
