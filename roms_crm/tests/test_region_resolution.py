"""res.city._roms_resolve_regions: Indonesian regions named in text, in batches."""

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestRegionResolution(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.City = cls.env["res.city"]
        cls.jawa_barat = cls.env.ref("base.state_id_jb")
        cls.jakarta = cls.env.ref("base.state_id_jk")
        cls.kota_bandung = cls.env.ref("roms_crm.city_id_3273")
        cls.kabupaten_bandung = cls.env.ref("roms_crm.city_id_3204")
        cls.coblong = cls.env.ref("roms_crm.district_id_327302")

    def test_loose_names_fill_the_levels_above(self):
        coblong, bandung, jakarta, nothing = self.City._roms_resolve_regions(
            [
                {"district": "COBLONG", "city": "kota  bandung"},
                {"city": "Kab. Bandung", "province": "Provinsi Jawa Barat"},
                {"province": "DKI Jakarta"},
                {},
            ]
        )
        self.assertEqual(
            (coblong["state_id"], coblong["city_id"], coblong["district_id"]),
            (self.jawa_barat.id, self.kota_bandung.id, self.coblong.id),
        )
        self.assertEqual(coblong["city_name"], "Kota Bandung")
        self.assertEqual(bandung["city_id"], self.kabupaten_bandung.id)
        self.assertFalse(bandung["district_id"])
        self.assertEqual(jakarta["state_id"], self.jakarta.id)
        self.assertFalse(jakarta["city_id"] or jakarta["city_name"])
        self.assertEqual(nothing["state_id"], False)
        self.assertFalse(nothing["error"])

    def test_errors_name_the_level_and_the_reason(self):
        results = self.City._roms_resolve_regions(
            [
                {"province": "Atlantis"},
                {"city": "Gotham"},
                {"city": "Bandung"},
                {"province": "Jawa Timur", "city": "Kota Bandung"},
                {"city": "Kota Bandung", "district": "Gubeng"},
                {"district": "Sukamakmur"},
            ]
        )
        errors = [result["error"] for result in results]
        self.assertEqual(
            [error[:2] for error in errors],
            [
                ("province", "unknown"),
                ("city", "unknown"),
                ("city", "ambiguous"),
                ("city", "elsewhere"),
                ("district", "elsewhere"),
                ("district", "ambiguous"),
            ],
        )
        self.assertEqual(errors[2][2], {"cities": "Kabupaten Bandung, Kota Bandung"})
        self.assertEqual(errors[3][2]["province"], "Jawa Timur")
        self.assertEqual(errors[4][2]["region"], "Kota Bandung")
        self.assertFalse(any(result["state_id"] for result in results))

    def test_exact_names_only_official_names_and_codes(self):
        results = self.City._roms_resolve_regions(
            [
                {"province": "jawa barat"},
                {"province": "JB"},
                {"province": "Provinsi Jawa Barat"},
                {"province": "%"},
                {"city": "kota bandung"},
                {"city": "Bandung"},
            ],
            exact=True,
        )
        self.assertEqual(
            [result["state_id"] for result in results],
            [self.jawa_barat.id, self.jawa_barat.id, False, False]
            + [self.jawa_barat.id, False],
        )
        self.assertEqual(results[4]["city_id"], self.kota_bandung.id)

    def test_queries_do_not_grow_with_the_addresses(self):
        def count(addresses):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.City._roms_resolve_regions(addresses)
            return self.env.cr.sql_log_count - before

        address = {"province": "Jawa Barat", "city": "Bandung", "district": "Coblong"}
        count([address])  # warm the caches
        self.assertEqual(count([address] * 2), count([address] * 200))
        # provinces alone: the country and its provinces, no city nor district
        self.assertLessEqual(count([{"province": "JB"}] * 50), 2)
