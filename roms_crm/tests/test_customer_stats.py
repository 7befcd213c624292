from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged

TODAY = date(2026, 6, 15)


@tagged("post_install", "-at_install")
class TestCustomerStats(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cs_user = new_test_user(
            cls.env, "roms_cs_stats", groups="roms_crm.group_roms_cs"
        )
        cls.env = cls.env(user=cls.cs_user)
        cls.currency = cls.env.company.currency_id
        cls.product = (
            cls.env["product.product"]
            .sudo()
            .create(
                {
                    "name": "Kopi Test",
                    "list_price": 100000,
                    "taxes_id": [Command.clear()],
                }
            )
        )
        cls.Partner = cls.env["res.partner"]
        cls.segments = {
            code: cls.env.ref(f"roms_crm.segment_{code}")
            for code in ("big_spender", "loyal", "inactive", "new_member", "regular")
        }

    def _customer(self, name="Budi", joined=TODAY - timedelta(days=200), **vals):
        return self.Partner.create(
            {
                "name": name,
                "roms_category": "customer",
                "roms_join_date": joined,
                **vals,
            }
        )

    def _order(self, partner, day, amount=100000, qty=1, confirm=True):
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": qty,
                            "price_unit": amount / qty,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
            }
        )
        if confirm:
            with freeze_time(day):
                order.action_confirm()
        return order

    def _codes(self, partner):
        return set(partner.roms_segment_ids.mapped("code"))

    @freeze_time(TODAY)
    def test_statistics_after_confirm_and_cancel(self):
        budi = self._customer()
        self._order(budi, TODAY - timedelta(days=90), amount=150000, qty=3)
        self._order(budi, TODAY - timedelta(days=30), amount=250000, qty=2)
        last = self._order(budi, TODAY - timedelta(days=10), amount=200000, qty=1)
        # confirming computed everything as of the confirmation day; the daily
        # recompute brings the time-dependent figures to today
        budi._roms_update_stats()
        self.assertEqual(budi.roms_order_count, 3)
        self.assertEqual(budi.roms_item_qty, 6)
        self.assertAlmostEqual(budi.roms_total_spent, 600000)
        self.assertAlmostEqual(budi.roms_avg_order_value, 200000)
        self.assertEqual(budi.roms_first_order_date, TODAY - timedelta(days=90))
        self.assertEqual(budi.roms_last_order_date, TODAY - timedelta(days=10))
        self.assertAlmostEqual(budi.roms_avg_days_between_orders, 40.0)
        months = 90 / 30.4375
        self.assertAlmostEqual(budi.roms_orders_per_month, 3 / months, places=2)
        self.assertAlmostEqual(budi.roms_spend_per_month, 600000 / months, places=0)
        # ordered in March, May and June: 3 of the 4 months March..June
        self.assertAlmostEqual(budi.roms_loyalty_ratio, 0.75)
        self.assertEqual(budi.roms_stats_date, TODAY)

        last._action_cancel()
        self.assertEqual(budi.roms_order_count, 2)
        self.assertAlmostEqual(budi.roms_total_spent, 400000)
        self.assertEqual(budi.roms_last_order_date, TODAY - timedelta(days=30))

    @freeze_time(TODAY)
    def test_quotations_and_cancelled_orders_do_not_count(self):
        ani = self._customer("Ani")
        self._order(ani, TODAY, confirm=False)
        cancelled = self._order(ani, TODAY - timedelta(days=5))
        cancelled._action_cancel()
        self.assertEqual(ani.roms_order_count, 0)
        self.assertEqual(ani.roms_total_spent, 0)
        self.assertFalse(ani.roms_last_order_date)

    @freeze_time(TODAY)
    def test_orders_of_contacts_count_for_the_customer(self):
        company = self._customer("Warung Kopi Sejahtera", is_company=True)
        contact = self._customer("Pak Darto", parent_id=company.id)
        self._order(contact, TODAY - timedelta(days=3), amount=300000)
        self._order(company, TODAY - timedelta(days=1), amount=100000)
        self.assertEqual(company.roms_order_count, 2)
        self.assertEqual(contact.roms_order_count, 2)
        self.assertAlmostEqual(company.roms_total_spent, 400000)

    @freeze_time(TODAY)
    def test_lifetime_value_uses_setting(self):
        self.env["ir.config_parameter"].sudo().set_param("roms_crm.lifetime_months", 12)
        sari = self._customer("Sari")
        self._order(sari, TODAY - timedelta(days=61), amount=100000)
        self._order(sari, TODAY - timedelta(days=1), amount=300000)
        sari._roms_update_stats()
        per_month = 2 / (61 / 30.4375)
        self.assertAlmostEqual(
            sari.roms_lifetime_value, 200000 * per_month * 12, places=0
        )

    @freeze_time(TODAY)
    def test_big_spender_boundary(self):
        exact = self._customer("Exactly a million")
        self._order(exact, TODAY - timedelta(days=1), amount=1000000)
        above = self._customer("One Rupiah more")
        self._order(above, TODAY - timedelta(days=1), amount=1000001)
        self.assertNotIn("big_spender", self._codes(exact))
        self.assertIn("big_spender", self._codes(above))

    @freeze_time(TODAY)
    def test_loyal_boundary(self):
        three = self._customer("Three")
        four = self._customer("Four")
        for days in (40, 30, 20):
            self._order(three, TODAY - timedelta(days=days))
            self._order(four, TODAY - timedelta(days=days))
        self.assertNotIn("loyal", self._codes(three))
        self._order(four, TODAY - timedelta(days=10))
        self.assertIn("loyal", self._codes(four))

    @freeze_time(TODAY)
    def test_inactive_boundary(self):
        sixty = self._customer("Sixty days")
        self._order(sixty, TODAY - timedelta(days=60))
        sixty_one = self._customer("Sixty-one days")
        self._order(sixty_one, TODAY - timedelta(days=61))
        (sixty | sixty_one)._roms_update_stats()
        self.assertNotIn("inactive", self._codes(sixty))
        self.assertIn("inactive", self._codes(sixty_one))
        # customers who never ordered count from the day they joined
        joined_60 = self._customer("Joined 60", joined=TODAY - timedelta(days=60))
        joined_61 = self._customer("Joined 61", joined=TODAY - timedelta(days=61))
        (joined_60 | joined_61)._roms_update_stats()
        self.assertNotIn("inactive", self._codes(joined_60))
        self.assertIn("inactive", self._codes(joined_61))

    @freeze_time(TODAY)
    def test_new_member_boundary_and_regular(self):
        new = self._customer("New", joined=TODAY - timedelta(days=29))
        thirty = self._customer("Thirty", joined=TODAY - timedelta(days=30))
        self._order(new, TODAY - timedelta(days=1))
        self._order(thirty, TODAY - timedelta(days=1))
        (new | thirty)._roms_update_stats()
        self.assertEqual(self._codes(new), {"new_member"})
        self.assertEqual(self._codes(thirty), {"regular"})

    @freeze_time(TODAY)
    def test_customer_carries_every_label_that_applies(self):
        big = self._customer("Big", joined=TODAY - timedelta(days=10))
        for days in (9, 8, 7, 6):
            self._order(big, TODAY - timedelta(days=days), amount=400000)
        self.assertEqual(self._codes(big), {"big_spender", "loyal", "new_member"})

    @freeze_time(TODAY)
    def test_segments_move_with_time(self):
        rina = self._customer("Rina")
        self._order(rina, TODAY - timedelta(days=50))
        self.assertNotIn("inactive", self._codes(rina))
        with freeze_time(TODAY + timedelta(days=11)):
            self.env["res.partner"].sudo()._cron_roms_customer_stats()
            self.assertIn("inactive", self._codes(rina))

    @freeze_time(TODAY)
    def test_threshold_change_recomputes_membership(self):
        dewi = self._customer("Dewi")
        self._order(dewi, TODAY - timedelta(days=2), amount=600000)
        self.assertNotIn("big_spender", self._codes(dewi))
        self.segments["big_spender"].sudo().threshold = 500000
        self.assertIn("big_spender", self._codes(dewi))

    @freeze_time(TODAY)
    def test_custom_segment(self):
        reseller = self._customer("Toko Makmur", roms_category="reseller")
        customer = self._customer("Joko")
        segment = (
            self.env["roms.segment"]
            .sudo()
            .create(
                {
                    "name": "Resellers",
                    "code": "resellers",
                    "rule_type": "domain",
                    "domain": "[('roms_category', '=', 'reseller')]",
                }
            )
        )
        self.assertIn(segment, reseller.roms_segment_ids)
        self.assertNotIn(segment, customer.roms_segment_ids)
        self.assertEqual(
            segment.partner_count,
            self.Partner.search_count([("roms_category", "=", "reseller")]),
        )

    @freeze_time(TODAY)
    def test_cron_works_in_batches_once_a_day(self):
        customers = self.Partner.browse()
        for index in range(5):
            customers |= self._customer(f"Pelanggan {index}")
        self.env.cr.execute(
            "UPDATE res_partner SET roms_stats_date = NULL WHERE id = ANY(%s)",
            [customers.ids],
        )
        customers.invalidate_recordset(["roms_stats_date"])
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        pending = [("roms_category", "!=", False), ("roms_stats_date", "!=", TODAY)]
        remaining = Partner.search_count(pending)
        self.assertGreaterEqual(remaining, 5)
        runs = 0
        while Partner.search_count(pending):
            Partner._cron_roms_customer_stats(batch_size=2)
            runs += 1
            self.assertLess(runs, remaining)
        self.assertEqual(runs, (remaining + 1) // 2)
        self.assertEqual(set(customers.mapped("roms_stats_date")), {TODAY})
        # done for today: another run finds nothing to do
        Partner._cron_roms_customer_stats(batch_size=2)
        self.assertEqual(set(customers.mapped("roms_stats_date")), {TODAY})

    def test_confirm_query_count_does_not_grow_with_history(self):
        short = self._customer("Short history")
        long = self._customer("Long history")
        with freeze_time(TODAY):
            self._order(short, TODAY - timedelta(days=5))
            for days in range(40, 0, -2):
                self._order(long, TODAY - timedelta(days=days))
            short_order = self._order(short, TODAY, confirm=False)
            long_order = self._order(long, TODAY, confirm=False)
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            short_order._roms_update_customer_stats()
            self.env.flush_all()
            short_count = self.env.cr.sql_log_count - before
            # 21 orders in the history cost the same queries as one
            with self.assertQueryCount(short_count):
                long_order._roms_update_customer_stats()
                self.env.flush_all()
        self.assertLessEqual(short_count, 20)
        self.assertEqual(long.roms_order_count, 20)
