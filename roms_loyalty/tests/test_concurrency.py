import psycopg2.errors

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.roms_crm.tests.common import CommittedCursorsMixin


@tagged("post_install", "-at_install", "roms_isolated")
class TestConcurrentRedemption(CommittedCursorsMixin, TransactionCase):
    """Two transactions redeem the same 100 points at the same time, each on its
    own quotation. The data is committed (other transactions must see it) and
    removed at the end."""

    def _setup_committed(self):
        cr = self._cursor()
        env = self._env(cr)
        product = env["product.product"].create(
            {"name": "Kopi Race", "list_price": 50000, "taxes_id": False}
        )
        partner = env["res.partner"].create(
            {"name": "Race Customer", "roms_category": "customer"}
        )
        program = env["loyalty.program"].create(
            {
                "name": "Race Points",
                "program_type": "loyalty",
                "roms_managed": True,
                "trigger": "auto",
                "applies_on": "both",
                "rule_ids": [
                    Command.clear(),
                    Command.create(
                        {
                            "reward_point_mode": "money",
                            "reward_point_amount": 1,
                            "roms_per_amount": 1000000,
                        }
                    ),
                ],
                "reward_ids": [
                    Command.clear(),
                    Command.create(
                        {
                            "reward_type": "discount",
                            "discount": 5,
                            "discount_mode": "percent",
                            "discount_applicability": "order",
                            "required_points": 100,
                        }
                    ),
                ],
            }
        )
        card = env["loyalty.card"].create(
            {"partner_id": partner.id, "program_id": program.id, "points": 100}
        )
        env["loyalty.history"].create(
            {"card_id": card.id, "issued": 100, "description": "Opening balance"}
        )
        quotes = env["sale.order"].create(
            [
                {
                    "partner_id": partner.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": 1,
                                "tax_id": [Command.clear()],
                            }
                        )
                    ],
                }
                for _i in range(2)
            ]
        )
        # other transactions must see the data: a real commit, undone in _cleanup
        cr.commit()  # pylint: disable=invalid-commit
        ids = {
            "product": product.id,
            "partner": partner.id,
            "program": program.id,
            "card": card.id,
            "quotes": quotes.ids,
            "reward": program.reward_ids.id,
            "reward_product": program.reward_ids.discount_line_product_id.id,
        }
        self.addCleanup(self._cleanup, ids)
        return ids

    def _cleanup(self, ids):
        with db_connect(self.env.cr.dbname).cursor() as cr:
            env = self._env(cr)
            orders = env["sale.order"].browse(ids["quotes"])
            orders.filtered(lambda o: o.state == "sale")._action_cancel()
            pickings = orders.picking_ids
            moves = pickings.move_ids
            moves._action_cancel()
            moves.unlink()
            pickings.unlink()
            orders.unlink()
            env["loyalty.card"].browse(ids["card"]).unlink()
            program = env["loyalty.program"].browse(ids["program"])
            program.action_archive()
            program.unlink()
            env["product.product"].browse(
                [ids["product"], ids["reward_product"]]
            ).unlink()
            env["res.partner"].browse(ids["partner"]).unlink()
            # pylint: disable-next=invalid-commit
            cr.commit()

    def test_two_redemptions_at_once_cannot_overdraw(self):
        ids = self._setup_committed()
        cr1, cr2 = self._cursor(), self._cursor()
        env1, env2 = self._env(cr1), self._env(cr2)
        reward1 = env1["loyalty.reward"].browse(ids["reward"])
        reward2 = env2["loyalty.reward"].browse(ids["reward"])
        quote_a = env1["sale.order"].browse(ids["quotes"][0])
        quote_b = env2["sale.order"].browse(ids["quotes"][1])
        # both transactions are running and see 100 points
        self.assertEqual(env2["loyalty.card"].browse(ids["card"]).points, 100)
        self.assertEqual(env1["loyalty.card"].browse(ids["card"]).points, 100)
        quote_a._roms_loyalty_redeem(reward1)
        cr1.commit()
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.SerializationFailure),
        ):
            quote_b._roms_loyalty_redeem(reward2)
        cr2.rollback()
        env2.invalidate_all()
        # Odoo retries the request: now the points are promised to quotation A
        with self.assertRaises(UserError):
            quote_b._roms_loyalty_redeem(reward2)
        cr2.rollback()
        env2.invalidate_all()

        # the backend Reward button does not know about the other quotation: the
        # confirmations are the last line of defence
        quote_b._update_programs_and_rewards()
        quote_b._apply_program_reward(reward2, env2["loyalty.card"].browse(ids["card"]))
        cr2.commit()
        self.assertEqual(env2["loyalty.card"].browse(ids["card"]).points, 100)
        env1.invalidate_all()
        self.assertEqual(env1["loyalty.card"].browse(ids["card"]).points, 100)
        quote_a.action_confirm()
        cr1.commit()
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.SerializationFailure),
        ):
            quote_b.action_confirm()
        cr2.rollback()
        env2.invalidate_all()
        with self.assertRaises(ValidationError):
            quote_b.action_confirm()
        cr2.rollback()
        env2.invalidate_all()
        card = env2["loyalty.card"].browse(ids["card"])
        self.assertEqual(card.points, 0)
        self.assertEqual(
            sum(card.history_ids.mapped("issued"))
            - sum(card.history_ids.mapped("used")),
            0,
        )
        self.assertEqual(quote_b.state, "draft")
