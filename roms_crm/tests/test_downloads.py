"""roms.download.mixin: the files ROMS hands to the browser."""

import base64

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestDownloads(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ana = new_test_user(cls.env, "roms_dl_ana", groups="roms_crm.group_roms_cs")
        cls.budi = new_test_user(
            cls.env, "roms_dl_budi", groups="roms_crm.group_roms_cs"
        )

    def test_a_spreadsheet_is_read_only_by_its_maker(self):
        Export = self.env["roms.customer.export"]
        action = Export.with_user(self.ana)._download(b"isi", "pelanggan.xlsx")
        self.assertEqual(action["type"], "ir.actions.act_url")
        export = Export.search([], order="id desc", limit=1)
        self.assertEqual(
            action["url"],
            f"/web/content/roms.customer.export/{export.id}/file/pelanggan.xlsx"
            "?download=true",
        )
        self.assertEqual(base64.b64decode(export.with_user(self.ana).file), b"isi")
        with self.assertRaises(AccessError):
            export.with_user(self.budi).check_access("read")
        self.assertFalse(Export.with_user(self.budi).search([("id", "=", export.id)]))

    def test_file_names_are_quoted_in_the_url(self):
        action = self.env["roms.customer.export"]._download(b"x", "data 1/2.xlsx")
        self.assertTrue(action["url"].endswith("/file/data%201_2.xlsx?download=true"))
