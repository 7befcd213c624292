"""Only ROMS's own code may put off a customer's statistics: a caller that names
the order API's deferral in its context (XML-RPC, JSON-RPC, a server action) gets
them refreshed at once, as any other caller."""

from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import OrderApiCase

DEFER = {"roms_defer_customer_stats": True}


@tagged("post_install", "-at_install")
class TestCustomerStatsDeferral(OrderApiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = new_test_user(
            cls.env,
            "roms_admin_defer",
            groups="base.group_user,roms_crm.group_roms_admin",
        )
        kopi = cls.products[0]
        cls.customers = cls.env["res.partner"].create(
            [
                {"name": f"Rina Defer {index}", "roms_category": "customer"}
                for index in range(3)
            ]
        )
        cls.orders = cls.env["sale.order"].create(
            [
                {
                    "partner_id": customer.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": kopi.id,
                                "product_uom_qty": 2,
                                "price_unit": 60000,
                                "tax_id": [Command.clear()],
                            }
                        )
                    ],
                }
                for customer in cls.customers
            ]
        )

    def assertCounted(self, customer, count, spent):
        customer.invalidate_recordset()
        self.assertEqual(customer.roms_order_count, count)
        self.assertAlmostEqual(customer.roms_total_spent, spent)

    def test_caller_context_defers_nothing(self):
        order = self.orders[0].with_user(self.admin).with_context(**DEFER)
        order.action_confirm()
        self.assertCounted(self.customers[0], 1, 120000)
        # a confirmed order's date and customer, edited under the same context
        order.date_order = "2026-01-05 10:00:00"
        self.customers[0].invalidate_recordset()
        self.assertEqual(str(self.customers[0].roms_last_order_date), "2026-01-05")
        order.partner_id = self.customers[1]
        self.assertCounted(self.customers[0], 0, 0)
        self.assertCounted(self.customers[1], 1, 120000)
        order._action_cancel()
        self.assertCounted(self.customers[1], 0, 0)

    def test_roms_code_still_defers(self):
        """The order API's own deferral (a back-dated order: confirmed, then
        dated) still puts the refresh off until ROMS's code asks for it."""
        order = self.orders[1].with_user(self.admin)._roms_defer_customer_stats()
        order.action_confirm()
        order.date_order = "2026-01-07 10:00:00"
        self.assertCounted(self.customers[1], 0, 0)
        order.with_context(
            roms_defer_customer_stats=False
        ).date_order = "2026-01-06 10:00:00"
        self.assertCounted(self.customers[1], 1, 120000)
        self.assertEqual(str(self.customers[1].roms_last_order_date), "2026-01-06")

    def test_xmlrpc_context_defers_nothing(self):
        order = self.orders[2]
        uid = self.xmlrpc_common.authenticate(
            self.env.cr.dbname, self.admin.login, self.admin.login, {}
        )
        self.assertEqual(uid, self.admin.id)
        self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            uid,
            self.admin.login,
            "sale.order",
            "action_confirm",
            [[order.id]],
            {"context": DEFER},
        )
        order.invalidate_recordset()
        self.assertEqual(order.state, "sale")
        self.assertCounted(self.customers[2], 1, 120000)

    def test_api_back_dated_order(self):
        """The API puts the refresh of a back-dated order off to the date it
        writes last: the statistics have the shop's date, not the confirmation's."""
        response = self._call(
            "POST",
            "/api/v1/orders",
            self._payload(
                "WC-DEFER-1",
                date_order="2026-02-03T10:00:00+07:00",
                customer={"name": "Rina API", "phone": "0812-7000-5511"},
                lines=[{"sku": "ROMS-API-KOPI", "quantity": 1, "price_unit": 45000}],
            ),
        )
        self.assertEqual(response.status_code, 201, response.text)
        order = self.env["sale.order"].browse(response.json()["id"])
        customer = order.partner_id
        self.assertCounted(customer, 1, order.amount_total)
        self.assertEqual(str(customer.roms_last_order_date), "2026-02-03")
        self.assertEqual(str(customer.roms_first_order_date), "2026-02-03")
