"""Far dates and huge amounts an integrator writes over XML-RPC (Odoo's own field
types take them): the nightly statistics, the dashboard, the retention reports,
the reminder scan, the lists and the order API still read everything back."""

import json
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestFarDatesOverXmlrpc(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.integrator = new_test_user(
            cls.env,
            "roms_far_dates_shop",
            groups="base.group_user,roms_crm.group_roms_api",
            tz="Asia/Jakarta",
        )
        cls.key = (
            cls.env["res.users.apikeys"]
            .with_user(cls.integrator)
            .sudo()
            ._generate(None, "far dates", None)
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Kopi Jauh",
                "default_code": "ROMS-FAR-KOPI",
                "list_price": 1000,
                "type": "consu",
                "taxes_id": [Command.clear()],
            }
        )

    def _rpc(self, model, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            self.integrator.id,
            self.key,
            model,
            method,
            list(args),
            kwargs,
        )

    def _order(self, partner_id, price, quantity=1):
        order_id = self._rpc(
            "sale.order",
            "create",
            {
                "partner_id": partner_id,
                # Command.create, as XML-RPC sends it
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": quantity,
                            "price_unit": price,
                        },
                    )
                ],
            },
        )
        self._rpc("sale.order", "action_confirm", [order_id])
        return order_id

    def test_far_dates_and_huge_amounts_read_back(self):
        future = self._rpc(
            "res.partner",
            "create",
            {
                "name": "Pelanggan Tahun 9999",
                "mobile": "+6281277004001",
                "roms_category": "customer",
                "roms_join_date": "9999-12-31",
            },
        )
        past = self._rpc(
            "res.partner",
            "create",
            {
                "name": "Pelanggan Tahun 1",
                "mobile": "+6281277004002",
                "roms_category": "customer",
                "roms_join_date": "0001-01-01",
            },
        )
        first = self._order(future, 1e15, quantity=1e5)
        self._order(future, 50000)
        last = self._order(past, 70000)
        self._rpc("sale.order", "write", [first], {"date_order": "9999-12-31 23:59:59"})
        self._rpc("sale.order", "write", [last], {"date_order": "0001-01-01 00:00:00"})
        self._rpc(
            "sale.order",
            "write",
            [last],
            {"roms_delivered_date": "9999-12-31 23:59:59"},
        )
        self.env.invalidate_all()
        Partner = self.env["res.partner"]
        customers = Partner.browse([future, past])
        # the nightly statistics, on another day
        with self.env.cr.savepoint():
            customers.write({"roms_stats_date": False})
            Partner._cron_roms_customer_stats()
        self.env.invalidate_all()
        self.assertEqual(customers[0].roms_order_count, 2)
        self.assertEqual(str(customers[0].roms_last_order_date), "9999-12-31")
        self.assertEqual(str(customers[1].roms_first_order_date), "0001-01-01")
        # the lists, the reports and the dashboard, as the shop's owner sees them
        owner = new_test_user(
            self.env,
            "roms_far_dates_owner",
            groups="base.group_user,roms_crm.group_roms_admin",
            tz="Asia/Jakarta",
        )
        env = self.env(user=owner)
        env["res.partner"].web_search_read(
            [("id", "in", customers.ids)],
            {
                "roms_last_order_date": {},
                "roms_first_order_date": {},
                "roms_join_date": {},
                "roms_total_spent": {},
                "roms_segment_ids": {"fields": {"display_name": {}}},
            },
        )
        env["sale.order"].web_search_read(
            [("id", "in", [first, last])],
            {"date_order": {}, "roms_delivered_date": {}, "amount_total": {}},
        )
        for model in ("roms.repeat.report", "roms.cohort.report", "sale.report"):
            with self.subTest(model=model):
                env[model].search_read([], limit=500)
                env[model].read_group([], ["__count"], [])
        env["roms.cohort.report"]._matrix()
        data = env["roms.dashboard"].get_dashboard_data()
        json.dumps(data, default=str, allow_nan=False)
        self.env["roms.reminder.rule"]._due_pairs(
            now=fields.Datetime.now() + timedelta(days=1)
        )
        # and the order API's reading of these orders
        for order in self.env["sale.order"].browse([first, last]):
            json.dumps(order._roms_api_payload(), allow_nan=False)
