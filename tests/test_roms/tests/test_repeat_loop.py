"""The repeat-order loop end to end: a reminder with its reorder link, the order
placed from it, paid through Odoo's demo payment provider, and what ROMS does
when the payment is done (payment status, stage, the customer told)."""

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from freezegun import freeze_time

from odoo import Command
from odoo.tests import HttpCase, tagged

from odoo.addons.roms_crm.tests.common import make_order

DAY0 = datetime(2026, 3, 2, 10, 0)


@tagged("post_install", "-at_install")
class TestRepeatLoop(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        params = env["ir.config_parameter"].sudo()
        for key in ("roms_crm.portal_order_state", "roms_crm.portal_over_stock"):
            params.set_param(key, False)
        env["res.lang"]._activate_lang("id_ID")
        cls.provider = env.ref("payment.payment_provider_demo")
        cls.provider.write(
            {"state": "test", "company_id": env.company.id, "is_published": True}
        )
        env["roms.reminder.rule"].with_context(active_test=False).search([]).write(
            {"active": False}
        )
        template = env["roms.message.template"].create(
            {
                "name": "Loop reminder",
                "template_type": "reminder",
                "body": "Halo {customer_name}, pesan {product_name} lagi: "
                "{reorder_link}",
            }
        )
        cls.rule = env["roms.reminder.rule"].create(
            {"name": "Loop", "days_after_delivery": 14, "template_id": template.id}
        )
        cls.product = env["product.product"].create(
            {
                "name": "Kopi Loop Toraja",
                "list_price": 120000,
                "type": "consu",
                "taxes_id": [Command.clear()],
            }
        )
        cls.customer = env["res.partner"].create(
            {
                "name": "Yuni Kartika",
                "email": "yuni.loop@example.com",
                "roms_category": "customer",
                "lang": "id_ID",
            }
        )
        with freeze_time(DAY0):
            cls.delivered = make_order(
                env, cls.customer, cls.product, qty=2, stage="delivered"
            )

    def _remind_and_order(self):
        """The reminder is due on day 14; the customer opens its link and orders
        the same day."""
        with freeze_time(DAY0 + timedelta(days=14)):
            self.env["roms.reminder.rule"]._cron_roms_reminders()
            reminder = self.env["roms.message"].search(
                [("reminder_rule_id", "=", self.rule.id)]
            )
            self.assertEqual(len(reminder), 1)
            link = self.env["roms.reorder.link"].search(
                [("partner_id", "=", self.customer.id)]
            )
            self.assertIn(link._url(), reminder.body)
            path = urlsplit(link._url()).path
            self.assertEqual(self.url_open(path).status_code, 200)
            response = self.url_open(
                path,
                data={
                    f"qty_{self.product.id}": "2",
                    "address": str(self.customer.id),
                },
                allow_redirects=False,
            )
        self.assertEqual(response.status_code, 303)
        order = link.order_id
        self.assertTrue(order)
        return order, urlsplit(response.headers["Location"])

    def _pay(self, order, state="done"):
        """Pay ``order`` with the demo provider as its payment page does: the
        transaction route of the order, then the provider's answer."""
        processing = self.make_jsonrpc_request(
            f"/my/orders/{order.id}/transaction",
            {
                "access_token": order._portal_ensure_token(),
                "provider_id": self.provider.id,
                "payment_method_id": self.env.ref(
                    "payment_demo.payment_method_demo"
                ).id,
                "token_id": None,
                "amount": order._roms_amount_due(),
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": order.get_portal_url(),
            },
        )
        self.make_jsonrpc_request(
            "/payment/demo/simulate_payment",
            {
                "reference": processing["reference"],
                "payment_details": "4242",
                "simulated_state": state,
            },
        )
        tx = self.env["payment.transaction"].search(
            [("reference", "=", processing["reference"])]
        )
        tx._post_process()
        return tx

    def test_reminder_to_a_paid_order(self):
        order, location = self._remind_and_order()
        self.assertEqual(order.state, "sale")
        # the payment step: Odoo's payment page for this order, signed
        self.assertEqual(location.path, "/payment/pay")
        query = parse_qs(location.query)
        self.assertEqual(query["sale_order_id"], [str(order.id)])
        page = self.url_open(f"{location.path}?{location.query}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(order.name, page.text)
        confirmation = self.env["roms.message"].search(
            [("kind", "=", "order_confirmation"), ("res_id", "=", order.id)]
        )
        self.assertIn("/payment/pay?", confirmation.body, "unpaid: the link offered")

        self.assertIn("o_roms_payment_form", self.url_open(order.get_portal_url()).text)
        tx = self._pay(order)
        self.assertEqual(tx.state, "done")
        self.assertEqual(order.roms_payment_status, "paid")
        # paid online: the order's page no longer offers the transfer form
        page = self.url_open(order.get_portal_url())
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("o_roms_payment_form", page.text)
        self.assertEqual(order.roms_stage, "processed")
        paid = self.env["roms.message"].search(
            [("kind", "=", "payment"), ("res_id", "=", order.id)]
        )
        self.assertEqual(len(paid), 1)
        self.assertEqual(paid.state, "queued")
        self.assertIn("sudah kami terima", paid.body)
        self.assertIn(order.name, paid.body)
        self.assertEqual(order._roms_payment_link(), "", "nothing left to pay")

    def test_quotation_pending_until_paid(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "roms_crm.portal_order_state", "quotation"
        )
        order, location = self._remind_and_order()
        self.assertEqual((order.state, order.roms_stage), ("sent", "pending"))
        self.assertEqual(location.path, "/payment/pay")
        self._pay(order)
        self.assertEqual(order.state, "sale", "Odoo confirms a paid quotation")
        self.assertEqual(order.roms_stage, "processed")
        self.assertEqual(order.roms_payment_status, "paid")

    def test_payment_not_done_changes_nothing(self):
        order, _location = self._remind_and_order()
        self._pay(order, state="error")
        self.assertFalse(order.roms_payment_status)
        self.assertFalse(
            self.env["roms.message"].search(
                [("kind", "=", "payment"), ("res_id", "=", order.id)]
            )
        )
        self.assertIn("/payment/pay?", order._roms_payment_link())

    def test_payment_message_off(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "roms_crm.send_payment_received", "0"
        )
        order, _location = self._remind_and_order()
        self._pay(order)
        self.assertEqual(order.roms_payment_status, "paid")
        self.assertFalse(
            self.env["roms.message"].search(
                [("kind", "=", "payment"), ("res_id", "=", order.id)]
            )
        )

    def test_payment_link_variable(self):
        template = self.env["roms.message.template"].create(
            {
                "name": "Pay",
                "template_type": "payment_info",
                "body": "Bayar {order_number}: {payment_link}",
            }
        )
        order = make_order(self.env, self.customer, self.product)
        body = template._render(order=order)
        self.assertIn("/payment/pay?", body)
        self.assertIn(f"sale_order_id={order.id}", body)
        order.roms_payment_status = "paid"
        self.assertEqual(template._render(order=order), f"Bayar {order.name}: ")
        order.roms_payment_status = False
        # every provider of the company, the demo shop's bank transfer included
        order._roms_payment_providers().state = "disabled"
        self.assertEqual(
            template._render(order=order),
            f"Bayar {order.name}: ",
            "no payment provider enabled: no link",
        )
