"""More hostile requests to the order API: LIKE wildcards, text from every corner
of Unicode, far and odd dates, absurd numbers, fields PATCH does not take, stages
after cancellation, bodies without a length. Each refusal is a 4xx JSON error that
wrote nothing, and what was accepted reads back through the ORM and the lists."""

import json
import socket
from urllib.parse import urlsplit

from odoo.tests import tagged

from .test_order_api_bounds import OrderApiBoundsCase


@tagged("post_install", "-at_install")
class TestOrderApiHostile(OrderApiBoundsCase):
    def _post(self, payload=None, **kwargs):
        return self._call("POST", "/api/v1/orders", payload, **kwargs)

    def _create(self, external_id, **overrides):
        response = self._post(self._payload(external_id, **overrides))
        self.assertEqual(response.status_code, 201, response.text)
        return self.env["sale.order"].browse(response.json()["id"])

    def assertListsRead(self, partner, order):
        """The customer and order lists (their fields) still read, and so does the
        API's own reading of the order."""
        self.env.invalidate_all()
        Partner, Order = self.env["res.partner"], self.env["sale.order"]
        customers_list = self.env.ref("roms_crm.res_partner_view_list_roms")
        customer_fields = Partner.get_views([(customers_list.id, "list")])["models"][
            "res.partner"
        ]["fields"]
        rows = Partner.web_search_read(
            [("id", "=", partner.id)], {name: {} for name in customer_fields}
        )["records"]
        self.assertEqual([row["id"] for row in rows], [partner.id])
        orders_list = self.env.ref("roms_crm.sale_order_view_list_roms")
        order_fields = Order.get_views([(orders_list.id, "list")])["models"][
            "sale.order"
        ]["fields"]
        rows = Order.web_search_read(
            [("id", "=", order.id)], {name: {} for name in order_fields}
        )["records"]
        self.assertEqual([row["id"] for row in rows], [order.id])
        json.dumps(order._roms_api_payload(), allow_nan=False)

    def test_like_wildcards_match_literally(self):
        victim = self._create("BND-W1").partner_id
        before = self._counts()
        for sku in ("ROMS-BND-%", "ROMS_BND_KOPI", "ROMS-BND-KOP_", "%", "_%"):
            with self.subTest(sku=sku):
                response = self._post(
                    self._payload("BND-W2", lines=[{"sku": sku, "quantity": 1}])
                )
                self.assertRefused(response, 422, "lines[0].sku", "unknown_sku")
        self.assertEqual(self._counts(), before)
        # a phone number is its digits (phonenumbers drops the rest): never a
        # pattern, never another customer's number
        for index, phone in enumerate(("0812-7333-000%", "%", "_", "0812_7333_000_")):
            with self.subTest(phone=phone):
                response = self._post(
                    self._payload(
                        f"BND-W3{index}", customer={"name": "X", "phone": phone}
                    )
                )
                self.assertLess(response.status_code, 500, response.text)
                if response.status_code == 201:
                    customer = self.env["res.partner"].browse(
                        response.json()["customer"]["id"]
                    )
                    self.assertNotEqual(customer, victim)
                    self.assertRegex(customer.roms_whatsapp_number, r"^\+62\d+$")
                else:
                    self.assertRefused(response, 422, "customer.phone")
        before = self._counts()
        # an external id with wildcards names one order: its own
        for path in ("BND-W%25", "BND-W_", "BND-W\\1", "%25", "_"):
            with self.subTest(path=path):
                response = self._call(
                    "GET", f"/api/v1/orders/{path}?source=bounds", raw=""
                )
                self.assertRefused(response, 404, "external_id", "not_found")
                response = self._call(
                    "PATCH", f"/api/v1/orders/{path}", {"status": "cancelled"}
                )
                self.assertRefused(response, 404, "external_id", "not_found")
        response = self._call("GET", "/api/v1/orders/BND-W1?source=%25")
        self.assertRefused(response, 403, "source", "forbidden_source")
        order = self._create(
            "BND-W_", customer={"name": "Lain", "phone": "081273330199"}
        )
        self.assertNotEqual(order.partner_id, victim)
        response = self._call("GET", "/api/v1/orders/BND-W_?source=bounds")
        self.assertEqual(response.json()["id"], order.id)
        response = self._call("GET", "/api/v1/orders/BND-W1?source=bounds")
        self.assertEqual(response.json()["customer"]["id"], victim.id)

    def test_unicode_text_reads_back(self):
        rtl = "\u200f\u202eعلي\u202c"
        payload = self._payload(
            "BND-U1-\U0001f600",
            customer={
                "name": "Sari \U0001f600\U0001f1ee\U0001f1e9 " + rtl,
                "phone": "0812-7333-0201",
                "street": "Jl. Melati \ud800 No. 5\x00",
                "city": "Bandung\u2028",
            },
            note="Bungkus \U0001f381 rapi\ndan \udfff aman",
        )
        response = self._post(payload)
        self.assertEqual(response.status_code, 201, response.text)
        order = self.env["sale.order"].browse(response.json()["id"])
        partner = order.partner_id
        self.assertEqual(order.roms_external_id, "BND-U1-\U0001f600")
        # a name loses its override (it would show reversed), keeps its mark
        self.assertEqual(partner.name, "Sari \U0001f600\U0001f1ee\U0001f1e9 \u200fعلي")
        self.assertEqual(partner.street, "Jl. Melati \ufffd No. 5")
        self.assertEqual(partner.city, "Bandung")
        response = self._call("GET", "/api/v1/orders/BND-U1-%F0%9F%98%80?source=bounds")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(
            response.json()["note"], "Bungkus \U0001f381 rapi\ndan \ufffd aman"
        )
        self.assertListsRead(partner, order)

    def test_lone_surrogates_and_nul_in_keys_are_4xx(self):
        before = self._counts()
        for raw in (
            '{"external_id": "BND-K1", "\\ud800": 1}',
            '{"external_id": "BND-K1", "\\u0000": 1}',
            json.dumps(self._payload("BND-K1")).replace(
                '"name": "Sari Bounds"', '"\\udfff": "x"'
            ),
            json.dumps(self._payload("BND-K1")).replace(
                '"quantity": 2', '"quantity": 2, "\\ud83d": 1'
            ),
        ):
            with self.subTest(raw=raw):
                response = self._post(raw=raw)
                self.assertEqual(response.status_code, 422, response.text)
                error = self.assertRefused(response, 422, code="unknown_field")
                self.assertNotIn("\x00", error["field"] + error["message"])
        response = self._call("GET", "/api/v1/orders/%ED%A0%80?source=bounds")
        self.assertRefused(response, 404)
        response = self._call(
            "PATCH", "/api/v1/orders/x", raw='{"status": "shipped", "\\ud800": 1}'
        )
        self.assertLess(response.status_code, 500, response.text)
        self.assertEqual(self._counts(), before)

    def test_absurd_numbers(self):
        before = self._counts()
        line = "lines[0]"
        for index, values in enumerate(
            (
                {"quantity": 10**30},
                {"quantity": 2**63},
                {"quantity": 1e-9},
                {"quantity": -0.0},
                {"price_unit": 123456789012345678901234567890},
                {"price_unit": 2**64},
                {"price_unit": -1e-9},
            )
        ):
            with self.subTest(values=values):
                response = self._post(
                    self._payload(
                        f"BND-A{index}", lines=[{"sku": "ROMS-BND-KOPI", **values}]
                    )
                )
                (field,) = values
                self.assertRefused(response, 422, f"{line}.{field}")
        raw = json.dumps(self._payload("BND-A9")).replace(
            '"quantity": 2', '"quantity": ' + "9" * 5000
        )
        response = self._post(raw=raw)
        self.assertIn(response.status_code, (400, 422), response.text)
        self.assertRefused(response, response.status_code)
        self.assertEqual(self._counts(), before)
        # at the edges of what is taken: read back as sent
        order = self._create(
            10**20,
            lines=[
                {"sku": "ROMS-BND-KOPI", "quantity": 1, "price_unit": -0.0},
                {
                    "sku": "ROMS-BND-KOPI",
                    "quantity": 3,
                    "price_unit": 0.123456789012345678901234567890,
                },
            ],
        )
        self.assertEqual(order.roms_external_id, "100000000000000000000")
        self.assertEqual(order.order_line.mapped("product_uom_qty"), [1, 3])
        self.assertGreaterEqual(min(order.order_line.mapped("price_unit")), 0)
        self.assertListsRead(order.partner_id, order)

    def test_dates_with_and_without_offset(self):
        for index, (value, stored) in enumerate(
            (
                ("2026-01-15", "2026-01-15 00:00:00"),
                ("2026-01-15T10:00:00", "2026-01-15 10:00:00"),
                ("2026-01-15T10:00:00Z", "2026-01-15 10:00:00"),
                ("2026-01-15T10:00:00+07:00", "2026-01-15 03:00:00"),
                ("2026-01-15T10:00:00.999999-05:30", "2026-01-15 15:30:00"),
            )
        ):
            with self.subTest(value=value):
                order = self._create(f"BND-D{index}", date_order=value)
                self.assertEqual(str(order.date_order), stored)
        before = self._counts()
        for value in (
            "0001-01-01",
            "9999-12-31",
            "9999-12-31T23:59:59-05:00",
            "0001-01-01T00:00:00+14:00",
            "2026-01-15T24:01:00",
            "2026-01-15T10:00:00+25:00",
            "2026-02-30",
            "2026-01-15T10:00:00\x00 garbage",
            "\ud800",
        ):
            with self.subTest(value=value):
                response = self._post(self._payload("BND-DX", date_order=value))
                self.assertRefused(response, 422, "date_order")
        self.assertEqual(self._counts(), before)

    def test_patch_takes_only_its_fields(self):
        order = self._create("BND-P1", status="processed")
        for body, field in (
            ({"status": "shipped", "trackingNumber": "JNE-1"}, "trackingNumber"),
            ({"status": "shipped", "amount_total": 0}, "amount_total"),
            ({"status": "shipped", "customer": {"name": "Lain"}}, "customer"),
            ({"tracking_number": "JNE-2", "lines": []}, "lines"),
            ({"status": "shipped", "external_id": "BND-P2"}, "external_id"),
        ):
            with self.subTest(field=field):
                response = self._call(
                    "PATCH", "/api/v1/orders/BND-P1?source=bounds", body
                )
                self.assertRefused(response, 422, field, "unknown_field")
        order.invalidate_recordset()
        self.assertEqual(order.roms_stage, "processed")
        self.assertFalse(order.roms_tracking_number)
        self.assertEqual(order.roms_external_id, "BND-P1")

    def test_patch_after_cancellation(self):
        order = self._create("BND-C1", status="processed")
        response = self._call(
            "PATCH", "/api/v1/orders/BND-C1?source=bounds", {"status": "cancelled"}
        )
        self.assertEqual(response.status_code, 200, response.text)
        history = len(order.roms_stage_history_ids)
        for body, code, field in (
            ({"status": "processed"}, "invalid_transition", "status"),
            ({"status": "pending"}, "invalid_transition", "status"),
            ({"status": "delivered"}, "invalid_transition", "status"),
            ({"tracking_number": "JNE-3"}, "order_closed", "tracking_number"),
            (
                {"status": "cancelled", "tracking_number": "JNE-3"},
                "order_closed",
                "tracking_number",
            ),
        ):
            with self.subTest(body=body):
                response = self._call(
                    "PATCH", "/api/v1/orders/BND-C1?source=bounds", body
                )
                self.assertRefused(response, 409, field, code)
        # a retry of the cancellation is harmless
        response = self._call(
            "PATCH", "/api/v1/orders/BND-C1?source=bounds", {"status": "cancelled"}
        )
        self.assertEqual(response.status_code, 200, response.text)
        order.invalidate_recordset()
        self.assertEqual((order.roms_stage, order.state), ("cancelled", "cancel"))
        self.assertFalse(order.roms_tracking_number)
        self.assertEqual(len(order.roms_stage_history_ids), history)
        # a replayed POST returns the cancelled order, it does not revive it
        response = self._post(self._payload("BND-C1", status="processed"))
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["status"], "cancelled")
        self.assertListsRead(order.partner_id, order)

    def test_content_types(self):
        before = self._counts()
        body = json.dumps(self._payload("BND-T1"))
        for content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
        ):
            with self.subTest(content_type=content_type):
                response = self._post(raw=body, headers={"Content-Type": content_type})
                self.assertRefused(response, 400, code="unsupported_media_type")
        for content_type, raw in (
            ("application/json", body.encode("utf-16")[:-1]),
            # whole: JSON once decoded as UTF-16 or UTF-32 (Python guesses the
            # encoding of bytes), but the API's bodies are UTF-8 (RFC 8259)
            ("application/json", body.encode("utf-16")),
            ("application/json; charset=utf-16", body.encode("utf-16-le")),
            ("application/json", body.encode("utf-32")),
            (
                "application/json; charset=latin-1",
                '{"external_id": "\xe9"}'.encode("latin-1"),
            ),
            ("application/xml", b"<order/>"),
        ):
            with self.subTest(content_type=content_type, raw=raw[:8]):
                response = self._post(raw=raw, headers={"Content-Type": content_type})
                self.assertRefused(response, 400, code="malformed_json")
        self.assertEqual(self._counts(), before)

    def test_body_without_length_is_bounded(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "roms_crm.api_max_body_bytes", 1000
        )
        before = self._counts()

        def chunks():
            yield b'{"external_id": "BND-B1", "note": "'
            for _i in range(200):
                yield b"x" * 1000
            yield b'"}'

        response = self._post(raw=chunks())
        self.assertRefused(response, 413, code="payload_too_large")
        self.assertEqual(self._counts(), before)

    def test_body_without_length_is_refused_while_read(self):
        """A chunked body is refused once it has gone over the limit, not after
        the server has read it to its end (Odoo would read 128 MB)."""
        self.env["ir.config_parameter"].sudo().set_param(
            "roms_crm.api_max_body_bytes", 1000
        )
        before = self._counts()
        address = urlsplit(self.base_url())
        with socket.create_connection((address.hostname, address.port), 20) as conn:
            conn.sendall(
                b"POST /api/v1/orders HTTP/1.1\r\n"
                + f"Host: {address.netloc}\r\n".encode()
                + f"Authorization: Bearer {self.key}\r\n".encode()
                + b"Content-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n"
                # 5000 bytes of a body that goes on (its end is never sent)
                b"1388\r\n" + b'{"note": "' + b"x" * 4990 + b"\r\n"
            )
            answer = b""
            try:
                while b"\r\n\r\n" not in answer:
                    data = conn.recv(65536)
                    if not data:
                        break
                    answer += data
            except TimeoutError:
                self.fail("the server waited for the rest of the body")
        self.assertTrue(answer.startswith(b"HTTP/1.1 413"), answer[:200])
        self.assertEqual(self._counts(), before)

    def test_customer_name_loses_its_bidirectional_controls(self):
        """A right-to-left override would show the new customer's name reversed
        in the lists ("Budi <U+202E>4321-DRO" reads "Budi ORD-1234"): the name
        loses the embeddings, overrides and isolates; the note is the shop's
        customer's own text and keeps them."""
        order = self._create(
            "BND-BIDI1",
            customer={
                "name": "Budi \u202e4321-DRO\u202c \u2067Sari\u2069",
                "phone": "0812-7333-0077",
            },
            note="Titip \u202ebarang\u202c ya",
        )
        self.assertEqual(order.partner_id.name, "Budi 4321-DRO Sari")
        self.assertIn("Titip \u202ebarang\u202c ya", order.note)
        # a name of controls only is no name: refused, nothing written
        before = self._counts()
        response = self._post(
            self._payload(
                "BND-BIDI2",
                customer={"name": " \u202e\u2066 ", "phone": "0812-7333-0078"},
            )
        )
        self.assertRefused(response, 422, "customer.name", "required")
        self.assertEqual(self._counts(), before)
