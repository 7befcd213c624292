from lxml import etree
from psycopg2 import IntegrityError

from odoo.tests import Form, TransactionCase, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval


@tagged("post_install", "-at_install")
class TestRegions(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.indonesia = cls.env.ref("base.id")
        cls.jawa_barat = cls.env.ref("base.state_id_jb")
        cls.jawa_timur = cls.env.ref("base.state_id_ji")
        cls.kota_bandung = cls.env.ref("roms_crm.city_id_3273")
        cls.kabupaten_bandung = cls.env.ref("roms_crm.city_id_3204")
        cls.kota_surabaya = cls.env.ref("roms_crm.city_id_3578")
        cls.coblong = cls.env.ref("roms_crm.district_id_327302")
        cls.soreang = cls.env.ref("roms_crm.district_id_320437")
        cls.gubeng = cls.env.ref("roms_crm.district_id_357808")

    def test_all_of_indonesia_ships(self):
        states = self.env["res.country.state"].search(
            [("country_id", "=", self.indonesia.id)]
        )
        self.assertEqual(len(states), 38)
        self.assertEqual(len(set(states.mapped("name"))), 38, "duplicate provinces")
        self.assertIn("Papua Barat Daya", states.mapped("name"))
        # Odoo's own states are reused: Jakarta is base's, not a second one.
        self.assertEqual(
            self.env.ref("roms_crm.city_id_3171").state_id,
            self.env.ref("base.state_id_jk"),
        )
        cities = self.env["res.city"].search([("country_id", "=", self.indonesia.id)])
        self.assertEqual(len(cities), 514)
        self.assertFalse(cities.filtered(lambda city: not city.state_id))
        self.assertTrue(self.indonesia.enforce_cities)
        districts = self.env["roms.district"].search(
            [("country_id", "=", self.indonesia.id)]
        )
        self.assertGreaterEqual(len(districts), 7000)
        self.assertFalse(
            districts.filtered(lambda d: d.state_id != d.city_id.state_id),
            "every district lies in the province of its city",
        )

    def test_names_and_codes(self):
        self.assertEqual(self.kota_bandung.name, "Kota Bandung")
        self.assertEqual(self.kota_bandung.roms_code, "32.73")
        self.assertEqual(
            self.env.ref("roms_crm.city_id_7310").name,
            "Kabupaten Pangkajene dan Kepulauan",
        )
        self.assertEqual(self.coblong.code, "32.73.02")
        self.assertEqual(self.coblong.display_name, "Coblong, Kota Bandung")
        self.assertEqual(self.coblong.state_id, self.jawa_barat)

    def test_search_district_by_code_and_name(self):
        District = self.env["roms.district"]
        self.assertEqual(District.search([("code", "=", "32.73.02")]), self.coblong)
        found = District.name_search("32.73.02")
        self.assertEqual(
            [district_id for district_id, _name in found], [self.coblong.id]
        )
        # Two districts are called Soreang: the city tells them apart.
        soreang = District.name_search("Soreang")
        self.assertIn((self.soreang.id, "Soreang, Kabupaten Bandung"), soreang)
        self.assertEqual(len(soreang), 2)

    def test_district_code_unique(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env["roms.district"].create(
                {
                    "name": "Coblong Baru",
                    "code": "32.73.02",
                    "city_id": self.kota_bandung.id,
                }
            )

    def test_partner_address_lists_filter_each_other(self):
        partner_form = Form(self.env["res.partner"])
        partner_form.name = "Budi Santoso"
        partner_form.zip = "40132"
        partner_form.state_id = self.jawa_barat
        self.assertEqual(partner_form.country_id, self.indonesia)

        # The city sets the province and keeps the postal code typed before it.
        partner_form.city_id = self.kota_bandung
        self.assertEqual(partner_form.city, "Kota Bandung")
        self.assertEqual(partner_form.state_id, self.jawa_barat)
        self.assertEqual(partner_form.zip, "40132")
        partner_form.roms_district_id = self.coblong
        self.assertEqual(partner_form.city_id, self.kota_bandung)

        # Another city clears a district of the previous one.
        partner_form.city_id = self.kabupaten_bandung
        self.assertFalse(partner_form.roms_district_id)

        # A district sets its city and, through it, the province.
        partner_form.roms_district_id = self.gubeng
        self.assertEqual(partner_form.city_id, self.kota_surabaya)
        self.assertEqual(partner_form.city, "Kota Surabaya")
        self.assertEqual(partner_form.state_id, self.jawa_timur)

        # Another province clears the city and the district, and stays chosen.
        partner_form.state_id = self.jawa_barat
        self.assertFalse(partner_form.city_id)
        self.assertFalse(partner_form.city)
        self.assertFalse(partner_form.roms_district_id)
        self.assertEqual(partner_form.state_id, self.jawa_barat)

        partner_form.roms_district_id = self.soreang
        partner = partner_form.save()
        self.assertEqual(partner.roms_district_id, self.soreang)
        self.assertEqual(partner.city_id, self.kabupaten_bandung)
        self.assertEqual(partner.state_id, self.jawa_barat)
        self.assertEqual(partner.country_id, self.indonesia)
        self.assertEqual(partner.zip, "40132")

        # Saved partner: changing the province still keeps it and clears the rest.
        with Form(partner) as partner_form:
            partner_form.state_id = self.jawa_timur
            self.assertFalse(partner_form.city_id)
            self.assertFalse(partner_form.roms_district_id)
        self.assertEqual(partner.state_id, self.jawa_timur)

    def test_city_has_a_line_of_its_own(self):
        """Indonesian city names ("Kota Administrasi Jakarta Selatan") do not fit
        the 38 % of a line Odoo's address block gives a city beside its province
        and postcode: on the customer's form and on a contact's, the city takes
        the whole line, as the street does."""
        arch = etree.fromstring(
            self.env["res.partner"].get_view(self.env.ref("base.view_partner_form").id)[
                "arch"
            ]
        )
        cities = arch.xpath(
            "//div[contains(concat(' ', @class, ' '), ' o_address_format ')]"
            "/field[@name='city_id']"
        )
        self.assertEqual(len(cities), 2)  # the customer's, a contact's
        for city in cities:
            classes = city.get("class").split()
            self.assertIn("o_address_street", classes)
            self.assertNotIn("o_address_city", classes)

    def test_district_domain_follows_city_and_province(self):
        District = self.env["roms.district"]
        domain = self.env["res.partner"]._fields["roms_district_id"].domain

        def districts(city=None, state=None):
            values = {"city_id": city.id if city else False}
            values["state_id"] = state.id if state else False
            return District.search(safe_eval(domain, values))

        in_bandung = districts(self.kota_bandung, self.jawa_barat)
        self.assertIn(self.coblong, in_bandung)
        self.assertEqual(in_bandung.city_id, self.kota_bandung)
        in_jawa_barat = districts(state=self.jawa_barat)
        self.assertIn(self.soreang, in_jawa_barat)
        self.assertNotIn(self.gubeng, in_jawa_barat)
        self.assertEqual(in_jawa_barat.state_id, self.jawa_barat)
        self.assertEqual(len(districts()), District.search_count([]))

    def test_contacts_share_the_company_district(self):
        company = self.env["res.partner"].create(
            {
                "name": "Toko Sumber Rejeki",
                "is_company": True,
                "country_id": self.indonesia.id,
                "state_id": self.jawa_timur.id,
                "city_id": self.kota_surabaya.id,
                "roms_district_id": self.gubeng.id,
            }
        )
        contact = self.env["res.partner"].create(
            {"name": "Agus", "parent_id": company.id, "type": "contact"}
        )
        self.assertEqual(contact.roms_district_id, self.gubeng)
        company.roms_district_id = self.env.ref("roms_crm.district_id_357801")
        self.assertEqual(contact.roms_district_id.code, "35.78.01")
