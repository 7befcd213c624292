from odoo.exceptions import ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestPhoneIdentity(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cs_user = new_test_user(
            cls.env, "roms_cs_phone", groups="roms_crm.group_roms_cs"
        )
        cls.Partner = cls.env["res.partner"].with_user(cls.cs_user)

    def _customer(self, name, **vals):
        return self.Partner.create({"name": name, "roms_category": "customer", **vals})

    def test_three_spellings_are_one_number(self):
        spellings = ("0812-3456-7890", "6281234567890", "+62 812-3456-7890")
        customers = self.Partner.browse()
        for index, spelling in enumerate(spellings):
            customers |= self._customer(f"Budi {index}", mobile=spelling)
        self.assertEqual(set(customers.mapped("mobile")), {"+6281234567890"})
        self.assertEqual(
            set(customers.mapped("roms_whatsapp_number")), {"+6281234567890"}
        )

    def test_phone_is_identity_when_no_mobile(self):
        customer = self._customer("Sari", phone="(022) 4231 567")
        self.assertEqual(customer.phone, "+62224231567")
        self.assertEqual(customer.roms_whatsapp_number, "+62224231567")
        customer.mobile = "0857 1234 5678"
        self.assertEqual(customer.roms_whatsapp_number, "+6285712345678")

    def test_write_normalises(self):
        customer = self._customer("Dewi", mobile="081234567890")
        customer.write({"mobile": "62 813 1111 2222"})
        self.assertEqual(customer.mobile, "+6281311112222")

    def test_foreign_number_read_in_its_country(self):
        malaysia = self.env.ref("base.my")
        customer = self._customer(
            "Aisyah", mobile="012-345 6789", country_id=malaysia.id
        )
        self.assertEqual(customer.mobile, "+60123456789")

    def test_invalid_number_refused_and_nothing_written(self):
        count = self.Partner.search_count([])
        for bad in ("12345", "0812", "hello", "+62 999 1"):
            with self.subTest(number=bad), self.assertRaises(ValidationError) as caught:
                self._customer("Nobody", mobile=bad)
            self.assertIn(bad, str(caught.exception))
        self.assertEqual(self.Partner.search_count([]), count)
        customer = self._customer("Rina", mobile="081234567891")
        with self.assertRaises(ValidationError):
            customer.write({"mobile": "0812"})
        self.assertEqual(customer.mobile, "+6281234567891")

    def test_roms_screen_is_strict(self):
        # The ROMS customer action opens the form with a default category.
        form = Form(
            self.Partner.with_context(default_roms_category="customer"),
            view="base.view_partner_form",
        )
        form.name = "Joko"
        form.mobile = "0812"
        with self.assertRaises(ValidationError):
            form.save()

    def test_other_contacts_are_never_refused(self):
        # Contacts made outside ROMS (suppliers, other modules' data) keep a number
        # that cannot be read instead of failing.
        supplier = self.env["res.partner"].create(
            {"name": "Supplier", "roms_category": False, "phone": "ext. 12"}
        )
        self.assertEqual(supplier.phone, "ext. 12")
        self.assertFalse(supplier.roms_whatsapp_number)
        supplier.phone = "021 555 0101"
        self.assertEqual(supplier.phone, "+62215550101")

    def test_duplicates_flagged_and_merged(self):
        first = self._customer("Budi Santoso", mobile="0812-3456-7890")
        second = self._customer("Budi123", mobile="+62 812 3456 7890")
        other = self._customer("Ani", mobile="0813 9999 8888")
        self.assertEqual((first | second).mapped("roms_duplicate_count"), [1, 1])
        self.assertEqual(other.roms_duplicate_count, 0)
        found = self.Partner.search([("roms_duplicate_count", ">", 0)])
        self.assertIn(first, found)
        self.assertIn(second, found)
        self.assertNotIn(other, found)

        action = first.action_roms_merge_duplicates()
        self.assertEqual(action["res_model"], "base.partner.merge.automatic.wizard")
        self.assertEqual(set(action["context"]["active_ids"]), {first.id, second.id})
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.cs_user)
            .with_context(**action["context"])
            .create({})
        )
        wizard.dst_partner_id = first
        with mute_logger("odoo.addons.base.wizard.base_partner_merge"):
            wizard.action_merge()
        self.assertFalse(second.exists())
        self.assertEqual(first.roms_duplicate_count, 0)

    def test_search_by_any_spelling(self):
        budi = self._customer("Budi Santoso", mobile="+6281234567890")
        for typed in (
            "0812-3456-7890",
            "6281234567890",
            "+62 812 3456 7890",
            "3456 7890",
        ):
            with self.subTest(typed=typed):
                found = self.Partner.search([("roms_phone_search", "ilike", typed)])
                self.assertIn(budi, found)
        self.assertNotIn(
            budi, self.Partner.search([("roms_phone_search", "ilike", "0813-9999")])
        )
