from odoo import Command
from odoo.tests import TransactionCase


class RomsLoyaltyCase(TransactionCase):
    """Shared fixture: no other program runs, a spend program "every Rp 100,000
    earns 10 points" with tiers 100 → 5 % and 500 → 20 %, two products, a customer
    and a reseller."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        # demo programs must not interfere
        cls.env["loyalty.program"].search([]).write({"active": False})
        cls.idr = cls.env.ref("base.IDR")
        cls.idr.active = True
        cls.pricelist = cls.env["product.pricelist"].create(
            {"name": "Rupiah", "currency_id": cls.idr.id}
        )
        cls.product_a, cls.product_b = cls.env["product.product"].create(
            [
                {"name": "Kopi Loyal A", "list_price": 50000, "taxes_id": False},
                {"name": "Gula Loyal B", "list_price": 20000, "taxes_id": False},
            ]
        )
        cls.customer, cls.reseller = cls.env["res.partner"].create(
            [
                {
                    "name": "Budi Loyal",
                    "roms_category": "customer",
                    "property_product_pricelist": cls.pricelist.id,
                },
                {
                    "name": "Sari Reseller",
                    "roms_category": "reseller",
                    "property_product_pricelist": cls.pricelist.id,
                },
            ]
        )
        cls.program = cls._make_program()
        cls.tier_5, cls.tier_20 = cls.program.reward_ids.sorted("required_points")

    @classmethod
    def _make_program(cls, name="Poin Belanja Test", rules=None, rewards=None, **vals):
        rules = rules or [
            {
                "reward_point_mode": "money",
                "reward_point_amount": 10,
                "roms_per_amount": 100000,
                "minimum_qty": 0,
            }
        ]
        rewards = rewards or [
            {
                "reward_type": "discount",
                "discount": 5,
                "discount_mode": "percent",
                "discount_applicability": "order",
                "required_points": 100,
            },
            {
                "reward_type": "discount",
                "discount": 20,
                "discount_mode": "percent",
                "discount_applicability": "order",
                "required_points": 500,
            },
        ]
        return cls.env["loyalty.program"].create(
            {
                "name": name,
                "program_type": "loyalty",
                "roms_managed": True,
                "trigger": "auto",
                "applies_on": "both",
                "currency_id": cls.idr.id,
                "rule_ids": [Command.clear()]
                + [Command.create(rule) for rule in rules],
                "reward_ids": [Command.clear()]
                + [Command.create(reward) for reward in rewards],
                **vals,
            }
        )

    def _quote(self, partner, lines):
        """A quotation of ``lines`` = [(product, qty, price)], without taxes."""
        return self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "pricelist_id": self.pricelist.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": qty,
                            "price_unit": price,
                            "tax_id": [Command.clear()],
                        }
                    )
                    for product, qty, price in lines
                ],
            }
        )

    def _order(self, partner, amount=None, lines=None):
        """A confirmed order: one line of ``amount``, or ``lines``."""
        order = self._quote(partner, lines or [(self.product_a, 1, amount)])
        order.action_confirm()
        return order

    def _card(self, partner, program=None):
        return self.env["loyalty.card"].search(
            [
                ("partner_id", "=", partner.id),
                ("program_id", "=", (program or self.program).id),
            ]
        )

    def _points(self, partner, program=None):
        return self._card(partner, program).points

    def _give_points(self, partner, points, program=None):
        """Points from an earlier order: the ledger stays whole."""
        program = program or self.program
        card = self._card(partner, program) or self.env["loyalty.card"].create(
            {"partner_id": partner.id, "program_id": program.id, "points": 0}
        )
        self.env["loyalty.history"].create(
            {"card_id": card.id, "issued": points, "description": "Opening balance"}
        )
        card.points += points
        return card

    def assertLedgerMatches(self, partners=None):
        """Every card's ledger adds up to its balance, no card is below zero, and
        the customer's total is the sum of their cards."""
        domain = [("program_id.roms_managed", "=", True)]
        if partners:
            domain.append(("partner_id", "in", partners.ids))
        self.env.flush_all()
        self.env.invalidate_all()
        for card in self.env["loyalty.card"].search(domain):
            ledger = sum(card.history_ids.mapped("issued")) - sum(
                card.history_ids.mapped("used")
            )
            self.assertAlmostEqual(
                ledger, card.points, 2, f"ledger of {card.partner_id.name} != balance"
            )
            self.assertGreaterEqual(card.points, 0)
        for partner in partners or ():
            cards = self.env["loyalty.card"].search(
                [
                    ("partner_id", "=", partner.id),
                    ("program_id.roms_managed", "=", True),
                ]
            )
            self.assertAlmostEqual(
                partner.roms_loyalty_points, sum(cards.mapped("points")), 2
            )
