import random

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import RomsLoyaltyCase


@tagged("post_install", "-at_install")
class TestLedgerProperty(RomsLoyaltyCase):
    """A random but reproducible sequence of confirmations, cancellations,
    refunds, undone refunds, redemptions and re-confirmations: after every step
    each card's ledger adds up to its balance and no card goes below zero."""

    def test_random_operations_keep_ledger_and_balance_equal(self):
        rng = random.Random(20261123)
        partners = self.customer | self.reseller
        orders = self.env["sale.order"]
        refunds = self.env["roms.refund.request"]
        log = []
        refused = []

        def confirmed():
            return orders.filtered(lambda o: o.state == "sale")

        for step in range(60):
            operation = rng.choice(
                [
                    "confirm",
                    "confirm",
                    "cancel",
                    "refund",
                    "undo",
                    "redeem",
                    "again",
                    "unreward",
                ]
            )
            partner = rng.choice(partners)
            if operation == "confirm":
                qty = rng.randint(1, 12)
                orders |= self._order(
                    partner, lines=[(self.product_a, qty, rng.choice([25000, 50000]))]
                )
            elif operation == "cancel" and confirmed():
                rng.choice(confirmed())._action_cancel()
            elif operation == "refund" and confirmed():
                order = rng.choice(confirmed())
                line = order.order_line.filtered(lambda l: not l.reward_id)[:1]
                left = (
                    self.env["roms.refund.request.line"]
                    ._refundable_qty(line)
                    .get(line, 0)
                )
                if left >= 1:
                    refund = self.env["roms.refund.request"].create(
                        {
                            "order_id": order.id,
                            "reason": "Rusak",
                            "line_ids": [
                                Command.create(
                                    {
                                        "sale_line_id": line.id,
                                        "quantity": rng.randint(1, int(left)),
                                    }
                                )
                            ],
                        }
                    )
                    refund.action_approve()
                    refund.action_mark_refunded()
                    refunds |= refund
            elif operation == "undo":
                done = refunds.filtered(
                    lambda r: r.state == "refunded" and r.order_id.state == "sale"
                )
                if done:
                    rng.choice(done).action_undo_refund()
            elif operation == "redeem":
                quote = self._quote(partner, [(self.product_b, 2, 20000)])
                rewards = list(quote._roms_loyalty_redeemable())
                if rewards:
                    quote._roms_loyalty_redeem(rng.choice(rewards))
                quote.action_confirm()
                orders |= quote
            elif operation == "again":
                cancelled = orders.filtered(lambda o: o.state == "cancel")
                if cancelled:
                    order = rng.choice(cancelled)
                    order.action_draft()
                    order.action_confirm()
            elif operation == "unreward":
                # removing a reward line by hand from a confirmed order would give
                # its points back without a ledger line: Odoo refuses it
                rewarded = confirmed().order_line.filtered("reward_id")
                if rewarded:
                    with self.assertRaises(UserError):
                        rng.choice(rewarded).unlink()
                    refused.append(step)
            log.append(operation)
            with self.subTest(step=step, operations=log[-5:]):
                self.assertLedgerMatches(partners)
        self.assertGreater(len(set(log)), 5, "the sequence exercised every operation")
        self.assertTrue(refused, "a reward line removal was tried")
