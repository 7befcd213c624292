"""Paths and methods of /api/v1/ the order API does not serve: the API's JSON error,
not Odoo's HTML page, and nothing changes for Odoo's other paths."""

from odoo.tests import tagged

from .common import OrderApiCase


@tagged("post_install", "-at_install")
class TestOrderApiRoutes(OrderApiCase):
    def assertApiError(self, response, status, code):
        self.assertEqual(response.status_code, status, response.text[:500])
        self.assertTrue(
            response.headers["Content-Type"].startswith("application/json"),
            response.headers["Content-Type"],
        )
        error = response.json()["error"]
        self.assertEqual(set(error), {"code", "message", "field"})
        self.assertEqual(error["code"], code)
        self.assertIsNone(error["field"])
        self.assertTrue(error["message"])
        return error

    def test_unknown_paths_answer_json_404(self):
        orders = self.env["sale.order"].search_count([])
        for path in (
            "/api/v1/nope",
            "/api/v1",
            "/api/v1/",
            "/api/v1/orders/WC-1/lines",
            "/api/v1/openapi.json/x",
            "/api/v1/%00",
            "/api/v1/n%00pe?source=%00",
            "/api/v1/%ff%fe",
            "/api/v1/" + "x" * 5000,
            "/api/v1/" + "a/" * 2500,
        ):
            for method in ("GET", "POST", "DELETE"):
                with self.subTest(path=path[:40], method=method):
                    body = self._payload() if method == "POST" else None
                    response = self._call(method, path, body)
                    error = self.assertApiError(response, 404, "not_found")
                    # the path is not quoted back (a 5 kB path, a NUL)
                    self.assertLess(len(error["message"]), 200)
                    self.assertNotIn("\x00", response.text)
                    response = self._call(method, path, body, key="")
                    self.assertApiError(response, 404, "not_found")
        self.assertEqual(self.env["sale.order"].search_count([]), orders)

    def test_wrong_methods_answer_json_405_with_allow(self):
        order_path = {"GET", "HEAD", "PATCH", "OPTIONS"}  # an order's path
        orders = self.env["sale.order"].search_count([])
        for method, path, allowed in (
            ("DELETE", "/api/v1/orders", {"POST", "OPTIONS"}),
            ("GET", "/api/v1/orders", {"POST", "OPTIONS"}),
            ("PUT", "/api/v1/orders", {"POST", "OPTIONS"}),
            ("DELETE", "/api/v1/orders/WC-1", order_path),
            ("PUT", "/api/v1/orders/WC-1?source=woocommerce", order_path),
            ("POST", "/api/v1/orders/%00", order_path),
            ("POST", "/api/v1/orders/" + "x" * 5000, order_path),
            ("DELETE", "/api/v1/openapi.json", {"GET", "HEAD", "OPTIONS"}),
            ("POST", "/api/v1/openapi.json", {"GET", "HEAD", "OPTIONS"}),
        ):
            for key in (None, ""):
                with self.subTest(method=method, path=path[:40], key=key):
                    response = self._call(method, path, self._payload(), key=key)
                    self.assertApiError(response, 405, "method_not_allowed")
                    self.assertEqual(
                        set(response.headers["Allow"].split(", ")), allowed
                    )
        self.assertEqual(self.env["sale.order"].search_count([]), orders)
        # OPTIONS (which Odoo routes to every route naming its methods) says
        # what a path takes; it does not create or change the order
        for path, allowed in (
            ("/api/v1/orders", {"POST", "OPTIONS"}),
            ("/api/v1/orders/WC-R1", order_path),
        ):
            with self.subTest(method="OPTIONS", path=path):
                response = self._call("OPTIONS", path, self._payload("WC-R1"))
                self.assertEqual(response.status_code, 204, response.text)
                self.assertEqual(set(response.headers["Allow"].split(", ")), allowed)
        response = self._call("OPTIONS", "/api/v1/nope", key="")
        self.assertApiError(response, 404, "not_found")
        self.assertEqual(self.env["sale.order"].search_count([]), orders)
        # the API's own methods are served as before
        response = self._call("POST", "/api/v1/orders", self._payload("WC-R1"))
        self.assertEqual(response.status_code, 201, response.text)
        response = self._call("GET", "/api/v1/orders/WC-R1")
        self.assertEqual(response.status_code, 200, response.text)
        response = self._call("GET", "/api/v1/orders/WC-R0")
        self.assertEqual(response.json()["error"]["code"], "not_found")
        response = self._call("GET", "/api/v1/openapi.json", key="")
        self.assertEqual(response.status_code, 200)

    def test_other_paths_keep_odoo_pages(self):
        for path in ("/api/v2/nope", "/api/nope", "/api/v1x", "/apiv1/orders", "/nope"):
            with self.subTest(path=path):
                response = self._call("GET", path, key="")
                self.assertEqual(response.status_code, 404)
                self.assertTrue(
                    response.headers["Content-Type"].startswith("text/html"),
                    response.headers["Content-Type"],
                )
        response = self._call("DELETE", "/web/manifest.webmanifest", key="")
        self.assertEqual(response.status_code, 405)
        self.assertTrue(response.headers["Content-Type"].startswith("text/html"))

    def test_openapi_documents_the_errors(self):
        document = self._call("GET", "/api/v1/openapi.json", key="").json()
        responses = document["components"]["responses"]
        self.assertIn("not_found", responses["NotFound"]["description"])
        method_not_allowed = responses["MethodNotAllowed"]
        self.assertIn("method_not_allowed", method_not_allowed["description"])
        self.assertIn("Allow", method_not_allowed["headers"])
        self.assertIn("method_not_allowed", document["info"]["description"])
