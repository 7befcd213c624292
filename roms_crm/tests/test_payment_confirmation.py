"""Bank transfer confirmations: the customer confirms on the order's page with a
proof, the shop verifies (paid, Processing, the customer told) or rejects (the
customer asked again with the reason)."""

import io
import re
from datetime import datetime

from freezegun import freeze_time
from lxml import html
from PIL import Image

from odoo import Command, http
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import formatLang

from ..models.payment.roms_payment_confirmation import MAX_PROOF_BYTES
from .common import make_order

NOW = datetime(2026, 5, 4, 9, 0)


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, format="PNG")
    return buffer.getvalue()


@tagged("post_install", "-at_install")
class TestPaymentConfirmation(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.admin = new_test_user(
            env, "roms_pay_admin", groups="roms_crm.group_roms_admin"
        )
        cls.cs = new_test_user(env, "roms_pay_cs", groups="roms_crm.group_roms_cs")
        cls.product = env["product.product"].create(
            {
                "name": "Kopi Transfer",
                "list_price": 150000,
                "taxes_id": [Command.clear()],
            }
        )
        cls.customer = env["res.partner"].create(
            {
                "name": "Bambang Transfer",
                "email": "bambang.transfer@example.com",
                "roms_category": "customer",
                "lang": "id_ID",
            }
        )
        env["res.lang"]._activate_lang("id_ID")
        cls.order = make_order(env, cls.customer, cls.product, stage="pending")
        cls.Confirmation = env["roms.payment.confirmation"].sudo()

    def setUp(self):
        super().setUp()
        # the customer follows the order's token link: a public session
        self.authenticate(None, None)

    def _post(self, order=None, token=None, proof=None, filename="bukti.png", **data):
        order = order or self.order
        values = {
            "csrf_token": http.Request.csrf_token(self),
            "access_token": order._portal_ensure_token() if token is None else token,
            "bank": "BCA a.n. Bambang",
            "amount": "150000",
            "paid_on": "2026-05-03",
        }
        values.update(data)
        return self.url_open(
            f"/my/orders/{order.id}/payment_confirmation",
            data=values,
            files={"proof": (filename, png_bytes() if proof is None else proof)},
        )

    def _messages(self, kind="payment"):
        return self.env["roms.message"].search(
            [("kind", "=", kind), ("res_id", "=", self.order.id)]
        )

    @freeze_time(NOW)
    def test_confirm_verify(self):
        # the order's token link, without logging in
        page = self.url_open(self.order.get_portal_url())
        self.assertIn("o_roms_payment_form", page.text)
        response = self._post()
        self.assertEqual(response.status_code, 200)
        self.assertIn("payment_sent=1", response.url)
        confirmation = self.Confirmation.search([("order_id", "=", self.order.id)])
        self.assertEqual(len(confirmation), 1)
        self.assertEqual(
            (confirmation.state, confirmation.bank, confirmation.amount),
            ("submitted", "BCA a.n. Bambang", 150000),
        )
        self.assertEqual(confirmation.proof_mimetype, "image/png")
        self.assertEqual(confirmation.source, "portal")
        # listed for verification
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "roms_crm.roms_payment_confirmation_action"
        )
        self.assertEqual(action["res_model"], "roms.payment.confirmation")
        to_verify = (
            self.env["roms.payment.confirmation"]
            .with_user(self.cs)
            .search([("state", "=", "submitted")])
        )
        self.assertIn(confirmation, to_verify)
        # CS agents see it, administrators verify
        with self.assertRaises(AccessError):
            confirmation.with_user(self.cs).action_verify()
        confirmation.with_user(self.admin).action_verify()
        self.assertEqual(confirmation.state, "verified")
        self.assertEqual(confirmation.checked_by_id, self.admin)
        self.assertEqual(self.order.roms_payment_status, "paid")
        self.assertEqual(self.order.roms_payment_method, "bank_transfer")
        self.assertEqual(self.order.roms_stage, "processed")
        self.assertIn(
            "Bank transfer verified",
            self.order.roms_stage_history_ids.sorted("id")[-1].comment,
        )
        told = self._messages()
        self.assertEqual(len(told), 1)
        self.assertIn("sudah kami terima", told.body)
        # paid: no more form
        self.assertNotIn(
            "o_roms_payment_form", self.url_open(self.order.get_portal_url()).text
        )
        self.assertIn("payment_error=order", self._post().url)

    @freeze_time(NOW)
    def test_names_lose_their_bidirectional_controls(self):
        """The bank's account holder and the proof's file name are names the
        shop reads in the list of confirmations: a right-to-left override would
        show them reversed ("bukti<U+202E>gnp.fdp" reads "buktipdf.png"), so
        they lose the embeddings, overrides and isolates."""
        response = self._post(
            bank="BCA a.n. \u202eobmaB\u202c \u2066Sari\u2069",
            filename="bukti\u202egnp.png",
        )
        self.assertIn("payment_sent=1", response.url)
        confirmation = self.Confirmation.search([("order_id", "=", self.order.id)])
        self.assertEqual(confirmation.bank, "BCA a.n. obmaB Sari")
        self.assertEqual(confirmation.proof_name, "buktignp.png")

    @freeze_time("2026-05-03 23:30:00")
    def test_transfer_of_this_morning_in_jakarta(self):
        """At 06:30 in Jakarta it is still 3 May in UTC: a transfer made this
        morning is today's, not "in the future"; tomorrow's still is."""
        self.assertIn("payment_error=date", self._post(paid_on="2026-05-05").url)
        response = self._post(paid_on="2026-05-04")
        self.assertIn("payment_sent=1", response.url)
        confirmation = self.Confirmation.search([("order_id", "=", self.order.id)])
        self.assertEqual(str(confirmation.paid_on), "2026-05-04")

    @freeze_time(NOW)
    def test_reject_asks_again(self):
        self._post()
        confirmation = self.Confirmation.search([("order_id", "=", self.order.id)])
        with self.assertRaises(UserError):
            confirmation.with_user(self.admin).action_reject()
        confirmation.reject_reason = "Transfer belum masuk ke rekening kami."
        confirmation.with_user(self.admin).action_reject()
        self.assertEqual(confirmation.state, "rejected")
        self.assertFalse(self.order.roms_payment_status)
        self.assertEqual(self.order.roms_stage, "pending")
        asked = self._messages()
        self.assertEqual(len(asked), 1)
        self.assertIn("Transfer belum masuk ke rekening kami.", asked.body)
        self.assertIn(f"/my/orders/{self.order.id}", asked.body)
        # the customer can confirm again
        self.assertIn("payment_sent=1", self._post().url)
        with self.assertRaises(UserError):
            confirmation.with_user(self.admin).action_verify()

    def test_reject_without_the_portal_form_asks_for_a_reply(self):
        """A shop that turned the portal's form off (the confirmation came from
        the chat): the customer is asked to send the proof again, not pointed at
        a form the order's page no longer shows."""
        self._post()
        confirmation = self.Confirmation.search([("order_id", "=", self.order.id)])
        self.env["ir.config_parameter"].sudo().set_param(
            "roms_crm.portal_payment_confirmation", "0"
        )
        confirmation.reject_reason = "Nominal tidak sesuai."
        confirmation.with_user(self.admin).action_reject()
        asked = self._messages()
        self.assertEqual(len(asked), 1)
        self.assertIn("Nominal tidak sesuai.", asked.body)
        self.assertIn("membalas pesan ini", asked.body)
        self.assertNotIn("/my/orders/", asked.body)

    @freeze_time(NOW)
    def test_amount_as_indonesians_type_it(self):
        """The form offers what is due as the page's language writes it and reads
        it back: in Indonesian "1.149.000" is 1,149,000 (it offered "1.149e+06",
        refused when sent back, and read "150.000" as 150)."""
        self.opener.cookies.set("frontend_lang", "id_ID")
        decimals = self.order.currency_id.decimal_places
        cents = "," + "0" * decimals if decimals else ""

        def order():
            return make_order(
                self.env, self.customer, self.product, price=1149000, stage="pending"
            )

        big = order()
        page = self.url_open(big.get_portal_url()).text
        offered = re.search(r'id="roms_payment_amount"[^>]*value="([^"]*)"', page)
        self.assertEqual(offered.group(1), f"1.149.000{cents}")
        for typed, amount in [
            (offered.group(1), 1149000),
            ("Rp 150.000", 150000),
            ("Rp1.149.000", 1149000),
            ("IDR 2.500", 2500),
            ("1149000", 1149000),
        ]:
            with self.subTest(typed=typed):
                placed = order()
                self.assertIn("payment_sent=1", self._post(placed, amount=typed).url)
                self.assertEqual(
                    self.Confirmation.search([("order_id", "=", placed.id)]).amount,
                    amount,
                )
        for typed in ("1.149.00", "1.1490.000", "Rp", "1.149.000.", "1,149,000"):
            with self.subTest(typed=typed):
                self.assertIn("payment_error=amount", self._post(amount=typed).url)

    def test_payment_page_reads_in_indonesian(self):
        """Odoo's payment page, where the messages' {payment_link} leads: its
        breadcrumb and the header's sign-in link read in Indonesian (Odoo's
        left "Payment" and "Sign in" in English)."""
        self.env.ref("payment.payment_provider_transfer").write(
            {"state": "enabled", "is_published": True}
        )
        # a language installed later loads every module's terms, ROMS's last
        self.env["ir.module.module"]._load_module_terms(
            ["portal", "payment", "roms_crm"], ["id_ID"]
        )
        self.opener.cookies.set("frontend_lang", "id_ID")
        url = self.order._roms_payment_link()
        page = html.fromstring(self.url_open(url[url.index("/payment/pay") :]).content)
        crumbs = " ".join(
            " ".join(page.xpath("//ol[hasclass('breadcrumb')]//text()")).split()
        )
        self.assertIn("Pembayaran", crumbs)
        self.assertNotIn("Payment", crumbs)
        sign_in = page.xpath("//a[starts-with(@href, '/web/login')]")
        self.assertEqual([a.text_content().strip() for a in sign_in], ["Masuk"])

    @freeze_time(NOW)
    def test_hostile_forms_write_nothing(self):
        cases = {
            "bank": {"bank": "  "},
            "amount": {"amount": "1e30"},
            "date": {"paid_on": "2999-01-01"},
        }
        cases_more = [
            ("bank", {"bank": "x" * 500}),
            ("amount", {"amount": "-5"}),
            ("amount", {"amount": "NaN"}),
            ("amount", {"amount": "abc"}),
            ("date", {"paid_on": "1800-01-01"}),
            ("date", {"paid_on": "2026-05-05"}),
            ("date", {"paid_on": "kemarin"}),
            ("date", {"paid_on": "2026-05-03\x00"}),
        ]
        for code, data in list(cases.items()) + cases_more:
            with self.subTest(code=code, data=data):
                self.assertIn(f"payment_error={code}", self._post(**data).url)
        for code, proof, name in [
            ("proof", b"", "bukti.png"),
            ("proof_type", b"MZ\x90\x00 not a picture", "bukti.png"),
            ("proof_type", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "b.svg"),
            ("proof_size", b"\x89PNG\r\n\x1a\n" + b"0" * (5 * 1024 * 1024), "b.png"),
        ]:
            with self.subTest(code=code, name=name):
                response = self._post(proof=proof, filename=name)
                self.assertIn(f"payment_error={code}", response.url)
        self.assertFalse(self.Confirmation.search([("order_id", "=", self.order.id)]))

    @freeze_time(NOW)
    def test_the_same_transfer_sent_twice_is_kept_once(self):
        # a double tap on the form's button: one confirmation to verify
        self.assertIn("payment_sent=1", self._post().url)
        response = self._post()
        self.assertIn("payment_error=duplicate", response.url)
        # not the customer's mistake: told, not warned
        self.assertIn("alert alert-info o_roms_payment_error", response.text)
        first = self.Confirmation.search([("order_id", "=", self.order.id)])
        self.assertEqual(len(first), 1)
        # a second transfer of another amount is another confirmation
        self.assertIn("payment_sent=1", self._post(amount="50000").url)
        # once rejected, the same transfer may be confirmed again
        first.reject_reason = "Dana belum masuk"
        first.with_user(self.admin).action_reject()
        self.assertIn("payment_sent=1", self._post().url)
        self.assertEqual(
            len(self.Confirmation.search([("order_id", "=", self.order.id)])), 3
        )

    @freeze_time(NOW)
    def test_absurd_amounts_and_days_write_nothing(self):
        for code, data in [
            ("amount", {"amount": "9" * 40}),
            ("amount", {"amount": "1" + "0" * 39 + ",5"}),
            ("amount", {"amount": "0.000000001"}),
            ("amount", {"amount": "1.5.5.5"}),
            ("date", {"paid_on": "0001-01-01"}),
            ("date", {"paid_on": "9999-12-31"}),
            ("date", {"paid_on": "2026-02-30"}),
            ("date", {"paid_on": "x" * 100000}),
            ("bank", {"bank": "\x00"}),
            ("bank", {"bank": "B" * 100000}),
        ]:
            with self.subTest(code=code, data=str(data)[:40]):
                self.assertIn(f"payment_error={code}", self._post(**data).url)
        self.assertFalse(self.Confirmation.search([("order_id", "=", self.order.id)]))

    @freeze_time(NOW)
    def test_a_body_beyond_the_proof_is_refused_before_it_is_read(self):
        # a phone's photo of 7 MB: refused from the announced length, without
        # reading it, and the customer is back on the order page told why (not
        # Werkzeug's English "Request Entity Too Large")
        huge = png_bytes() + b"0" * (7 * 1024 * 1024)
        token = self.order._portal_ensure_token()
        response = self.url_open(
            f"/my/orders/{self.order.id}/payment_confirmation?access_token={token}",
            data={"csrf_token": http.Request.csrf_token(self), "bank": "BCA"},
            files={"proof": ("bukti.jpg", huge)},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn(f"/my/orders/{self.order.id}?access_token={token}", response.url)
        self.assertIn("payment_error=proof_size", response.url)
        self.assertIn("The proof is too large (5 MB at most).", response.text)
        self.assertFalse(self.Confirmation.search([("order_id", "=", self.order.id)]))

    def test_a_huge_body_with_a_wrong_token_tells_nothing(self):
        # the page the refusal leads to is the order's only with its token
        huge = png_bytes() + b"0" * (7 * 1024 * 1024)
        other = make_order(
            self.env,
            self.env["res.partner"].create({"name": "Orang Lain Besar"}),
            self.product,
            stage="pending",
        )
        for path in (
            f"/my/orders/{other.id}/payment_confirmation",
            f"/my/orders/{other.id}/payment_confirmation?access_token=x",
            (
                f"/my/orders/{other.id}/payment_confirmation"
                f"?access_token={self.order._portal_ensure_token()}"
            ),
            "/my/orders/99999999999999999999/payment_confirmation",
        ):
            with self.subTest(path=path):
                response = self.url_open(
                    path,
                    data={"csrf_token": http.Request.csrf_token(self)},
                    files={"proof": ("bukti.jpg", huge)},
                    allow_redirects=False,
                )
                self.assertIn(response.status_code, (303, 404))
                self.assertNotIn(str(other.id), response.headers.get("Location", ""))
                self.assertNotIn(other.access_token or "-", response.text)
        self.assertFalse(self.Confirmation.search([("order_id", "=", other.id)]))

    def test_the_form_tells_the_browser_its_limit(self):
        # the browser refuses a file over the limit before sending it (the
        # portal's script reads the limit from the input); the form's address
        # carries the token, so that a refused body still finds its order
        page = self.url_open(self.order.get_portal_url()).text
        token = self.order._portal_ensure_token()
        self.assertIn(
            f'action="/my/orders/{self.order.id}/payment_confirmation'
            f'?access_token={token}"',
            page,
        )
        self.assertIn(f'data-roms-max-bytes="{MAX_PROOF_BYTES}"', page)

    def test_other_customers_order(self):
        other = make_order(
            self.env,
            self.env["res.partner"].create({"name": "Orang Lain"}),
            self.product,
            stage="pending",
        )
        for token in ("", "x", self.order._portal_ensure_token()):
            with self.subTest(token=token):
                response = self._post(order=other, token=token)
                self.assertNotIn(f"/my/orders/{other.id}", response.url)
        self.assertFalse(self.Confirmation.search([("order_id", "=", other.id)]))


@tagged("post_install", "-at_install")
class TestPaymentConfirmationOffer(HttpCase):
    """Which order pages offer the transfer confirmation form, and the shop's
    setting that turns it off: the page and the POST route follow the same
    rule, and a refused POST writes nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.product = env["product.product"].create(
            {
                "name": "Kopi Tawaran",
                "list_price": 150000,
                "taxes_id": [Command.clear()],
            }
        )
        cls.customer = env["res.partner"].create(
            {"name": "Wati Tawaran", "email": "wati.tawaran@example.com"}
        )
        cls.Confirmation = env["roms.payment.confirmation"].sudo()
        cls.Settings = env["res.config.settings"].sudo()

    def setUp(self):
        super().setUp()
        self.authenticate(None, None)

    def _order(self, **kwargs):
        return make_order(
            self.env, self.customer, self.product, stage="pending", **kwargs
        )

    def _page(self, order):
        response = self.url_open(order.get_portal_url())
        self.assertEqual(response.status_code, 200)
        return response.text

    def _post(self, order):
        return self.url_open(
            f"/my/orders/{order.id}/payment_confirmation",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "access_token": order._portal_ensure_token(),
                "bank": "Mandiri a.n. Wati",
                "amount": "150000",
                "paid_on": "2026-05-03",
            },
            files={"proof": ("bukti.png", png_bytes())},
        )

    def _assert_offered(self, order, offered=True):
        self.assertEqual("o_roms_payment_form" in self._page(order), offered)

    def _assert_refused(self, order, code):
        response = self._post(order)
        self.assertIn(f"payment_error={code}", response.url)
        self.assertNotIn("payment_sent", response.url)
        self.assertFalse(self.Confirmation.search([("order_id", "=", order.id)]))
        return response

    def _set_setting(self, value):
        self.Settings.create({"roms_portal_payment_confirmation": value}).execute()

    def _transaction(self, order, amount):
        provider = self.env.ref("payment.payment_provider_transfer").sudo()
        return (
            self.env["payment.transaction"]
            .sudo()
            .create(
                {
                    "provider_id": provider.id,
                    "payment_method_id": self.env.ref(
                        "payment_custom.payment_method_wire_transfer"
                    ).id,
                    "amount": amount,
                    "currency_id": order.currency_id.id,
                    "partner_id": order.partner_id.id,
                    "reference": f"{order.name}-roms-test",
                    "operation": "online_redirect",
                    "sale_order_ids": [Command.set(order.ids)],
                }
            )
        )

    @freeze_time(NOW)
    def test_setting_on_by_default_and_turned_off(self):
        self.assertTrue(self.Settings.create({}).roms_portal_payment_confirmation)
        order = self._order()
        self._assert_offered(order)
        self._set_setting(False)
        self.assertEqual(
            self.env["ir.config_parameter"].get_param(
                "roms_crm.portal_payment_confirmation"
            ),
            "0",
        )
        self.assertFalse(self.Settings.create({}).roms_portal_payment_confirmation)
        page = self._page(order)
        self.assertNotIn("o_roms_payment_form", page)
        self.assertNotIn('id="roms_payment"', page)
        # a form posted anyway (an old page, or by hand) is refused and says why
        response = self._assert_refused(order, "disabled")
        self.assertIn(
            "This shop does not take payment confirmations here.", response.text
        )
        self.assertNotIn("o_roms_payment_form", response.text)
        # back on: the form and the route work again
        self._set_setting(True)
        self.assertTrue(self.Settings.create({}).roms_portal_payment_confirmation)
        self._assert_offered(order)
        self.assertIn("payment_sent=1", self._post(order).url)
        self.assertEqual(
            len(self.Confirmation.search([("order_id", "=", order.id)])), 1
        )

    @freeze_time(NOW)
    def test_off_keeps_past_confirmations_listed(self):
        order = self._order()
        self.assertIn("payment_sent=1", self._post(order).url)
        self._set_setting(False)
        page = self._page(order)
        self.assertIn("o_roms_payment_confirmation", page)
        self.assertNotIn("o_roms_payment_form", page)
        self.assertIn("payment_error=disabled", self._post(order).url)
        self.assertEqual(
            len(self.Confirmation.search([("order_id", "=", order.id)])), 1
        )

    @freeze_time(NOW)
    def test_paid_online_is_not_offered(self):
        order = self._order()
        tx = self._transaction(order, order.amount_total)
        # the customer chose the transfer provider and has its instructions: the
        # money is still to come, the form still offered
        tx._set_pending()
        self._assert_offered(order)
        # paid: the paid amount alone hides it, before the post-processing marks
        # the order paid (test_roms pays through a real provider to the end)
        tx._set_done()
        self.assertFalse(order.roms_payment_status)
        self._assert_offered(order, False)
        self._assert_refused(order, "order")

    @freeze_time(NOW)
    def test_partly_paid_online_is_offered_for_the_rest(self):
        order = self._order()
        self._transaction(order, 50000)._set_done()
        page = self._page(order)
        self.assertIn("o_roms_payment_form", page)
        # the rest, as the page's language (English here) writes it
        rest = formatLang(self.env, 100000, digits=order.currency_id.decimal_places)
        self.assertIn(f'value="{rest}"', page)

    @freeze_time(NOW)
    def test_paid_invoice_is_not_offered(self):
        order = self._order()
        invoice = order._create_invoices()
        invoice.action_post()
        self._assert_offered(order)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self._assert_offered(order, False)
        self._assert_refused(order, "order")

    @freeze_time(NOW)
    def test_orders_not_waiting_for_a_transfer(self):
        cancelled = self._order()
        cancelled._action_cancel()
        free = self._order(price=0)
        cod = self._order()
        cod.roms_payment_method = "cod"
        marketplace = self._order()
        marketplace.roms_payment_method = "marketplace"
        reported_paid = self._order()
        reported_paid.roms_payment_status = "paid"
        for order in (cancelled, free, cod, marketplace, reported_paid):
            with self.subTest(order=order.name):
                self._assert_offered(order, False)
                self._assert_refused(order, "order")
        transfer = self._order()
        transfer.roms_payment_method = "bank_transfer"
        self._assert_offered(transfer)
        quotation = (
            self.env["sale.order"]
            .sudo()
            .create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "tax_id": [Command.clear()]}
                        )
                    ],
                }
            )
        )
        self._assert_offered(quotation)
