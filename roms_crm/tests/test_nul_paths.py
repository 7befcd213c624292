"""A path with an encoded NUL byte (%00) that no route takes: the not-found page
of any other unknown path, never a 500. Odoo's fallback for a 404 looks for an
attachment at the path, and PostgreSQL refuses a NUL in a string."""

from odoo.tests import HttpCase, new_test_user, tagged

NUL_PATHS = (
    "/foo%00bar",
    "/my/orders%00",
    "/my/orders/%00",
    "/web/content%00",
    "/web/login%00",
    "/%00",
    "/%00/%00.png",
    "/odoo%00?debug=%00",
)


@tagged("post_install", "-at_install")
class TestNulPaths(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        new_test_user(cls.env, "roms_nul_portal", groups="base.group_portal")

    def assertNotFoundPage(self, path):
        """``path`` answers as the same path without its NUL bytes, which no
        route takes either: 404, Odoo's page, no NUL sent back."""
        response = self.url_open(path, allow_redirects=False)
        expected = self.url_open(path.replace("%00", "x"), allow_redirects=False)
        self.assertEqual(expected.status_code, 404, path)
        self.assertEqual(response.status_code, 404, response.text[:500])
        self.assertEqual(
            response.headers["Content-Type"], expected.headers["Content-Type"]
        )
        self.assertNotIn("\x00", response.text)

    def test_nul_paths_answer_not_found(self):
        for login in (None, "roms_nul_portal", "admin"):
            self.authenticate(login, login)
            for path in NUL_PATHS:
                with (
                    self.subTest(login=login, path=path),
                    self.assertNoLogs(level="ERROR"),
                ):
                    self.assertNotFoundPage(path)
