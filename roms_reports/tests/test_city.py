from odoo.tests import tagged

from .common import RomsReportsCase


@tagged("post_install", "-at_install")
class TestCityNormalisation(RomsReportsCase):
    def city(self, xmlid):
        return self.env.ref(f"roms_crm.{xmlid}")

    def test_typed_cities(self):
        jaksel = self.city("city_id_3174")
        kota_bandung = self.city("city_id_3273")
        kab_bandung = self.city("city_id_3204")
        jogja = self.city("city_id_3471")
        jawa_barat = self.env.ref("base.state_id_jb")
        cases = [
            ("Jaksel", jaksel),
            ("  JAKSEL ", jaksel),
            ("jakarta selatan", jaksel),
            ("Kota Administrasi Jakarta Selatan", jaksel),
            ("Jakbar", self.city("city_id_3173")),
            ("Jakpus", self.city("city_id_3171")),
            ("Jaktim", self.city("city_id_3175")),
            ("Jakut", self.city("city_id_3172")),
            ("Bdg", kota_bandung),
            ("Bandung", kota_bandung),
            ("kota bandung", kota_bandung),
            ("Kab. Bandung", kab_bandung),
            ("kabupaten bandung", kab_bandung),
            ("Sby", self.city("city_id_3578")),
            ("surabaya", self.city("city_id_3578")),
            ("Jogja", jogja),
            ("Yogya", jogja),
            ("Yogyakarta", jogja),
            ("Smg", self.city("city_id_3374")),
            ("Mdn", self.city("city_id_1271")),
            ("Mks", self.city("city_id_7371")),
            ("Dps", self.city("city_id_5171")),
            ("Tangsel", self.city("city_id_3674")),
            ("Bks", self.city("city_id_3275")),
            ("Atlantis", self.env["res.city"]),
        ]
        partners = self.env["res.partner"].create(
            [{"name": f"City {text}", "city": text} for text, _city in cases]
        )
        for partner, (text, city) in zip(partners, cases, strict=True):
            self.assertEqual(partner.roms_city_id, city, f"{text!r}")
        # the chosen city wins over the typed text
        partner = partners[0]
        partner.city_id = kab_bandung
        self.assertEqual(partner.roms_city_id, kab_bandung)
        # a bare name is narrowed to the customer's province
        partner = self.env["res.partner"].create(
            {"name": "Bekasi", "city": "Bekasi", "state_id": jawa_barat.id}
        )
        self.assertEqual(partner.roms_city_id, self.city("city_id_3275"))

    def test_alias_and_backfill(self):
        partners = self.env["res.partner"].create(
            [
                {"name": "A", "city": "Bogor Kota"},
                {"name": "B", "city": "Bogor Kota"},
                {"name": "C", "city": "Bandung", "city_id": False},
            ]
        )
        self.assertFalse(partners[0].roms_city_id)
        bogor = self.env["res.city"].search([("name", "=", "Kota Bogor")], limit=1)
        self.assertTrue(bogor)
        # a new alias re-normalises the existing customers at once
        self.env["roms.city.alias"].sudo().create(
            {"name": "bogor-kota", "city_id": bogor.id}
        )
        self.assertEqual(partners[:2].roms_city_id, bogor)
        # the set-based backfill agrees with the per-record compute
        self.env.cr.execute(
            "UPDATE res_partner SET roms_city_id = NULL WHERE id = ANY(%s)",
            [partners.ids],
        )
        self.env.invalidate_all()
        self.env["res.partner"]._roms_backfill_cities()
        self.assertEqual(
            [partner.roms_city_id.name for partner in partners],
            ["Kota Bogor", "Kota Bogor", "Kota Bandung"],
        )
