from odoo.tests import HttpCase, new_test_user, tagged

from .message_common import MessagingCase


@tagged("post_install", "-at_install")
class TestMessageOptOut(MessagingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cs_user = new_test_user(
            cls.env, "roms_cs_optout", groups="roms_crm.group_roms_cs"
        )
        cls.customer = cls.make_customer(
            "Rina", "Rina@Example.com", mobile="081234567001"
        )
        cls.other = cls.make_customer("Dewi", "dewi@example.com", "081234567002")

    def _blacklisted(self):
        emails = self.env["mail.blacklist"].search([]).mapped("email")
        numbers = self.env["phone.blacklist"].search([]).mapped("number")
        return "rina@example.com" in emails, "+6281234567001" in numbers

    def test_set_by_hand_writes_both_blacklists(self):
        customer = self.customer.with_user(self.cs_user)
        self.assertFalse(customer.roms_opt_out)
        customer.roms_opt_out = True
        self.assertEqual(self._blacklisted(), (True, True))
        self.assertTrue(self.customer.roms_opt_out)
        Partner = self.env["res.partner"]
        self.assertIn(self.customer, Partner.search([("roms_opt_out", "=", True)]))
        self.assertNotIn(self.other, Partner.search([("roms_opt_out", "=", True)]))
        self.assertIn(self.other, Partner.search([("roms_opt_out", "=", False)]))
        self.assertNotIn(self.customer, Partner.search([("roms_opt_out", "!=", True)]))

        customer.roms_opt_out = False
        self.assertEqual(self._blacklisted(), (False, False))
        self.assertFalse(self.customer.roms_opt_out)
        self.assertNotIn(self.customer, Partner.search([("roms_opt_out", "=", True)]))

    def test_blacklists_set_it(self):
        self.env["mail.blacklist"]._add("rina@example.com")
        self.customer.invalidate_recordset(["roms_opt_out"])
        self.assertTrue(self.customer.roms_opt_out)
        self.env["mail.blacklist"]._remove("rina@example.com")
        self.customer.invalidate_recordset(["roms_opt_out"])
        self.assertFalse(self.customer.roms_opt_out)

        self.env["phone.blacklist"]._add(["+6281234567001"])
        self.customer.invalidate_recordset(["roms_opt_out"])
        self.assertTrue(self.customer.roms_opt_out)
        self.assertIn(
            self.customer,
            self.env["res.partner"].search([("roms_opt_out", "=", True)]),
        )
        # a customer without e-mail nor phone is simply not opted out
        nobody = self.make_customer("Tanpa Kontak")
        self.assertFalse(nobody.roms_opt_out)
        self.assertIn(
            nobody, self.env["res.partner"].search([("roms_opt_out", "=", False)])
        )

    def test_keyword(self):
        customer = self.customer
        self.assertFalse(customer._roms_opt_out_by_keyword("Stop kirim promo ya"))
        self.assertFalse(customer._roms_opt_out_by_keyword(""))
        self.assertFalse(customer.roms_opt_out)
        self.assertTrue(customer._roms_opt_out_by_keyword("  berhenti! "))
        self.assertTrue(customer.roms_opt_out)
        self.assertEqual(self._blacklisted(), (True, True))

        self.env["ir.config_parameter"].sudo().set_param(
            "roms_crm.opt_out_keywords", "unsub, cukup"
        )
        self.assertFalse(self.other._roms_opt_out_by_keyword("STOP"))
        self.assertFalse(self.other.roms_opt_out)
        self.assertTrue(self.other._roms_opt_out_by_keyword("Cukup"))
        self.assertTrue(self.other.roms_opt_out)


@tagged("post_install", "-at_install")
class TestUnsubscribeRoute(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("id_ID")
        cls.env["ir.module.module"]._load_module_terms(["roms_crm"], ["id_ID"])
        cls.customer = cls.env["res.partner"].create(
            {"name": "Rina", "email": "rina@example.com", "mobile": "081234567001"}
        )

    def test_unsubscribe_link(self):
        url = self.customer._roms_unsubscribe_url()
        path = url[url.index("/roms/unsubscribe") :]
        # opening the link only asks; the page is in Indonesian
        response = self.url_open(path)
        self.assertEqual(response.status_code, 200)
        self.assertIn("berhenti", response.text.lower())
        self.customer.invalidate_recordset(["roms_opt_out"])
        self.assertFalse(self.customer.roms_opt_out)

        response = self.url_open(path, data={})
        self.assertEqual(response.status_code, 200)
        self.customer.invalidate_recordset(["roms_opt_out"])
        self.assertTrue(self.customer.roms_opt_out)
        self.assertIn(
            "rina@example.com", self.env["mail.blacklist"].search([]).mapped("email")
        )
        # a second time: already unsubscribed
        self.assertEqual(self.url_open(path).status_code, 200)

    def test_bad_token_refused(self):
        other = self.env["res.partner"].create(
            {"name": "Dewi", "email": "dewi@example.com"}
        )
        token = self.customer._roms_unsubscribe_token()
        for path in (
            f"/roms/unsubscribe/{other.id}/{token}",
            f"/roms/unsubscribe/{self.customer.id}/{token[:-1]}x",
            f"/roms/unsubscribe/999999999/{token}",
        ):
            self.assertEqual(self.url_open(path, data={}).status_code, 404, path)
        other.invalidate_recordset(["roms_opt_out"])
        self.customer.invalidate_recordset(["roms_opt_out"])
        self.assertFalse(other.roms_opt_out or self.customer.roms_opt_out)
