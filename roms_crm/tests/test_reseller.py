from lxml import html

from odoo.exceptions import AccessDenied, AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import Form, HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import formatLang

from odoo.addons.mail.tests.common import MockEmail


class ResellerCommon:
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin_user = new_test_user(
            cls.env,
            "roms_reseller_admin",
            groups="base.group_user,roms_crm.group_roms_admin",
        )
        cls.cs_user = new_test_user(
            cls.env, "roms_reseller_cs", groups="base.group_user,roms_crm.group_roms_cs"
        )
        cls.admin_env = cls.env(user=cls.admin_user)
        # the shop's general pricelist, which customers without a discount keep (a
        # database has one once pricelists are used; not without demo data)
        cls.env["product.pricelist"].create({"name": "Harga Umum", "sequence": 1})
        cls.product = cls.env["product.product"].create(
            {
                "name": "Kopi Gayo Arabika 250 g",
                "list_price": 125000.0,
                "taxes_id": [Command.clear()],
            }
        )
        cls.reseller = cls.admin_env["res.partner"].create(
            {
                "name": "Dewi Anggraini",
                "email": "dewi.anggraini@example.com",
                "mobile": "+6281355550101",
                "roms_category": "reseller",
            }
        )

    @classmethod
    def _order_for(cls, partner):
        return cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create({"product_id": cls.product.id, "product_uom_qty": 1})
                ],
            }
        )


@tagged("post_install", "-at_install")
class TestReseller(ResellerCommon, TransactionCase, MockEmail):
    def _is_discount_pricelist(self, pricelist):
        return self.env["res.partner"]._roms_is_discount_pricelist(pricelist)

    def test_discount_pricelist_shared_and_removed(self):
        Partner = self.admin_env["res.partner"]
        other = Partner.create(
            {"name": "Agus Setiawan", "roms_category": "dropshipper"}
        )
        default = self.reseller.property_product_pricelist
        self.assertFalse(self._is_discount_pricelist(default))

        self.reseller.roms_discount_percent = 10
        pricelist_10 = self.reseller.property_product_pricelist
        self.assertTrue(self._is_discount_pricelist(pricelist_10))
        self.assertEqual(pricelist_10.item_ids.percent_price, 10)
        self.assertEqual(pricelist_10.currency_id, self.env.company.currency_id)
        self.assertEqual(pricelist_10.company_id, self.env.company)
        self.assertEqual(pricelist_10.name, "Reseller −10 %")

        # The same percent shares the pricelist; another one gets its own.
        other.roms_discount_percent = 10
        self.assertEqual(other.property_product_pricelist, pricelist_10)
        other.roms_discount_percent = 12.5
        pricelist_12 = other.property_product_pricelist
        self.assertNotEqual(pricelist_12, pricelist_10)
        self.assertEqual(pricelist_12.item_ids.percent_price, 12.5)
        self.reseller.roms_discount_percent = 12.5
        self.assertEqual(self.reseller.property_product_pricelist, pricelist_12)
        self.assertEqual(
            self.env["res.partner"]._roms_get_discount_pricelist(10), pricelist_10
        )

        # 0 returns to the default pricelist; the pricelist stays for later.
        self.reseller.roms_discount_percent = 0
        self.assertFalse(self.reseller.specific_property_product_pricelist)
        self.assertEqual(self.reseller.property_product_pricelist, default)
        self.assertTrue(pricelist_12.active)
        # A customer created with a discount gets it at once.
        new = Partner.create(
            {
                "name": "Rina Kusuma",
                "roms_category": "reseller",
                "roms_discount_percent": 12.5,
            }
        )
        self.assertEqual(new.property_product_pricelist, pricelist_12)
        # Other customers keep the default pricelist.
        customer = Partner.create({"name": "Bayu Pratama", "roms_category": "customer"})
        self.assertEqual(customer.property_product_pricelist, default)

    def test_zero_discount_keeps_a_chosen_pricelist(self):
        vip = self.env["product.pricelist"].create(
            {
                "name": "VIP",
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "3_global",
                            "compute_price": "fixed",
                            "fixed_price": 1,
                        }
                    )
                ],
            }
        )
        self.reseller.property_product_pricelist = vip
        self.reseller.roms_discount_percent = 0
        self.assertEqual(self.reseller.property_product_pricelist, vip)

    def test_pricelists_enabled_on_demand(self):
        group_pricelist = self.env.ref("product.group_product_pricelist")
        group_user = self.env.ref("base.group_user")
        group_user._remove_group(group_pricelist)
        self.env["product.pricelist"].search([]).action_archive()
        self.assertNotIn(group_pricelist, group_user.implied_ids)

        self.reseller.roms_discount_percent = 10

        self.assertIn(group_pricelist, group_user.implied_ids)
        self.assertTrue(self.admin_user.has_group("product.group_product_pricelist"))
        discount = self.reseller.property_product_pricelist
        self.assertTrue(self._is_discount_pricelist(discount))
        # The company's default pricelist is back, for the customers without one.
        customer = self.env["res.partner"].create({"name": "Bayu Pratama"})
        default = customer.property_product_pricelist
        self.assertTrue(default)
        self.assertNotEqual(default, discount)
        self.assertEqual(default.currency_id, self.env.company.currency_id)

    def test_discount_constraints(self):
        for percent in (-5, 100.5, 150):
            with self.assertRaises(ValidationError):
                self.reseller.roms_discount_percent = percent
        self.reseller.roms_discount_percent = 100
        for category in ("customer", "lead", "agent", "distributor"):
            with self.assertRaisesRegex(ValidationError, "Only resellers"):
                self.admin_env["res.partner"].create(
                    {
                        "name": "Andi",
                        "roms_category": category,
                        "roms_discount_percent": 5,
                    }
                )
        # The category of a customer with a discount cannot change alone…
        with self.assertRaisesRegex(ValidationError, "Only resellers"):
            self.reseller.roms_category = "customer"
        # …but with the discount set back to 0 it can.
        self.reseller.write({"roms_category": "customer", "roms_discount_percent": 0})
        self.assertFalse(self.reseller.specific_property_product_pricelist)

    def test_form_clears_discount_with_category(self):
        self.reseller.roms_discount_percent = 10
        with Form(self.reseller.with_user(self.admin_user)) as form:
            form.roms_category = "agent"
            self.assertEqual(form.roms_discount_percent, 0)
        self.assertEqual(self.reseller.roms_category, "agent")
        self.assertFalse(
            self._is_discount_pricelist(self.reseller.property_product_pricelist)
        )

    def test_only_admins_change_discounts(self):
        reseller_cs = self.reseller.with_user(self.cs_user)
        with self.assertRaises(AccessError):
            reseller_cs.roms_discount_percent = 10
        # CS still create and edit customers without a discount.
        partner = (
            self.env["res.partner"]
            .with_user(self.cs_user)
            .create({"name": "Sri Wahyuni", "roms_category": "reseller"})
        )
        partner.write({"roms_discount_percent": 0, "name": "Sri Wahyuningsih"})

    def test_quotation_uses_discount(self):
        self.reseller.roms_discount_percent = 10
        order = self._order_for(self.reseller)
        self.assertEqual(order.pricelist_id, self.reseller.property_product_pricelist)
        self.assertEqual(order.currency_id, self.env.company.currency_id)
        line = order.order_line
        self.assertAlmostEqual(line.price_unit * (1 - line.discount / 100), 112500)
        self.assertAlmostEqual(line.price_subtotal, 112500)
        self.assertAlmostEqual(order.amount_total, 112500)
        # A customer without a discount pays the sales price.
        customer = self.env["res.partner"].create(
            {"name": "Bayu Pratama", "roms_category": "customer"}
        )
        self.assertAlmostEqual(self._order_for(customer).amount_total, 125000)

    def _set_password(self, partner, password, login=None, user=None):
        wizard = (
            self.env["roms.portal.password"]
            .with_user(user or self.admin_user)
            .create({"partner_id": partner.id, "password": password})
        )
        if login:
            wizard.login = login
        return wizard.action_set_password()

    def _assert_can_log_in(self, user, password):
        credential = {"login": user.login, "password": password, "type": "password"}
        auth = user.with_user(user)._check_credentials(
            credential, {"interactive": False}
        )
        self.assertEqual(auth["uid"], user.id)

    def test_set_password_grants_portal_access(self):
        self.assertFalse(self.reseller.roms_portal_user_id)
        self._set_password(self.reseller, "Kopi-Gayo-2024")
        user = self.reseller.roms_portal_user_id
        self.assertTrue(user.active)
        self.assertEqual(user.login, "dewi.anggraini@example.com")
        self.assertTrue(user.has_group("base.group_portal"))
        self.assertFalse(user.has_group("base.group_public"))
        self.assertTrue(user._is_portal())
        self._assert_can_log_in(user, "Kopi-Gayo-2024")
        with self.assertRaises(AccessDenied):
            self._assert_can_log_in(user, "wrong password")
        self.assertFalse(self.env["roms.portal.password"].search([]).password)

        # Again: a new password (and login) for the same user.
        self._set_password(self.reseller, "Aren-Manis-2025", login="Dewi@Example.com")
        self.assertEqual(self.reseller.roms_portal_user_id, user)
        self.assertEqual(user.login, "dewi@example.com")
        self.assertEqual(self.reseller.email, "dewi@example.com")
        self._assert_can_log_in(user, "Aren-Manis-2025")

    def test_set_password_needs_email_login(self):
        partner = self.env["res.partner"].create(
            {"name": "Joko Susilo", "roms_category": "agent"}
        )
        with self.assertRaisesRegex(UserError, "email address"):
            self._set_password(partner, "Kopi-Gayo-2024", login="081234567890")
        taken = new_test_user(self.env, "taken@example.com", groups="base.group_portal")
        with self.assertRaisesRegex(UserError, "same email as an existing user"):
            self._set_password(partner, "Kopi-Gayo-2024", login=taken.login)

    def test_set_password_refuses_internal_users(self):
        # A ROMS administrator must not take over an employee's account this way.
        employee = self.cs_user.partner_id
        employee.roms_category = "agent"
        with self.assertRaisesRegex(UserError, "internal user"):
            self._set_password(employee, "Kopi-Gayo-2024", login="cs@example.com")
        self.assertEqual(self.cs_user.login, "roms_reseller_cs")

    def test_portal_only_for_reseller_categories(self):
        customer = self.env["res.partner"].create(
            {"name": "Bayu Pratama", "roms_category": "customer", "email": "b@x.id"}
        )
        with self.assertRaisesRegex(UserError, "Portal access is for resellers"):
            customer.with_user(self.admin_user).action_roms_grant_portal()
        with self.assertRaisesRegex(UserError, "Portal access is for resellers"):
            self._set_password(customer, "Kopi-Gayo-2024")

    def test_non_admin_cannot_grant(self):
        reseller_cs = self.reseller.with_user(self.cs_user)
        with self.assertRaises(AccessError):
            reseller_cs.action_roms_grant_portal()
        with self.assertRaises(AccessError):
            reseller_cs.action_roms_portal_password()
        with self.assertRaises(AccessError):
            self._set_password(self.reseller, "Kopi-Gayo-2024", user=self.cs_user)
        wizard = self.env["roms.portal.password"].create(
            {"partner_id": self.reseller.id, "password": "Kopi-Gayo-2024"}
        )
        with self.assertRaises(AccessError):
            wizard.with_user(self.cs_user).action_set_password()
        self.assertFalse(self.reseller.roms_portal_user_id)

    def test_grant_portal_invites_by_email(self):
        action = self.reseller.with_user(self.admin_user).action_roms_grant_portal()
        self.assertEqual(action["res_model"], "portal.wizard")
        wizard = self.env["portal.wizard"].browse(action["res_id"])
        self.assertEqual(wizard.partner_ids, self.reseller)
        with self.mock_mail_gateway():
            wizard.with_user(self.admin_user).user_ids.action_grant_access()
        user = self.reseller.roms_portal_user_id
        self.assertTrue(user._is_portal())
        self.assertEqual(user.login, "dewi.anggraini@example.com")
        # The invitation, with a link to choose a password.
        self.assertEqual(len(self._mails), 1)
        self.assertIn("dewi.anggraini@example.com", str(self._mails[0]["email_to"]))
        self.assertTrue(self.reseller.signup_type)


@tagged("post_install", "-at_install")
class TestResellerPortal(ResellerCommon, HttpCase):
    def _login(self, login, password):
        """Log in through the login form, as the reseller would."""
        page = html.fromstring(self.url_open("/web/login").content)
        csrf_token = page.xpath("//input[@name='csrf_token']/@value")[0]
        response = self.url_open(
            "/web/login",
            data={"login": login, "password": password, "csrf_token": csrf_token},
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("/web/login", response.url, "the login was refused")

    def test_reseller_sees_discounted_price_in_portal(self):
        self.reseller.roms_discount_percent = 10
        self.env["roms.portal.password"].with_user(self.admin_user).create(
            {"partner_id": self.reseller.id, "password": "Kopi-Gayo-2024"}
        ).action_set_password()
        order = self._order_for(self.reseller)
        order.action_quotation_sent()

        self._login("dewi.anggraini@example.com", "Kopi-Gayo-2024")
        response = self.url_open(f"/my/orders/{order.id}")
        self.assertEqual(response.status_code, 200)
        page = html.fromstring(response.content)

        def amount(value):
            text = formatLang(self.env, value, currency_obj=order.currency_id)
            return text.replace("\N{NO-BREAK SPACE}", " ")

        subtotals = [
            " ".join(node.text_content().replace("\N{NO-BREAK SPACE}", " ").split())
            for node in page.xpath("//span[hasclass('oe_order_line_price_subtotal')]")
        ]
        self.assertEqual(subtotals, [amount(112500)])
        self.assertEqual(order.currency_id, self.env.company.currency_id)
        self.assertIn(amount(112500), page.text_content().replace("\xa0", " "))
