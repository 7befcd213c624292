"""Statistics follow edits of confirmed orders: date, amount (lines), customer."""

from datetime import date, datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged

TODAY = date(2026, 6, 15)


@tagged("post_install", "-at_install")
class TestStatsFollowEdits(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(
            user=new_test_user(
                cls.env,
                "roms_stats_edits",
                groups="roms_crm.group_roms_cs,sales_team.group_sale_manager",
            )
        )
        cls.product = (
            cls.env["product.product"]
            .sudo()
            .create(
                {"name": "Kopi Edit", "list_price": 1, "taxes_id": [Command.clear()]}
            )
        )

    def _customer(self, name):
        return self.env["res.partner"].create(
            {
                "name": name,
                "roms_category": "customer",
                "roms_join_date": TODAY - timedelta(days=200),
            }
        )

    def _order(self, partner, day, amount):
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "price_unit": amount,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
            }
        )
        with freeze_time(day):
            order.action_confirm()
        return order

    @freeze_time(TODAY)
    def test_date_amount_and_customer_edits_refresh_statistics(self):
        budi, sari = self._customer("Budi Edit"), self._customer("Sari Edit")
        order = self._order(budi, TODAY - timedelta(days=5), 400000)
        self._order(sari, TODAY - timedelta(days=50), 100000)
        self.assertEqual(budi.roms_last_order_date, TODAY - timedelta(days=5))

        # the date
        order.date_order = datetime(2026, 3, 1, 3, 0)
        self.assertEqual(budi.roms_last_order_date, date(2026, 3, 1))
        self.assertIn("inactive", budi.roms_segment_ids.mapped("code"))

        # the amount, through its lines
        order.order_line.price_unit = 1200000
        self.assertAlmostEqual(budi.roms_total_spent, 1200000)
        self.assertIn("big_spender", budi.roms_segment_ids.mapped("code"))
        order.order_line = [
            Command.create(
                {
                    "product_id": self.product.id,
                    "price_unit": 1000,
                    "tax_id": [Command.clear()],
                }
            )
        ]
        self.assertAlmostEqual(budi.roms_total_spent, 1201000)

        # the customer: both are refreshed at once
        order.partner_id = sari
        self.assertEqual(budi.roms_order_count, 0)
        self.assertAlmostEqual(budi.roms_total_spent, 0)
        self.assertNotIn("big_spender", budi.roms_segment_ids.mapped("code"))
        self.assertEqual(sari.roms_order_count, 2)
        self.assertAlmostEqual(sari.roms_total_spent, 1301000)
        self.assertIn("big_spender", sari.roms_segment_ids.mapped("code"))

    @freeze_time(TODAY)
    def test_quotation_edits_do_not_refresh(self):
        budi = self._customer("Budi Quote")
        order = self.env["sale.order"].create(
            {
                "partner_id": budi.id,
                "order_line": [
                    Command.create({"product_id": self.product.id, "price_unit": 5})
                ],
            }
        )
        Partner = self.registry["res.partner"]
        with patch.object(Partner, "_roms_update_stats", autospec=True) as update:
            order.date_order = datetime(2026, 3, 1)
            order.order_line.price_unit = 7
            order.note = "no statistics involved"
        update.assert_not_called()
        order.action_confirm()
        with patch.object(Partner, "_roms_update_stats", autospec=True) as update:
            order.note = "still none"
            order.order_line.name = "Kopi"
        update.assert_not_called()
