"""/roms_reports/export/<id>: the file of an export, for the user who asked for
it. Anybody else's answer is the answer to an id that does not exist."""

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestExportAccess(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner = new_test_user(
            cls.env, "roms_exp_owner", groups="roms_crm.group_roms_admin"
        )
        for login, groups in (
            ("roms_exp_admin", "roms_crm.group_roms_admin"),
            ("roms_exp_cs", "base.group_user,roms_crm.group_roms_cs"),
            ("roms_exp_portal", "base.group_portal"),
        ):
            new_test_user(cls.env, login, groups=groups)
        cls.export = (
            cls.env["roms.report.export"]
            .with_user(cls.owner)
            .create({"report": "stock"})
        )
        missing = cls.env["roms.report.export"].create({"report": "stock"})
        cls.missing_id = missing.id
        missing.unlink()

    def _get(self, export_id):
        return self.url_open(f"/roms_reports/export/{export_id}")

    def test_only_its_maker_downloads_an_export(self):
        self.authenticate("roms_exp_owner", "roms_exp_owner")
        response = self._get(self.export.id)
        self.assertEqual(response.status_code, 200)
        self.assertIn("spreadsheetml", response.headers["Content-Type"])
        for login in ("roms_exp_admin", "roms_exp_cs", "roms_exp_portal"):
            self.authenticate(login, login)
            with self.subTest(login=login):
                theirs = self._get(self.export.id)
                # a missing export moves from the read-only cursor to the
                # primary first (roms_crm's tools/replica.py)
                with self.assertLogs("odoo.http", "WARNING"):
                    missing = self._get(self.missing_id)
                self.assertEqual(theirs.status_code, 404)
                self.assertEqual(missing.status_code, 404)
                self.assertEqual(theirs.text, missing.text)
                self.assertNotIn("spreadsheetml", theirs.headers["Content-Type"])
        self.authenticate(None, None)
        response = self._get(self.export.id)
        self.assertNotIn("spreadsheetml", response.headers.get("Content-Type", ""))
