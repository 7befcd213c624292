from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestUi(HttpCase):
    def test_cs_opens_roms_menu(self):
        new_test_user(
            self.env,
            "roms_cs_tour",
            password="roms_cs_tour",
            groups="base.group_user,roms_crm.group_roms_cs",
        )
        self.env["res.partner"].create(
            {
                "name": "Ayu Lestari",
                "mobile": "+6281311112222",
                "roms_category": "customer",
            }
        )
        self.start_tour("/odoo", "roms_cs_menu", login="roms_cs_tour")
