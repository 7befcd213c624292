"""The host-pinned HTTP client (tools/http_client.py) against real loopback
servers: the API's, and another host's that must never see the credentials."""

import socket

from odoo.tests import BaseCase, tagged

from ..tools.http_client import HttpClientError, PinnedHttpClient
from .fake_server import FakeServer

KEY = "secret-key-123"


class EchoServer(FakeServer):
    """Answers every request with its method and path, as JSON."""

    def handle(self, record):
        return 200, {"method": record.method, "path": record.path}, None


@tagged("post_install", "-at_install")
class TestPinnedHttpClient(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.api = EchoServer()
        cls.addClassCleanup(cls.api.stop)
        cls.other = EchoServer()
        cls.addClassCleanup(cls.other.stop)
        # the same loopback address under another host name
        cls.other_url = cls.other.url.replace("127.0.0.1", "localhost")

    def setUp(self):
        super().setUp()
        self.api.requests.clear()
        self.other.requests.clear()
        self.client = PinnedHttpClient(
            self.api.url + "/api",
            credentials={"Authorization": KEY},
            timeout=2,
            max_response_bytes=1000,
        )

    def assert_other_not_contacted(self):
        self.assertEqual(self.other.requests, [])

    def assert_refused(self, code, method, path, **kwargs):
        with self.assertRaises(HttpClientError) as caught:
            self.client.request(method, path, **kwargs)
        self.assertEqual(caught.exception.code, code)
        return caught.exception

    def test_credentials_go_to_the_base_url(self):
        response = self.client.request(
            "POST", "/v1/orders", headers={"Idempotency-Key": "k1"}, json={"a": 1}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"method": "POST", "path": "/api/v1/orders"})
        [request] = self.api.requests
        self.assertEqual(request.headers.get("Authorization"), KEY)
        self.assertEqual(request.headers.get("Idempotency-Key"), "k1")
        self.assertEqual(request.json, {"a": 1})

    def test_error_statuses_are_answers(self):
        self.api.fail_next(422, {"error": "bad parcel"})
        response = self.client.request("GET", "/v1/x")
        self.assertEqual(
            (response.status_code, response.json()), (422, {"error": "bad parcel"})
        )

    def test_urls_and_other_hosts_are_refused_before_sending(self):
        for path in (
            self.other_url + "/x",
            self.other.url + "/x",
            "localhost/x",
            "@localhost/x",
            f":{self.other.httpd.server_address[1]}/x",
            "",
            None,
        ):
            self.assert_refused("bad_url", "GET", path)
        self.assertEqual(self.api.requests, [])
        self.assert_other_not_contacted()

    def test_redirect_to_another_host_is_refused(self):
        for status in (301, 302, 303, 307, 308):
            self.api.redirect_next(self.other_url + "/steal", status=status)
            error = self.assert_refused("redirect", "POST", "/v1/orders", json={})
            self.assertFalse(error.temporary)
        # nor within the same host: the client follows nothing
        self.api.redirect_next(self.api.url + "/api/elsewhere")
        self.assert_refused("redirect", "GET", "/v1/x")
        self.assertEqual(len(self.api.requests), 6)
        self.assert_other_not_contacted()

    def test_send_adds_no_credentials_and_follows_no_redirect(self):
        response = self.client.send("GET", self.other_url + "/file", {})
        self.assertEqual(response.status_code, 200)
        [request] = self.other.requests
        self.assertNotIn("Authorization", request.headers)
        self.assertNotIn(KEY, str(request.headers))

        self.api.redirect_next(self.other_url + "/steal")
        response = self.client.send("GET", self.api.url + "/file", {})
        self.assertTrue(response.is_redirect)
        self.assertEqual(len(self.other.requests), 1)

    def test_answer_size_is_bounded(self):
        self.api.fail_next(200, b"x" * 1000)
        self.assertEqual(len(self.client.request("GET", "/v1/x").content), 1000)
        self.api.fail_next(200, b"x" * 1001)
        self.assert_refused("too_large", "GET", "/v1/x")
        self.api.fail_next(500, b"x" * 100_000)
        self.assert_refused("too_large", "GET", "/v1/x")

    def test_timeout_and_connection_failures_are_temporary(self):
        self.client.timeout = 0.3
        self.api.fail_next(200, {"late": True}, delay=1)
        error = self.assert_refused("timeout", "GET", "/v1/x")
        self.assertTrue(error.temporary)
        self.assertIn("Timeout", error.cause)

        with socket.socket() as closed:
            closed.bind(("127.0.0.1", 0))
            port = closed.getsockname()[1]
        client = PinnedHttpClient(f"http://127.0.0.1:{port}", timeout=2)
        with self.assertRaises(HttpClientError) as caught:
            client.request("GET", "/v1/x")
        self.assertEqual(caught.exception.code, "connection")
        self.assertTrue(caught.exception.temporary)
        self.assertEqual(caught.exception.cause, "ConnectionError")
