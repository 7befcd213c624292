"""Hostile and careless input to the order API: every value bounded, exact customer
identities, a 4xx JSON error (never a 500) and nothing written on any refusal."""

import json
import math
from datetime import datetime
from unittest.mock import patch

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import OrderApiCase


class OrderApiBoundsCase(OrderApiCase):
    """The order API of the source "bounds", its product ROMS-BND-KOPI (Units) and
    no rate limit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.integration.source_names = "bounds"
        (cls.kopi,) = cls.products
        cls.env["ir.config_parameter"].sudo().set_param(
            "roms_crm.api_rate_per_minute", 0
        )

    @classmethod
    def _api_product_values(cls):
        return [
            {
                "name": "Kopi Bounds",
                "default_code": "ROMS-BND-KOPI",
                "list_price": 50000,
                "type": "consu",
                "uom_id": cls.env.ref("uom.product_uom_unit").id,
                "uom_po_id": cls.env.ref("uom.product_uom_unit").id,
            }
        ]

    def _payload(self, external_id="BND-1", customer=None, lines=None, **overrides):
        payload = {
            "external_id": external_id,
            "source": "bounds",
            "customer": customer or {"name": "Sari Bounds", "phone": "0812-7333-0001"},
            "lines": lines or [{"sku": "ROMS-BND-KOPI", "quantity": 2}],
        }
        payload.update(overrides)
        return payload

    def assertRefused(self, response, status, field=None, code=None):
        self.assertEqual(response.status_code, status, response.text)
        error = response.json()["error"]
        self.assertEqual(set(error), {"code", "message", "field"})
        self.assertTrue(error["message"])
        if field is not None:
            self.assertEqual(error["field"], field, response.text)
        if code:
            self.assertEqual(error["code"], code, response.text)
        return error


@tagged("post_install", "-at_install")
class TestOrderApiBounds(OrderApiBoundsCase):
    def test_far_dates_are_refused(self):
        before = self._counts()
        for value in (
            "9999-12-31T23:59:59",
            "0001-01-01T00:00:00+05:00",
            "1999-12-31T23:59:59Z",
            "2026-13-01T00:00:00",
            "+10000-01-01T00:00:00",
        ):
            with self.subTest(value=value):
                response = self._call(
                    "POST", "/api/v1/orders", self._payload(date_order=value)
                )
                self.assertRefused(response, 422, "date_order")
        self.assertEqual(self._counts(), before)
        response = self._call(
            "POST", "/api/v1/orders", self._payload(date_order="2026-01-15T10:00:00Z")
        )
        self.assertEqual(response.status_code, 201, response.text)

    def test_far_date_written_by_hand_keeps_customer_readable(self):
        """Defence in depth: an admin may write any date_order; the customer's
        statistics (in Asia/Jakarta) stay within what Python can read."""
        response = self._call("POST", "/api/v1/orders", self._payload())
        self.assertEqual(response.status_code, 201, response.text)
        order = self.env["sale.order"].browse(response.json()["id"])
        partner = order.partner_id
        for moment, expected in (
            (datetime(9999, 12, 31, 23, 59, 59), "9999-12-31"),
            (datetime(1, 1, 1, 0, 0, 0), "0001-01-01"),
        ):
            with self.subTest(moment=moment):
                order.date_order = moment
                partner._roms_update_stats()
                self.env.invalidate_all()
                self.assertEqual(str(partner.roms_last_order_date), expected)
                partner.read(["roms_first_order_date", "roms_last_order_date"])
                self.assertIn(
                    partner.id,
                    [pid for pid, _name in partner.name_search("Sari Bounds")],
                )
                result = self.env["sale.order"].web_search_read(
                    [("id", "=", order.id)],
                    {
                        "date_order": {},
                        "partner_id": {
                            "fields": {
                                "display_name": {},
                                "roms_last_order_date": {},
                            }
                        },
                    },
                )
                self.assertEqual(result["records"][0]["partner_id"]["id"], partner.id)

    def test_email_is_matched_exactly(self):
        victim = self.env["res.partner"].create(
            {
                "name": "Korban Email",
                "email": "korban@example.com",
                "mobile": "+6281273330099",
            }
        )
        for index, email in enumerate(("%@example.com", "korban_@example.com")):
            with self.subTest(email=email):
                response = self._call(
                    "POST",
                    "/api/v1/orders",
                    self._payload(
                        f"BND-E{index}", customer={"name": "Penyusup", "email": email}
                    ),
                )
                self.assertEqual(response.status_code, 201, response.text)
                customer = response.json()["customer"]
                self.assertNotEqual(customer["id"], victim.id)
                self.assertEqual(set(customer), {"id", "name"})
                self.assertNotIn("korban", response.text.lower())
        response = self._call(
            "POST",
            "/api/v1/orders",
            self._payload("BND-E9", customer={"name": "x", "email": "%@%.%"}),
        )
        self.assertLess(response.status_code, 500, response.text)
        self.assertNotIn("korban", response.text.lower())
        # the same address written differently is the same customer
        response = self._call(
            "POST",
            "/api/v1/orders",
            self._payload("BND-E10", customer={"email": " Korban@Example.COM "}),
        )
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(
            response.json()["customer"], {"id": victim.id, "name": "Korban Email"}
        )

    def test_numbers_are_bounded(self):
        before = self._counts()
        line = "lines[0]"
        cases = [
            ({"quantity": 1e30}, f"{line}.quantity"),
            ({"quantity": 100001}, f"{line}.quantity"),
            ({"quantity": 1e-7}, f"{line}.quantity"),
            ({"quantity": 1.5}, f"{line}.quantity"),
            ({"quantity": -1}, f"{line}.quantity"),
            ({"quantity": "2"}, f"{line}.quantity"),
            ({"quantity": True}, f"{line}.quantity"),
            ({"quantity": [1]}, f"{line}.quantity"),
            ({"price_unit": 1e20}, f"{line}.price_unit"),
            ({"price_unit": 10_000_000_001}, f"{line}.price_unit"),
            ({"price_unit": -0.01}, f"{line}.price_unit"),
            ({"price_unit": {"a": 1}}, f"{line}.price_unit"),
        ]
        for index, (values, field) in enumerate(cases):
            with self.subTest(values=values):
                payload = self._payload(
                    f"BND-N{index}", lines=[{"sku": "ROMS-BND-KOPI", **values}]
                )
                self.assertRefused(
                    self._call("POST", "/api/v1/orders", payload), 422, field
                )
        for literal in ("NaN", "Infinity", "-Infinity", "1e400"):
            with self.subTest(literal=literal):
                raw = json.dumps(self._payload()).replace(
                    '"quantity": 2', f'"quantity": {literal}'
                )
                response = self._call("POST", "/api/v1/orders", raw=raw)
                self.assertIn(response.status_code, (400, 422), response.text)
                self.assertRefused(response, response.status_code)
        self.assertEqual(self._counts(), before)
        response = self._call(
            "POST",
            "/api/v1/orders",
            self._payload(
                lines=[{"sku": "ROMS-BND-KOPI", "quantity": 100000, "price_unit": 1e10}]
            ),
        )
        self.assertEqual(response.status_code, 201, response.text)
        self.assertAlmostEqual(response.json()["amount_untaxed"], 1e15, delta=100)

    def test_hostile_bodies_are_4xx(self):
        before = self._counts()
        deep = "[" * 100000 + "]" * 100000
        self.assertRefused(self._call("POST", "/api/v1/orders", raw=deep), 400)
        nested = self._payload(note=json.loads("[" * 40 + "]" * 40))
        self.assertRefused(self._call("POST", "/api/v1/orders", nested), 400)
        cases = [
            (self._payload(payment_status=["paid"]), "payment_status"),
            (self._payload(date_order={}), "date_order"),
            (self._payload(date_order=20260115), "date_order"),
            (self._payload(payment_method={"x": 1}), "payment_method"),
            (self._payload(status=["processed"]), "status"),
            (
                self._payload(
                    customer={"name": "A", "phone": "0812-7333-0002", "category": []}
                ),
                "customer.category",
            ),
            (self._payload(external_id="\x00"), "external_id"),
            (self._payload(external_id=["x"]), "external_id"),
            (self._payload(customer=["x"]), "customer"),
            (self._payload(lines={"sku": "ROMS-BND-KOPI"}), "lines"),
            (self._payload(lines=["ROMS-BND-KOPI"]), "lines[0]"),
            (self._payload(lines=[{"sku": 12}]), "lines[0].sku"),
            (self._payload(foo={"bar": {"baz": [1, {"q": None}]}}), "foo"),
            (
                self._payload(lines=[{"sku": "ROMS-BND-KOPI", "discount": 100}]),
                "lines[0].discount",
            ),
        ]
        for payload, field in cases:
            with self.subTest(field=field):
                response = self._call("POST", "/api/v1/orders", payload)
                self.assertRefused(response, 422, field)
        self.assertEqual(self._counts(), before)
        # NUL and other control characters are stripped from text
        payload = self._payload(
            "BND-\x00NUL",
            customer={"name": "Nul\x00 Ba\x07ik", "phone": "0812-7333-0003"},
            note="baris satu\x00\nbaris dua",
        )
        response = self._call("POST", "/api/v1/orders", payload)
        self.assertEqual(response.status_code, 201, response.text)
        order = self.env["sale.order"].browse(response.json()["id"])
        self.assertEqual(order.roms_external_id, "BND- NUL")
        self.assertEqual(order.partner_id.name, "Nul Ba ik")
        # the URL's id too
        for path in ("/api/v1/orders/%00", "/api/v1/orders/" + "x" * 500):
            with self.subTest(path=path[:30]):
                response = self._call("GET", path, raw="")
                self.assertRefused(response, 404)

    def test_stock_refusal_is_409(self):
        before = self._counts()

        def refuse(order, stage, **kwargs):
            raise UserError("Not enough stock to confirm.")  # pylint: disable=translation-required

        with patch.object(type(self.env["sale.order"]), "_roms_set_stage", refuse):
            response = self._call("POST", "/api/v1/orders", self._payload())
        self.assertRefused(response, 409, "status", "rejected")
        self.assertEqual(self._counts(), before)

    def test_lengths_are_bounded(self):
        before = self._counts()
        customer = {"name": "Panjang", "phone": "0812-7333-0004"}
        cases = [
            (self._payload(external_id="x" * 129), "external_id"),
            (self._payload(source="s" * 129), "source"),
            (self._payload(note="n" * 2001), "note"),
            (self._payload(customer={**customer, "name": "n" * 129}), "customer.name"),
            (
                self._payload(customer={**customer, "email": "e" * 250 + "@a.id"}),
                "customer.email",
            ),
            (
                self._payload(customer={"name": "P", "phone": "0" * 33}),
                "customer.phone",
            ),
            (
                self._payload(customer={**customer, "street": "s" * 257}),
                "customer.street",
            ),
            (self._payload(customer={**customer, "city": "c" * 129}), "customer.city"),
            (self._payload(customer={**customer, "zip": "1" * 17}), "customer.zip"),
            (
                self._payload(lines=[{"sku": "k" * 129, "quantity": 1}]),
                "lines[0].sku",
            ),
        ]
        for payload, field in cases:
            with self.subTest(field=field):
                response = self._call("POST", "/api/v1/orders", payload)
                self.assertRefused(response, 422, field, "too_long")
        self.assertEqual(self._counts(), before)
        response = self._call("POST", "/api/v1/orders", self._payload("BND-L"))
        self.assertEqual(response.status_code, 201, response.text)
        response = self._call(
            "PATCH",
            "/api/v1/orders/BND-L?source=bounds",
            {"status": "shipped", "tracking_number": "T" * 65},
        )
        self.assertRefused(response, 422, "tracking_number", "too_long")
        response = self._call(
            "PATCH",
            "/api/v1/orders/BND-L?source=bounds",
            {"status": "shipped", "comment": "c" * 2001},
        )
        self.assertRefused(response, 422, "comment", "too_long")

    def test_no_privileged_category(self):
        before = self._counts()
        for category in ("reseller", "dropshipper", "agent", "distributor"):
            with self.subTest(category=category):
                payload = self._payload(
                    customer={
                        "name": "Calon Reseller",
                        "phone": "0812-7333-0005",
                        "category": category,
                    }
                )
                response = self._call("POST", "/api/v1/orders", payload)
                self.assertRefused(response, 422, "customer.category")
        self.assertEqual(self._counts(), before)
        reseller = self.env["res.partner"].create(
            {"name": "Reseller Lama", "mobile": "+6281273330006"}
        )
        reseller.roms_category = "reseller"
        payload = self._payload(
            "BND-C", customer={"phone": "0812-7333-0006", "category": "lead"}
        )
        response = self._call("POST", "/api/v1/orders", payload)
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(response.json()["customer"]["id"], reseller.id)
        self.assertEqual(reseller.roms_category, "reseller")
        response = self._call(
            "POST",
            "/api/v1/orders",
            self._payload(
                "BND-D",
                customer={
                    "name": "Lead Baru",
                    "phone": "0812-7333-0007",
                    "category": "lead",
                },
            ),
        )
        self.assertEqual(response.status_code, 201, response.text)
        partner = self.env["res.partner"].browse(response.json()["customer"]["id"])
        self.assertEqual(partner.roms_category, "lead")


JSON_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)
JSON_ANY = st.recursive(
    JSON_LEAF,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.text(max_size=8), children, max_size=3),
    ),
    max_leaves=8,
)
# text as careless and hostile clients send it: control characters, NUL, any script
HOSTILE_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=140
)


def _maybe(strategy):
    return st.one_of(strategy, JSON_ANY)


def _numbers():
    return st.one_of(
        st.integers(min_value=-5, max_value=200),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from([1e30, 1e-7, 0.5, 1.5, 100000, 100001, 1e10, 1e20, -0.0]),
    )


LINE = st.fixed_dictionaries(
    {"sku": _maybe(st.sampled_from(["ROMS-BND-KOPI", "ROMS-BND-GULA", "NOPE"]))},
    optional={"quantity": _maybe(_numbers()), "price_unit": _maybe(_numbers())},
)
CUSTOMER = st.fixed_dictionaries(
    {},
    optional={
        "name": _maybe(HOSTILE_TEXT),
        "phone": _maybe(
            st.one_of(
                st.sampled_from(["0812-7444-0001", "+62 812 7444 0002", "12"]),
                HOSTILE_TEXT,
            )
        ),
        "email": _maybe(
            st.one_of(
                st.sampled_from(
                    ["prop@example.com", "%@example.com", "%@%.%", "PROP@Example.com"]
                ),
                st.emails(),
            )
        ),
        "city": _maybe(HOSTILE_TEXT),
        "zip": _maybe(HOSTILE_TEXT),
        "state": _maybe(st.sampled_from(["Jawa Barat", "%", "JB", "Atlantis"])),
        "category": _maybe(st.sampled_from(["lead", "customer", "reseller"])),
    },
)
PAYLOAD = st.fixed_dictionaries(
    {
        "external_id": _maybe(
            st.one_of(HOSTILE_TEXT, st.integers(), st.sampled_from(["PROP-1"]))
        ),
        "customer": _maybe(CUSTOMER),
        "lines": _maybe(st.lists(_maybe(LINE), max_size=4)),
    },
    optional={
        # mostly the key's own source, so that requests reach the validation
        "source": _maybe(st.one_of(st.just("bounds"), st.just("BOUNDS"), HOSTILE_TEXT)),
        "date_order": _maybe(
            st.one_of(
                st.datetimes().map(lambda moment: moment.isoformat()),
                st.datetimes(timezones=st.timezones()).map(
                    lambda moment: moment.isoformat()
                ),
                st.sampled_from(["9999-12-31T23:59:59", "2026-01-15T10:00:00Z"]),
            )
        ),
        "status": _maybe(st.sampled_from(["pending", "processed", "delivered"])),
        "payment_status": _maybe(st.sampled_from(["paid", "unpaid"])),
        "payment_method": _maybe(st.sampled_from(["cod", "ewallet"])),
        "note": _maybe(HOSTILE_TEXT),
        "foo": JSON_ANY,
    },
)


@tagged("post_install", "-at_install")
class TestOrderApiProperties(OrderApiBoundsCase):
    """Whatever a client posts: a consistent order (2xx) or a 4xx JSON error with
    nothing written — never a 500, never a record that cannot be read back."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["product.product"].create(
            {
                "name": "Gula Bounds",
                "default_code": "ROMS-BND-GULA",
                "list_price": 20000,
                "type": "consu",
                "uom_id": cls.env.ref("uom.product_uom_kgm").id,
                "uom_po_id": cls.env.ref("uom.product_uom_kgm").id,
            }
        )

    @settings(
        max_examples=120,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(payload=PAYLOAD)
    def test_any_payload(self, payload):
        before = self._counts()
        response = self._call("POST", "/api/v1/orders", raw=json.dumps(payload))
        self.assertLess(response.status_code, 500, response.text)
        body = response.json()
        if response.status_code >= 400:
            self.assertRefused(response, response.status_code)
            self.assertEqual(self._counts(), before, response.text)
            return
        self.assertIn(response.status_code, (200, 201))
        self.env.invalidate_all()
        order = self.env["sale.order"].browse(body["id"])
        partner = order.partner_id
        partner.read(["name", "roms_first_order_date", "roms_last_order_date"])
        self.assertEqual(body["customer"], {"id": partner.id, "name": partner.name})
        self.assertNotIn("\x00", partner.name + (order.roms_external_id or ""))
        for amount in ("amount_untaxed", "amount_total"):
            self.assertTrue(math.isfinite(body[amount]))
        if response.status_code == 201:
            self.assertEqual(len(body["lines"]), len(payload["lines"]))
            for line, asked in zip(body["lines"], payload["lines"], strict=True):
                # as asked, to the unit's rounding
                self.assertAlmostEqual(
                    line["quantity"], asked.get("quantity", 1), delta=0.01
                )
                self.assertGreater(line["quantity"], 0)
