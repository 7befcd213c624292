from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPortalAccountDetails(HttpCase):
    """A portal customer saves their details in Odoo's own account form (/my/account),
    as Odoo's portal tour does: ROMS normalises the numbers it can read and never
    turns the form into an error page."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env, "roms_portal_account", groups="base.group_portal"
        )
        cls.partner = cls.user.partner_id
        cls.partner.write(
            {
                "name": "Joko Portal",
                "email": "joko.portal@example.com",
                "street": "Jl. Merdeka 1",
                "city": "Bandung",
                "country_id": cls.env.ref("base.id").id,
                "phone": "+6281234500001",
            }
        )

    def _save(self, **changes):
        self.authenticate(self.user.login, self.user.login)
        data = {
            "name": self.partner.name,
            "email": self.partner.email,
            "street": self.partner.street,
            "city": self.partner.city,
            "country_id": str(self.partner.country_id.id),
            "phone": self.partner.phone,
            **changes,
        }
        response = self.url_open(
            "/my/account",
            data={"csrf_token": http.Request.csrf_token(self), **data},
            allow_redirects=False,
        )
        self.env.invalidate_all()
        return response

    def test_indonesian_number_is_normalised(self):
        response = self._save(phone="0812-3456-7890")
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my/home"))
        self.assertEqual(self.partner.phone, "+6281234567890")
        self.assertEqual(self.partner.roms_whatsapp_number, "+6281234567890")

    def test_foreign_number(self):
        us = self.env.ref("base.us")
        # a number ROMS cannot read (Odoo's own tour types this one): kept as typed
        response = self._save(phone="+1 555 666 7788", country_id=str(us.id))
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.partner.phone, "+1 555 666 7788")
        self.assertEqual(self.partner.country_id, us)
        # a valid one of another country: normalised in its country
        uk = self.env.ref("base.uk")
        response = self._save(phone="020 7946 0958", country_id=str(uk.id))
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.partner.phone, "+442079460958")

    def test_without_phone_number(self):
        # Odoo's form asks for the number (a required field): the page says so
        response = self._save(phone="", city="Jakarta")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Some required fields are empty.", response.text)
        self.assertEqual(self.partner.city, "Bandung")
        self.assertEqual(self.partner.phone, "+6281234500001")

    def test_name_loses_its_bidirectional_controls(self):
        """The name a reseller gives themselves shows in the shop's lists: a
        right-to-left override would show it reversed ("Joko <U+202E>4321-DRO"
        reads "Joko ORD-1234"), so it loses the embeddings, overrides and
        isolates; the rest of the form is saved as typed."""
        response = self._save(
            name="Joko \u202e4321-DRO\u202c \u2066Portal\u2069", city="Bogor"
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.partner.name, "Joko 4321-DRO Portal")
        self.assertEqual(self.partner.city, "Bogor")
        response = self._save(company_name="CV \u202eAJAYA\u202c")
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.partner.company_name, "CV AJAYA")
        # a name of nothing else is a missing one: the form says so
        response = self._save(name="\u202e\u2066 ")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Some required fields are empty.", response.text)
        self.assertEqual(self.partner.name, "Joko 4321-DRO Portal")
