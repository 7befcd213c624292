"""Nothing stored that cannot be read back.

The largest and farthest values the bounds allow enter through every entry point (the
order API, the customer import, the portal forms' models, loyalty earning); then every
ROMS screen is opened as an administrator and as a CS agent, the dashboard is loaded
and the touched records are read and marshalled as XML-RPC and JSON-RPC would.
"""

import base64
import json
from contextlib import ExitStack
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.base.controllers.rpc import dumps as xmlrpc_dumps
from odoo.addons.roms_crm.tests.common import visible_menus
from odoo.addons.roms_crm.tests.test_customer_import import make_xlsx
from odoo.addons.roms_crm.tools import bounds

from .screens import open_window_action

LONG_NAME = ("Bu Sri 🌶️ Ayam Geprek Sambal Matah " * 10)[: bounds.NAME_LENGTH]
LONG_NOTE = ("Tolong kirim pagi, rumah pagar hijau. " * 60)[: bounds.NOTE_LENGTH]


@tagged("post_install", "-at_install")
class TestExtremeValuesReadBack(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = new_test_user(
            cls.env, "x_extreme_admin", groups="roms_crm.group_roms_admin"
        )
        cls.cs = new_test_user(cls.env, "x_extreme_cs", groups="roms_crm.group_roms_cs")
        cls.product = cls.env["product.product"].create(
            {
                "name": LONG_NAME,
                "default_code": "X-EXTREME-1",
                "type": "consu",
                "list_price": 15000,
                "sale_ok": True,
            }
        )
        cls.Bounds = cls.env["roms.bounds"]

    def _api_order(self, external_id, phone, date_order, quantity, price):
        status, payload = self.env["roms.api"]._api_create(
            {
                "external_id": external_id,
                "source": "api",
                "status": "delivered",
                "date_order": date_order,
                "note": LONG_NOTE,
                "customer": {
                    "name": LONG_NAME,
                    "phone": phone,
                    "street": LONG_NAME,
                    "city": "Kota Bandung",
                },
                "lines": [
                    {"sku": "X-EXTREME-1", "quantity": quantity, "price_unit": price}
                ],
            }
        )
        self.assertEqual(status, 201, payload)
        return self.env["sale.order"].browse(payload["id"])

    def _marshal(self, records, fnames=None):
        """Read ``records`` as an RPC client would, and serialise the answer."""
        rows = records.read(fnames)
        json.dumps(rows, default=str)
        xmlrpc_dumps((rows,))

    def test_extreme_values_read_back_everywhere(self):
        # the values go in at 03:00 UTC, when the window's last day is the same day
        # in the shop's time zone (Asia/Jakarta, UTC+7) the statistics' dates are
        # in; they are read back at the real time, as the records' own types
        frozen = ExitStack()
        self.addCleanup(frozen.close)
        frozen.enter_context(freeze_time("2026-06-15 03:00:00"))
        lower, upper = self.Bounds._date_window()
        max_qty, max_price = self.Bounds._max_quantity(), self.Bounds._max_price()
        latest = (upper - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        earliest = lower.strftime("%Y-%m-%dT%H:%M:%SZ")
        orders = self._api_order(
            "X-EXT-FAR", "+6281299990001", latest, max_qty, max_price
        ) | self._api_order("X-EXT-OLD", "+6281299990002", earliest, 1, 0)
        partners = orders.partner_id
        self.assertTrue(all(o.roms_stage == "delivered" for o in orders))
        # the refund and review forms' models at their longest
        refund = self.env["roms.refund.request"].create(
            {
                "order_id": orders[0].id,
                "reason": LONG_NOTE,
                "line_ids": [
                    fields.Command.create(
                        {"sale_line_id": orders[0].order_line[0].id, "quantity": 1}
                    )
                ],
            }
        )
        review = self.env["roms.product.review"].create(
            {
                "product_tmpl_id": self.product.product_tmpl_id.id,
                "partner_id": partners[0].id,
                "rating": 5,
                "text": LONG_NOTE,
            }
        )
        # the import at its longest
        importer = (
            self.env["roms.customer.import"]
            .with_user(self.admin)
            .create(
                {
                    "file": base64.b64encode(
                        make_xlsx(
                            [
                                {
                                    "name": LONG_NAME,
                                    "mobile": "+6281299990003",
                                    # a cell holds at most 1,000 characters
                                    "notes": LONG_NOTE[:1000],
                                    "join_date": lower.date(),
                                }
                            ]
                        )
                    ),
                    "file_name": "customers.xlsx",
                }
            )
        )
        importer.action_import()
        imported = self.env["res.partner"].search(
            [("roms_whatsapp_number", "=", "+6281299990003")]
        )
        self.assertEqual(len(imported), 1, importer.error_ids.read())
        partners |= imported
        self.env.flush_all()
        frozen.close()
        # the records of the frozen day hold freezegun's date types: read them anew
        for model in (
            "res.partner",
            "sale.order",
            "roms.refund.request",
            "roms.product.review",
        ):
            self.env[model].invalidate_model()

        # read back: RPC reads of everything touched, as both users
        for user in (self.admin, self.cs):
            env = self.env(user=user)
            with self.subTest(user=user.login):
                self._marshal(env["res.partner"].browse(partners.ids))
                self._marshal(env["sale.order"].browse(orders.ids))
                self._marshal(env["sale.order.line"].browse(orders.order_line.ids))
                self._marshal(env["roms.refund.request"].browse(refund.ids))
                self._marshal(env["roms.product.review"].browse(review.ids))
                env["res.partner"].name_search(LONG_NAME[:20])
                env["sale.order"].web_search_read(
                    [("partner_id", "in", partners.ids)],
                    {"partner_id": {"fields": {"display_name": {}}}, "date_order": {}},
                )
                # every ROMS screen the user sees, and the dashboard
                for xmlid in sorted(visible_menus(env)):
                    action = self.env.ref(xmlid).action
                    if (
                        xmlid.startswith("roms")
                        and action
                        and action._name == "ir.actions.act_window"
                    ):
                        open_window_action(env, action.sudo())
                if user == self.admin:
                    json.dumps(env["roms.dashboard"].get_dashboard_data(), default=str)
        # the statistics of the far order stay readable and inside the window
        far = orders[0].partner_id
        self.assertLessEqual(far.roms_last_order_date, upper.date())
        self.assertGreaterEqual(far.roms_total_spent, max_qty * max_price * 0.99)
