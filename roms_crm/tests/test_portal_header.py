import base64
import io

from lxml import html
from PIL import Image

from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPortalHeader(HttpCase):
    """The portal header shows the company's logo, or its name when the company
    has none: never Odoo's placeholder picture, which reads "Your logo"."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(cls.env, "roms_header", groups="base.group_portal")
        cls.company = cls.user.company_id

    def _brand(self):
        self.authenticate("roms_header", "roms_header")
        page = html.fromstring(self.url_open("/my").text)
        (brand,) = page.xpath("//a[contains(@class, 'navbar-brand')]")
        return brand

    def test_name_without_a_logo(self):
        self.company.write({"name": "Toko Kopi Header", "logo": False})
        self.assertTrue(self.company.uses_default_logo)
        brand = self._brand()
        self.assertFalse(brand.xpath(".//img"))
        self.assertEqual(brand.text_content().strip(), "Toko Kopi Header")

    def test_logo_of_the_company(self):
        self.company.write({"name": "Toko Kopi Header", "logo": False})
        self._brand()  # rendered (and cached) once without a logo
        image = io.BytesIO()
        Image.new("RGB", (120, 40), "#6f4e37").save(image, "PNG")
        self.company.logo = base64.b64encode(image.getvalue())
        self.assertFalse(self.company.uses_default_logo)
        brand = self._brand()
        self.assertTrue(brand.xpath(".//img[contains(@src, '/logo.png')]"))
        self.assertFalse(brand.xpath(".//*[contains(@class, 'o_roms_company_name')]"))


@tagged("post_install", "-at_install")
class TestPortalHeaderAfterWebsite(TransactionCase):
    def test_installed_after_a_website_header(self):
        """The Website app's headers replace the portal's navigation bar, logo
        and all: ROMS's header view, installed on a shop that has Website, comes
        before them (they were refused as "cannot be located in parent view",
        and ROMS could not be installed)."""
        View = self.env["ir.ui.view"]
        layout = self.env.ref("portal.frontend_layout")
        View.create(
            {
                "name": "A header as the Website app's (installed first)",
                "type": "qweb",
                "inherit_id": layout.id,
                "arch": '<xpath expr="//header//nav" position="replace">'
                '<nav class="navbar"><a href="/" class="navbar-brand">Toko</a></nav>'
                "</xpath>",
            }
        )
        roms = self.env.ref("roms_crm.frontend_layout_roms_company_name")
        # ROMS's view as an installation after that one makes it (a later id)
        later = View.create(
            {
                "name": roms.name,
                "type": "qweb",
                "inherit_id": layout.id,
                "priority": roms.priority,
                "arch": roms.arch_db,
            }
        )
        arch = layout._get_combined_arch()
        self.assertFalse(arch.xpath("//header//img"))
        self.assertTrue(later.active)


@tagged("post_install", "-at_install")
class TestOneLineAddress(TransactionCase):
    def test_missing_parts_leave_no_gaps(self):
        partner = self.env["res.partner"].create(
            {
                "name": "Toko Alamat",
                "street": "Jl. Braga 12",
                "city": "Bandung",
                "country_id": self.env.ref("base.id").id,
            }
        )
        line = partner._roms_one_line_address()
        self.assertIn("Jl. Braga 12", line)
        self.assertIn("Bandung", line)
        self.assertNotIn(", ,", line)
        self.assertNotIn("  ", line)
        self.assertFalse(line.startswith(",") or line.endswith(","))
        bare = self.env["res.partner"].create({"name": "Tanpa Alamat"})
        self.assertEqual(bare._roms_one_line_address(), "Tanpa Alamat")


@tagged("post_install", "-at_install")
class TestPortalChatterTranslated(HttpCase):
    """The portal's chatter is made of mail's components: their terms come in the
    customer's language ("The conversation is empty." was left in English)."""

    def test_chatter_terms_reach_the_portal(self):
        self.env["res.lang"]._activate_lang("id_ID")
        self.env["ir.module.module"]._load_module_terms(["mail"], ["id_ID"])
        new_test_user(
            self.env, "roms_chatter_id", groups="base.group_portal", lang="id_ID"
        )
        self.authenticate("roms_chatter_id", "roms_chatter_id")
        response = self.url_open("/website/translations/x?lang=id_ID")
        self.assertEqual(response.status_code, 200)
        modules = response.json()["modules"]
        self.assertIn("mail", modules)
        terms = {
            message["id"]: message["string"] for message in modules["mail"]["messages"]
        }
        self.assertEqual(terms["The conversation is empty."], "Percakapan kosong.")
