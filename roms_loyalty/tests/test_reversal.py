from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import RomsLoyaltyCase


@tagged("post_install", "-at_install")
class TestReversal(RomsLoyaltyCase):
    def _ledger(self, order):
        return self.env["loyalty.history"].search(
            [("order_model", "=", "sale.order"), ("order_id", "=", order.id)],
            order="id",
        )

    def _refund(self, order, quantity):
        refund = self.env["roms.refund.request"].create(
            {
                "order_id": order.id,
                "reason": "Rusak",
                "line_ids": [
                    Command.create(
                        {"sale_line_id": order.order_line[0].id, "quantity": quantity}
                    )
                ],
            }
        )
        refund.action_approve()
        refund.action_mark_refunded()
        return refund

    def test_cancel_takes_points_back_with_a_new_line(self):
        order = self._order(self.customer, 250000)
        self.assertEqual(self._points(self.customer), 20)
        order._action_cancel()
        self.assertEqual(self._points(self.customer), 0)
        ledger = self._ledger(order)
        self.assertEqual(ledger.mapped("roms_reason"), ["earn", "cancel"])
        self.assertEqual(ledger.mapped("issued"), [20, 0])
        self.assertEqual(ledger.mapped("used"), [0, 20])
        self.assertLedgerMatches(self.customer)

    def test_cancel_records_the_shortfall_of_spent_points(self):
        first = self._order(self.customer, 1000000)
        self.assertEqual(self._points(self.customer), 100)
        # the points are spent on a second order
        quote = self._quote(self.customer, [(self.product_a, 1, 50000)])
        quote._roms_loyalty_redeem(self.tier_5)
        quote.action_confirm()
        self.assertEqual(self._points(self.customer), 0)
        first._action_cancel()
        self.assertEqual(self._points(self.customer), 0)
        line = self._ledger(first).filtered(lambda h: h.roms_reason == "cancel")
        self.assertEqual(line.used, 0)
        self.assertEqual(line.roms_shortfall, 100)
        # confirming it again settles the shortfall instead of crediting the card
        first.action_draft()
        first.action_confirm()
        self.assertEqual(self._points(self.customer), 0)
        earn = self._ledger(first).filtered(lambda h: h.roms_reason == "earn")[-1:]
        self.assertEqual((earn.issued, earn.roms_shortfall), (0, 100))
        self._order(self.customer, 100000)
        self.assertEqual(self._points(self.customer), 10)
        self.assertLedgerMatches(self.customer)

    def test_cancel_returns_redeemed_points(self):
        self._give_points(self.customer, 150)
        quote = self._quote(self.customer, [(self.product_a, 1, 50000)])
        quote._roms_loyalty_redeem(self.tier_5)
        quote.action_confirm()
        self.assertEqual(self._points(self.customer), 50)
        redeem = self._ledger(quote)
        self.assertEqual(redeem.roms_reason, "redeem")
        self.assertEqual(redeem.used, 100)
        quote._action_cancel()
        self.assertEqual(self._points(self.customer), 150)
        ledger = self._ledger(quote)
        self.assertEqual(ledger.mapped("roms_reason"), ["redeem", "cancel_return"])
        self.assertLedgerMatches(self.customer)

    def test_reconfirming_never_awards_twice(self):
        order = self._order(self.customer, 250000)
        order._roms_on_new_order()
        order._roms_loyalty_award()
        self.assertEqual(self._points(self.customer), 20)
        order._action_cancel()
        order.action_draft()
        order.action_confirm()
        self.assertEqual(self._points(self.customer), 20)
        order._roms_loyalty_award()
        self.assertEqual(self._points(self.customer), 20)
        self.assertEqual(
            self._ledger(order).mapped("roms_reason"), ["earn", "cancel", "earn"]
        )
        self.assertLedgerMatches(self.customer)

    def test_refund_takes_back_its_share_and_undo_gives_it_again(self):
        order = self._order(self.customer, lines=[(self.product_a, 5, 50000)])
        self.assertEqual(self._points(self.customer), 20)
        # 2 of 5 units: 100,000 of 250,000 → 40 % of 20 points
        refund = self._refund(order, 2)
        self.assertEqual(self._points(self.customer), 12)
        line = self._ledger(order).filtered(lambda h: h.roms_reason == "refund")
        self.assertEqual((line.used, line.roms_refund_id), (8, refund))
        refund.action_undo_refund()
        self.assertEqual(self._points(self.customer), 20)
        refund.action_mark_refunded()
        self.assertEqual(self._points(self.customer), 12)
        # a full refund of the rest takes the rest, never more than earned
        self._refund(order, 3)
        self.assertEqual(self._points(self.customer), 0)
        order._action_cancel()
        self.assertEqual(self._points(self.customer), 0)
        self.assertLedgerMatches(self.customer)

    def test_refund_of_a_discounted_order_gives_back_what_was_paid(self):
        self._give_points(self.customer, 150)
        order = self._quote(
            self.customer, [(self.product_a, 4, 50000), (self.product_b, 5, 20000)]
        )
        order._roms_loyalty_redeem(self.tier_5)
        order.action_confirm()
        self.assertEqual(order.amount_total, 285000)
        reward_line = order.order_line.filtered("reward_id")
        coffee, sugar = order._roms_product_lines()
        self.assertNotIn(reward_line, order._roms_product_lines())
        # 2 of 4 bags of Rp 50,000 with 5 % off the order: Rp 95,000 was paid
        Refund = self.env["roms.refund.request"]
        first = Refund.create(
            {
                "order_id": order.id,
                "reason": "Rusak",
                "line_ids": [
                    Command.create({"sale_line_id": coffee.id, "quantity": 2})
                ],
            }
        )
        self.assertEqual(first.amount, 95000)
        first.action_approve()
        first.action_mark_refunded()
        # everything else: the refunds add up to the order's total, not more
        rest = Refund.create(
            {
                "order_id": order.id,
                "reason": "Rusak",
                "line_ids": [
                    Command.create({"sale_line_id": coffee.id, "quantity": 2}),
                    Command.create({"sale_line_id": sugar.id, "quantity": 5}),
                ],
            }
        )
        self.assertEqual(first.amount + rest.amount, order.amount_total)
        # the discount itself is no line to refund
        with self.assertRaises(ValidationError), self.cr.savepoint():
            Refund.create(
                {
                    "order_id": order.id,
                    "reason": "Diskon",
                    "line_ids": [
                        Command.create({"sale_line_id": reward_line.id, "quantity": 1})
                    ],
                }
            )
        rest.action_approve()
        rest.action_mark_refunded()
        # 20 points earned on Rp 285,000: a third, then the rest, taken back
        self.assertEqual(
            self._ledger(order).filtered("roms_refund_id").mapped("used"), [7, 13]
        )
        self.assertEqual(self._points(self.customer), 50)
        self.assertLedgerMatches(self.customer)

    def test_refund_of_spent_points_records_the_shortfall(self):
        order = self._order(self.customer, lines=[(self.product_a, 20, 50000)])
        self.assertEqual(self._points(self.customer), 100)
        quote = self._quote(self.customer, [(self.product_b, 1, 20000)])
        quote._roms_loyalty_redeem(self.tier_5)
        quote.action_confirm()
        refund = self._refund(order, 10)
        line = self._ledger(order).filtered(lambda h: h.roms_reason == "refund")
        self.assertEqual((line.used, line.roms_shortfall), (0, 50))
        refund.action_undo_refund()
        # nothing was taken: the undo settles the shortfall, the card gets nothing
        self.assertEqual(self._points(self.customer), 0)
        undo = self._ledger(order).filtered(lambda h: h.roms_reason == "refund_undo")
        self.assertEqual((undo.issued, undo.roms_shortfall), (0, 50))
        # and the order is whole again: nothing more to award
        order._roms_loyalty_award()
        self.assertEqual(self._points(self.customer), 0)
        self.assertLedgerMatches(self.customer)
