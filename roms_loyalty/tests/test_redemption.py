from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import RomsLoyaltyCase


@tagged("post_install", "-at_install")
class TestRedemption(RomsLoyaltyCase):
    def test_backend_reward_button(self):
        """Odoo's own Reward button works with a ROMS program."""
        self._give_points(self.customer, 150)
        quote = self._quote(self.customer, [(self.product_a, 2, 100000)])
        self.assertTrue(quote.action_open_reward_wizard())
        reward_line = quote.order_line.filtered("reward_id")
        self.assertEqual(reward_line.reward_id, self.tier_5)
        self.assertEqual(reward_line.points_cost, 100)
        self.assertAlmostEqual(quote.amount_total, 190000)
        quote.action_confirm()
        # 150 - 100 redeemed + 10 earned on the Rp 190,000 paid
        self.assertEqual(self._points(self.customer), 60)
        ledger = self.env["loyalty.history"].search(
            [("order_id", "=", quote.id), ("order_model", "=", "sale.order")],
            order="id",
        )
        self.assertEqual(ledger.mapped("roms_reason"), ["redeem", "earn"])
        self.assertLedgerMatches(self.customer)

    def test_reward_wizard_offers_affordable_tiers(self):
        self._give_points(self.customer, 600)
        quote = self._quote(self.customer, [(self.product_a, 1, 100000)])
        action = quote.action_open_reward_wizard()
        self.assertEqual(action["res_model"], "sale.loyalty.reward.wizard")
        claimable = quote._get_claimable_rewards()
        self.assertEqual(
            claimable[self._card(self.customer)], self.tier_5 | self.tier_20
        )
        self.assertEqual(
            set(quote._roms_loyalty_redeemable()), {self.tier_5, self.tier_20}
        )

    def test_cannot_redeem_more_than_the_balance(self):
        self._give_points(self.customer, 150)
        first = self._quote(self.customer, [(self.product_a, 1, 100000)])
        second = self._quote(self.customer, [(self.product_a, 1, 100000)])
        with self.assertRaises(UserError):
            first._roms_loyalty_redeem(self.tier_20)
        first._roms_loyalty_redeem(self.tier_5)
        # the points promised on the first quotation are not available twice
        self.assertFalse(second._roms_loyalty_redeemable())
        with self.assertRaises(UserError):
            second._roms_loyalty_redeem(self.tier_5)
        self.assertFalse(second.order_line.filtered("reward_id"))
        # even through Odoo's button, confirming cannot overdraw the card
        second.action_open_reward_wizard()
        self.assertTrue(second.order_line.filtered("reward_id"))
        first.action_confirm()
        with self.assertRaises(ValidationError):
            second.action_confirm()
        # 150 - 100 redeemed; Rp 95,000 paid earns nothing
        self.assertEqual(self._points(self.customer), 50)

    def test_redeem_only_on_quotations_of_roms_programs(self):
        self._give_points(self.customer, 150)
        order = self._order(self.customer, 100000)
        with self.assertRaises(UserError):
            order._roms_loyalty_redeem(self.tier_5)
        quote = self._quote(self.reseller, [(self.product_a, 1, 100000)])
        with self.assertRaises(UserError):
            quote._roms_loyalty_redeem(self.tier_5)

    def test_other_gift_is_tracked_until_handed_over(self):
        gift_reward = self.env["loyalty.reward"].create(
            {
                "program_id": self.program.id,
                "reward_type": "roms_gift",
                "roms_gift_description": "Trip to Bali",
                "required_points": 300,
            }
        )
        self.assertEqual(gift_reward.description, "Trip to Bali")
        self._give_points(self.customer, 350)
        quote = self._quote(self.customer, [(self.product_b, 1, 20000)])
        self.assertIn(gift_reward, quote._roms_loyalty_redeemable())
        quote._roms_loyalty_redeem(gift_reward)
        line = quote.order_line.filtered("reward_id")
        self.assertEqual((line.price_unit, line.points_cost), (0, 300))
        self.assertIn("Trip to Bali", line.name)
        quote.action_confirm()
        self.assertEqual(self._points(self.customer), 50)
        gift = quote.roms_loyalty_gift_ids
        self.assertEqual(
            (gift.name, gift.partner_id, gift.state, gift.points),
            ("Trip to Bali", self.customer, "to_hand_over", 300),
        )
        quote._roms_loyalty_create_gifts()
        self.assertEqual(len(quote.roms_loyalty_gift_ids), 1)
        gift.action_hand_over()
        self.assertEqual(gift.state, "handed_over")
        self.assertEqual(gift.handed_over_by_id, self.env.user)
        self.assertTrue(gift.handed_over_date)
        with self.assertRaises(UserError):
            gift.action_hand_over()
        self.assertLedgerMatches(self.customer)

    def test_cancelled_order_cancels_its_gift(self):
        gift_reward = self.env["loyalty.reward"].create(
            {
                "program_id": self.program.id,
                "reward_type": "roms_gift",
                "roms_gift_description": "Phone",
                "required_points": 100,
            }
        )
        self._give_points(self.customer, 100)
        quote = self._quote(self.customer, [(self.product_b, 1, 20000)])
        quote._roms_loyalty_redeem(gift_reward)
        quote.action_confirm()
        quote._action_cancel()
        self.assertEqual(quote.roms_loyalty_gift_ids.state, "cancelled")
        self.assertEqual(self._points(self.customer), 100)
        self.assertLedgerMatches(self.customer)

    def test_fixed_rupiah_reward(self):
        rupiah = self.env["loyalty.reward"].create(
            {
                "program_id": self.program.id,
                "reward_type": "discount",
                "discount": 25000,
                "discount_mode": "per_order",
                "discount_applicability": "order",
                "required_points": 50,
            }
        )
        self._give_points(self.customer, 60)
        quote = self._quote(self.customer, [(self.product_a, 1, 100000)])
        self.assertEqual(set(quote._roms_loyalty_redeemable()), {rupiah})
        quote._roms_loyalty_redeem(rupiah)
        self.assertAlmostEqual(quote.amount_total, 75000)
        quote.action_confirm()
        self.assertEqual(self._points(self.customer), 10)
        self.assertLedgerMatches(self.customer)
