"""Integrations of the order API: isolation, client address lists, invalid keys."""

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import OrderApiCase


@tagged("post_install", "-at_install")
class TestApiIntegration(OrderApiCase):
    """Two integrations of one API user: the class's (woocommerce, shopify) and
    shop B (shopb)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shop_b = cls.env["roms.api.integration"].create(
            {"name": "Toko B", "source_names": "shopb"}
        )
        cls.key_b = cls.api_key(cls.api_user, cls.shop_b, "b")

    def test_key_b_cannot_read_or_patch_orders_of_a(self):
        created = self._call("POST", "/api/v1/orders", self._payload("ISO-1"))
        self.assertEqual(created.status_code, 201, created.text)
        order = self.env["sale.order"].browse(created.json()["id"])
        # another integration's source: refused outright
        for method, body in (("GET", None), ("PATCH", {"status": "cancelled"})):
            response = self._call(
                method, "/api/v1/orders/ISO-1?source=woocommerce", body, key=self.key_b
            )
            self.assertError(response, 403, "forbidden_source", "source")
        # no source: only its own sources are searched
        for method, body in (("GET", None), ("PATCH", {"status": "cancelled"})):
            response = self._call(method, "/api/v1/orders/ISO-1", body, key=self.key_b)
            self.assertError(response, 404, "not_found", "external_id")
        order.invalidate_recordset()
        self.assertEqual(order.roms_stage, "processed")
        # creating in another integration's source is refused too
        before = self._counts()
        response = self._call(
            "POST", "/api/v1/orders", self._payload("ISO-2"), key=self.key_b
        )
        self.assertError(response, 403, "forbidden_source", "source")
        self.assertNothingWritten(before)

    def test_default_source_is_the_integrations_first(self):
        payload = self._payload("ISO-3")
        del payload["source"]
        response = self._call("POST", "/api/v1/orders", payload, key=self.key_b)
        self.assertEqual(response.status_code, 201, response.text)
        order = self.env["sale.order"].browse(response.json()["id"])
        self.assertEqual(order.roms_source, "shopb")
        response = self._call("GET", "/api/v1/orders/ISO-3", key=self.key_b)
        self.assertEqual(response.status_code, 200, response.text)
        response = self._call("GET", "/api/v1/orders/ISO-3")
        self.assertError(response, 404, "not_found", "external_id")

    def test_key_without_integration_is_refused(self):
        key = (
            self.env["res.users.apikeys"]
            .with_user(self.api_user)
            .sudo()
            ._generate(None, "loose", None)
        )
        response = self._call("GET", "/api/v1/orders/none", key=key)
        self.assertError(response, 403, "no_integration")
        self.shop_b.active = False
        response = self._call("GET", "/api/v1/orders/none", key=self.key_b)
        self.assertError(response, 403, "no_integration")

    def test_sources_belong_to_one_integration(self):
        with self.assertRaises(ValidationError):
            self.env["roms.api.integration"].create(
                {"name": "Copy", "source_names": "WooCommerce"}
            )
        with self.assertRaises(ValidationError):
            self.shop_b.source_names = "shop b!"
        with self.assertRaises(ValidationError):
            self.shop_b.source_names = " , "

    def test_address_allowlist(self):
        with self.assertRaises(ValidationError):
            self.shop_b.allowed_addresses = "10.0.0.300"
        self.shop_b.allowed_addresses = "203.0.113.0/24\n2001:db8::/32"
        response = self._call("GET", "/api/v1/orders/none", key=self.key_b)
        self.assertError(response, 403, "forbidden_address")
        response = self._call("GET", "/api/v1/orders/none", key=self.key_b)
        self.assertError(response, 403, "forbidden_address")
        refused = self.shop_b.refused_address_ids
        self.assertEqual(refused.mapped("address"), ["127.0.0.1"])
        self.assertEqual(refused.count, 2)
        self.assertTrue(refused.last_date)
        # the other integration has no list: not affected
        response = self._call("GET", "/api/v1/orders/none")
        self.assertError(response, 404, "not_found", "external_id")
        refused.with_user(self.env.ref("base.user_admin")).action_allow()
        self.assertIn("127.0.0.1", self.shop_b.allowed_addresses)
        self.assertFalse(self.shop_b.refused_address_ids)
        response = self._call("GET", "/api/v1/orders/none", key=self.key_b)
        self.assertError(response, 404, "not_found", "external_id")

    def test_address_matching(self):
        from ..models.order_api.roms_api_integration import (
            address_allowed,
            parse_networks,
        )

        networks = parse_networks("203.0.113.0/24, 2001:db8::/32 198.51.100.7")
        self.assertTrue(address_allowed("203.0.113.9", networks))
        self.assertTrue(address_allowed("198.51.100.7", networks))
        self.assertTrue(address_allowed("::ffff:203.0.113.9", networks))
        self.assertTrue(address_allowed("2001:db8::1", networks))
        self.assertFalse(address_allowed("198.51.100.8", networks))
        self.assertFalse(address_allowed("2001:db9::1", networks))
        self.assertFalse(address_allowed("not an ip", networks))
        self.assertTrue(address_allowed("198.51.100.8", []))

    def test_invalid_keys_are_rate_limited_per_address(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "roms_crm.api_invalid_key_per_minute", 3
        )
        for _i in range(3):
            response = self._call("GET", "/api/v1/orders/none", key="y" * 40)
            self.assertError(response, 401, "unauthorized")
        response = self._call("GET", "/api/v1/orders/none", key="y" * 40)
        error = self.assertError(response, 429, "rate_limited")
        self.assertTrue(0 < error["retry_after"] <= 60)
        self.assertEqual(response.headers["Retry-After"], str(error["retry_after"]))
        # a guess that happens to be right is throttled as well
        response = self._call("GET", "/api/v1/orders/none")
        self.assertError(response, 429, "rate_limited")
        # counted in the database, so that every worker sees it
        failure = self.env["roms.api.auth.failure"].search(
            [("address", "=", "127.0.0.1")]
        )
        self.assertEqual(failure.count, 3)
        # a new minute starts a new window
        self.env.cr.execute(
            "UPDATE roms_api_auth_failure SET window_start = window_start"
            " - interval '61 seconds'"
        )
        self.env.invalidate_all()
        response = self._call("GET", "/api/v1/orders/none")
        self.assertError(response, 404, "not_found", "external_id")

    def test_adopt_existing_keys(self):
        """The upgrade gives keys of no integration one per user, with the
        sources that user's API orders use."""
        created = self._call(
            "POST", "/api/v1/orders", self._payload("ADOPT-1", source="shopify")
        )
        self.assertEqual(created.status_code, 201, created.text)
        self.integration.source_names = "woocommerce"
        key = (
            self.env["res.users.apikeys"]
            .with_user(self.api_user)
            .sudo()
            ._generate(None, "old", None)
        )
        integrations = self.env["roms.api.integration"]._adopt_keys()
        self.assertEqual(len(integrations), 1)
        self.assertEqual(integrations._sources(), ["shopify"])
        response = self._call("GET", "/api/v1/orders/ADOPT-1", key=key)
        self.assertEqual(response.status_code, 200, response.text)
        # a user with no API orders gets 'api'
        user = self.env["res.users"].create(
            {
                "name": "Old Shop",
                "login": "roms_old_shop",
                "groups_id": [Command.link(self.env.ref("roms_crm.group_roms_api").id)],
            }
        )
        self.env["res.users.apikeys"].with_user(user).sudo()._generate(
            None, "old", None
        )
        integration = self.env["roms.api.integration"]._adopt_keys()
        self.assertIn(integration._sources()[0], ("api", f"api-{user.id}"))
