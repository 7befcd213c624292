import json
import threading
from unittest.mock import patch

from odoo.tests import new_test_user, tagged

from odoo.addons.roms_crm.controllers.order_api.openapi import OPENAPI

from .common import OrderApiCase


@tagged("post_install", "-at_install")
class TestOrderApi(OrderApiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kopi, cls.gula = cls.products
        cls.cs_user = new_test_user(
            cls.env, "roms_api_cs", groups="base.group_user,roms_crm.group_roms_cs"
        )
        cls.cs_key = cls.api_key(cls.cs_user, cls.integration, "test")

    # tests ---------------------------------------------------------------

    def test_create_and_replay(self):
        response = self._call("POST", "/api/v1/orders", self._payload())
        self.assertEqual(response.status_code, 201, response.text)
        data = response.json()
        order = self.env["sale.order"].browse(data["id"])
        self.assertEqual(order.roms_external_id, "WC-1")
        self.assertEqual(order.roms_source, "woocommerce")
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.roms_stage, "processed")
        self.assertTrue(order.roms_new_order_done, "the new-order event did not fire")
        self.assertEqual(order.roms_payment_status, "paid")
        self.assertEqual(str(order.date_order), "2026-01-15 03:00:00")
        self.assertEqual(order.partner_id.roms_whatsapp_number, "+6281270001234")
        self.assertEqual(order.partner_id.roms_category, "customer")
        self.assertEqual(order.partner_id.state_id.name, "Jawa Barat")
        self.assertEqual(order.order_line.mapped("price_unit"), [45000, 20000])
        self.assertEqual(data["status"], "processed")
        # only the matched customer's id and name: never their phone or email
        self.assertEqual(
            data["customer"], {"id": order.partner_id.id, "name": "Budi API"}
        )
        self.assertEqual(
            [line["sku"] for line in data["lines"]], ["ROMS-API-KOPI", "ROMS-API-GULA"]
        )

        before = self._counts()
        replay = self._call("POST", "/api/v1/orders", self._payload())
        self.assertEqual(replay.status_code, 200, replay.text)
        self.assertEqual(replay.json()["id"], order.id)
        self.assertNothingWritten(before)

        # the same customer is found again by phone (written differently)
        other = self._payload(
            "WC-2", customer={"name": "Budi", "phone": "+62 812 7000 1234"}
        )
        response = self._call("POST", "/api/v1/orders", other)
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(response.json()["customer"]["id"], order.partner_id.id)
        # ... and by e-mail when there is no phone
        other = self._payload("WC-3", customer={"email": "BUDI.api@example.com"})
        response = self._call("POST", "/api/v1/orders", other)
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(response.json()["customer"]["id"], order.partner_id.id)

    def test_pending_is_a_quotation(self):
        response = self._call("POST", "/api/v1/orders", self._payload(status="pending"))
        self.assertEqual(response.status_code, 201, response.text)
        order = self.env["sale.order"].browse(response.json()["id"])
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.roms_stage, "pending")
        self.assertFalse(order.roms_new_order_done)

    def test_concurrent_identical_posts(self):
        """Two identical requests at once give one order. The test server shares
        one cursor between requests, so they are served one after the other here;
        the race itself is tested below in test_unique_violation_is_a_replay."""
        responses = []

        def post():
            responses.append(
                self._call("POST", "/api/v1/orders", self._payload("WC-R"))
            )

        threads = [threading.Thread(target=post) for _i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(sorted(r.status_code for r in responses), [200, 201])
        self.assertEqual(len({r.json()["id"] for r in responses}), 1)
        self.assertEqual(
            self.env["sale.order"].search_count([("roms_external_id", "=", "WC-R")]), 1
        )

    def test_unique_violation_is_a_replay(self):
        """The request that loses the race does not see the other's order when it
        looks first; its insert hits the unique constraint, its savepoint is rolled
        back (customer included) and it answers 200 with the winner's order."""
        first = self._call("POST", "/api/v1/orders", self._payload("WC-U"))
        self.assertEqual(first.status_code, 201, first.text)
        SaleOrder = self.registry["sale.order"]
        original_search = SaleOrder.search
        calls = []

        def search(records, domain, *args, **kwargs):
            if not calls and ("roms_external_id", "=", "WC-U") in domain:
                calls.append(domain)
                return records.browse()
            return original_search(records, domain, *args, **kwargs)

        before = self._counts()
        payload = self._payload(
            "WC-U", customer={"name": "Pembeli Baru", "phone": "0813-1111-2222"}
        )
        with (
            patch.object(SaleOrder, "search", search),
            self.assertLogs("odoo.sql_db", "ERROR"),
        ):
            status, data = (
                self.env["roms.api"].with_user(self.api_user)._api_create(payload)
            )
        self.assertTrue(calls, "the pre-check was not bypassed")
        self.assertEqual(status, 200)
        self.assertEqual(data["id"], first.json()["id"])
        self.assertNothingWritten(before)

    def test_validation_errors_write_nothing(self):
        before = self._counts()
        cases = [
            (
                self._payload(
                    lines=[{"sku": "ROMS-API-KOPI"}, {"sku": "NOPE"}],
                    customer={"name": "Orang Baru", "phone": "0899-1234-5678"},
                ),
                "lines[1].sku",
                "unknown_sku",
            ),
            (
                self._payload(customer={"name": "Salah", "phone": "12"}),
                "customer.phone",
                "invalid",
            ),
            (self._payload(external_id=""), "external_id", "required"),
            (
                self._payload(lines=[{"sku": "ROMS-API-KOPI", "quantity": 0}]),
                "lines[0].quantity",
                "out_of_range",
            ),
            (self._payload(status="shipping"), "status", "invalid"),
            (self._payload(lines=[]), "lines", "required"),
            (
                self._payload(customer={"phone": "0877-5555-0000"}),
                "customer.name",
                "required",
            ),
        ]
        for payload, field, code in cases:
            with self.subTest(field=field):
                response = self._call("POST", "/api/v1/orders", payload)
                self.assertError(response, 422, code, field)
        self.assertNothingWritten(before)

    def test_malformed_json(self):
        before = self._counts()
        response = self._call("POST", "/api/v1/orders", raw='{"external_id": ')
        self.assertError(response, 400, "malformed_json")
        response = self._call("POST", "/api/v1/orders", raw="[1, 2]")
        self.assertError(response, 400, "bad_request")
        response = self._call(
            "POST",
            "/api/v1/orders",
            raw=json.dumps(self._payload()),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        self.assertError(response, 400, "unsupported_media_type")
        self.assertNothingWritten(before)

    def test_authentication(self):
        before = self._counts()
        response = self._call("POST", "/api/v1/orders", self._payload(), key="")
        self.assertError(response, 401, "unauthorized")
        response = self._call("POST", "/api/v1/orders", self._payload(), key="x" * 40)
        self.assertError(response, 401, "unauthorized")
        # a user outside the API group
        response = self._call(
            "POST", "/api/v1/orders", self._payload(), key=self.cs_key
        )
        self.assertError(response, 403, "forbidden")
        # a revoked key
        key = (
            self.env["res.users.apikeys"]
            .with_user(self.api_user)
            .sudo()
            ._roms_generate(self.integration, "revoked")
        )
        response = self._call("GET", "/api/v1/orders/none", key=key)
        self.assertError(response, 404, "not_found", "external_id")
        self.env["res.users.apikeys"].sudo().search(
            [("user_id", "=", self.api_user.id), ("name", "=", "revoked")]
        ).with_user(self.env.ref("base.user_admin")).action_roms_revoke()
        response = self._call("POST", "/api/v1/orders", self._payload(), key=key)
        self.assertError(response, 401, "unauthorized")
        self.assertNothingWritten(before)

    def test_body_size_limit(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "roms_crm.api_max_body_bytes", 200
        )
        before = self._counts()
        response = self._call("POST", "/api/v1/orders", self._payload(note="x" * 500))
        self.assertError(response, 413, "payload_too_large")
        self.assertNothingWritten(before)

    def test_rate_limit(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "roms_crm.api_rate_per_minute", 2
        )
        for _i in range(2):
            self.assertEqual(self._call("GET", "/api/v1/orders/none").status_code, 404)
        before = self._counts()
        response = self._call("POST", "/api/v1/orders", self._payload())
        self.assertError(response, 429, "rate_limited")
        self.assertEqual(response.headers["Retry-After"], "60")
        self.assertNothingWritten(before)

    def test_get_and_patch(self):
        created = self._call("POST", "/api/v1/orders", self._payload("WC-P"))
        self.assertEqual(created.status_code, 201, created.text)
        response = self._call("GET", "/api/v1/orders/WC-P?source=woocommerce")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["id"], created.json()["id"])
        response = self._call("GET", "/api/v1/orders/WC-P?source=shopify")
        self.assertError(response, 404, "not_found", "external_id")
        response = self._call("GET", "/api/v1/orders/WC-404")
        self.assertError(response, 404, "not_found", "external_id")
        response = self._call("PATCH", "/api/v1/orders/WC-404", {"status": "shipped"})
        self.assertError(response, 404, "not_found", "external_id")

        response = self._call(
            "PATCH",
            "/api/v1/orders/WC-P",
            {"status": "shipped", "tracking_number": "JNE-777", "comment": "JNE REG"},
        )
        self.assertEqual(response.status_code, 200, response.text)
        order = self.env["sale.order"].browse(created.json()["id"])
        self.assertEqual(order.roms_stage, "shipped")
        self.assertEqual(order.roms_tracking_number, "JNE-777")
        self.assertFalse(order.roms_delivered_date)

        response = self._call("PATCH", "/api/v1/orders/WC-P", {"status": "delivered"})
        self.assertEqual(response.status_code, 200, response.text)
        order.invalidate_recordset()
        self.assertEqual(order.roms_stage, "delivered")
        self.assertTrue(order.roms_delivered_date)
        self.assertTrue(response.json()["delivered_date"])
        self.assertEqual(
            [entry["status"] for entry in response.json()["history"]][-2:],
            ["shipped", "delivered"],
        )

        response = self._call("PATCH", "/api/v1/orders/WC-P", {"status": "lost"})
        self.assertError(response, 422, "invalid", "status")
        response = self._call("PATCH", "/api/v1/orders/WC-P", raw="{")
        self.assertError(response, 400, "malformed_json")

    def test_openapi(self):
        response = self.url_open("/api/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        document = response.json()
        self.assertEqual(document, json.loads(json.dumps(OPENAPI)))
        self.assertTrue(document["openapi"].startswith("3.1"))
        self.assertEqual(
            set(document["paths"]),
            {"/api/v1/orders", "/api/v1/orders/{external_id}", "/api/v1/openapi.json"},
        )

    def test_key_wizard_and_docs(self):
        admin = self.env.ref("base.user_admin")
        wizard = (
            self.env["roms.api.key.wizard"]
            .with_user(admin)
            .create(
                {
                    "integration_id": self.integration.id,
                    "user_id": self.api_user.id,
                    "name": "Shopify",
                }
            )
        )
        action = wizard.action_generate()
        key = action["context"]["default_key"]
        response = self._call("GET", "/api/v1/orders/none", key=key)
        self.assertEqual(response.status_code, 404, response.text)
        keys = (
            self.env["res.users.apikeys"]
            .with_user(admin)
            .search([("name", "=", "Shopify")])
        )
        self.assertEqual(keys.user_id, self.api_user)
        self.authenticate("admin", "admin")
        response = self.url_open("/roms/api/docs")
        self.assertEqual(response.status_code, 200)
        self.assertIn("/api/v1/orders", response.text)
        self.assertIn("xmlrpc", response.text)
