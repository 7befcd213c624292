import xmlrpc.client

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import RomsLoyaltyCase


class _Users:
    @classmethod
    def _make_users(cls):
        cls.cs_user = new_test_user(
            cls.env, "roms_guard_cs", groups="base.group_user,roms_crm.group_roms_cs"
        )
        cls.api_user = new_test_user(
            cls.env, "roms_guard_api", groups="base.group_user,roms_crm.group_roms_api"
        )
        cls.admin_user = new_test_user(
            cls.env,
            "roms_guard_admin",
            groups="base.group_user,roms_crm.group_roms_admin",
        )


@tagged("post_install", "-at_install")
class TestPointsGuard(_Users, RomsLoyaltyCase):
    """Points change only through the ledger: orders, and an administrator's
    adjustment with a reason."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._make_users()

    def _adjust(self, user, card, amount, reason="Kompensasi"):
        wizard = (
            self.env["roms.loyalty.adjust"]
            .with_user(user)
            .with_context(default_card_id=card.id)
            .create({"amount": amount, "reason": reason})
        )
        return wizard.action_apply()

    def test_cs_and_api_users_cannot_write_points(self):
        card = self._give_points(self.customer, 10)
        before = len(card.history_ids)
        for user in (self.cs_user, self.api_user):
            with self.subTest(user=user.login):
                if not card.with_user(user).has_access("write"):
                    continue  # no write right at all: refused anyway
                with self.assertRaises(AccessError):
                    card.with_user(user).write({"points": 999999})
                with self.assertRaises(AccessError):
                    card.with_user(user).points = 5
        self.env.invalidate_all()
        self.assertEqual(card.points, 10)
        self.assertEqual(len(card.history_ids), before)

    def test_cs_cannot_create_a_card_with_points_nor_forge_the_ledger(self):
        card = self._give_points(self.customer, 10)
        Card = self.env["loyalty.card"].with_user(self.cs_user)
        if Card.has_access("create"):
            with self.assertRaises(AccessError):
                Card.create(
                    {
                        "partner_id": self.reseller.id,
                        "program_id": self.program.id,
                        "points": 500,
                    }
                )
        History = self.env["loyalty.history"].with_user(self.cs_user)
        with self.assertRaises(AccessError):
            History.create({"card_id": card.id, "issued": 500, "description": "x"})
        with self.assertRaises(AccessError):
            card.history_ids[:1].with_user(self.cs_user).write({"issued": 5000})
        with self.assertRaises(AccessError):
            card.history_ids[:1].with_user(self.cs_user).unlink()

    def test_cs_still_confirms_and_cancels_orders_that_earn_and_spend(self):
        self._give_points(self.customer, 200)
        order = self._quote(self.customer, [(self.product_a, 1, 500000)])
        order._roms_loyalty_redeem(self.tier_5)
        order = order.with_user(self.cs_user)
        order.action_confirm()
        # 100 spent, 40 earned on Rp 475,000 (after the 5 %)
        self.assertEqual(self._points(self.customer), 140)
        order._action_cancel()
        self.assertEqual(self._points(self.customer), 200)
        self.assertLedgerMatches(self.customer)

    def test_cs_cannot_use_odoos_balance_update_on_a_roms_card(self):
        card = self._give_points(self.customer, 10)
        Wizard = self.env["loyalty.card.update.balance"].with_user(self.cs_user)
        with self.assertRaises(AccessError):
            Wizard.create(
                {"card_id": card.id, "new_balance": 99999, "description": "x"}
            ).action_update_card_point()
        self.env.invalidate_all()
        self.assertEqual(card.points, 10)

    def test_admin_adjusts_points_with_a_reason_on_the_ledger(self):
        card = self._give_points(self.customer, 10)
        action = card.with_user(self.admin_user).action_loyalty_update_balance()
        self.assertEqual(action["res_model"], "roms.loyalty.adjust")
        self._adjust(self.admin_user, card, 25.5, "Kompensasi telat kirim")
        self._adjust(self.admin_user, card, -5, "Salah input")
        self.assertEqual(card.points, 30.5)
        lines = card.history_ids.filtered(lambda h: h.roms_reason == "adjust")
        self.assertEqual(
            set(lines.mapped("description")), {"Salah input", "Kompensasi telat kirim"}
        )
        self.assertLedgerMatches(self.customer)

    def test_admin_adjusts_from_the_customer_form_even_without_a_card(self):
        action = self.reseller.with_user(self.admin_user).action_roms_adjust_points()
        wizard = (
            self.env["roms.loyalty.adjust"]
            .with_user(self.admin_user)
            .with_context(**action["context"])
            .create({"amount": 15, "reason": "Hadiah pembukaan"})
        )
        self.assertEqual(wizard.program_id, self.program)
        wizard.action_apply()
        self.assertEqual(self._points(self.reseller), 15)
        self.assertEqual(self._card(self.reseller).history_ids.roms_reason, "adjust")
        self.assertLedgerMatches(self.reseller)

    def test_adjustment_is_bounded_and_needs_a_reason(self):
        card = self._give_points(self.customer, 10)
        for amount, reason in (
            (float("nan"), "x"),
            (float("inf"), "x"),
            (0, "x"),
            (10_000_001, "x"),
            (-11, "x"),
            (5, ""),
            (5, "\x00\x01 "),
            (5, "x" * 2001),
        ):
            with (
                self.subTest(amount=amount, reason=reason[:10]),
                self.assertRaises(UserError),
            ):
                self._adjust(self.admin_user, card, amount, reason)
        self.assertEqual(card.points, 10)
        with self.assertRaises(AccessError):
            self._adjust(self.cs_user, card, 5)

    def test_cancelling_the_largest_order_restores_the_exact_balance(self):
        # the largest line the bounds allow: 100,000 × Rp 10,000,000,000
        card = self._give_points(self.customer, 12.34)
        order = self._order(self.customer, lines=[(self.product_a, 100000, 1e10)])
        self.assertEqual(card.points, 100000000012.34)
        order._action_cancel()
        self.env.invalidate_all()
        self.assertEqual(card.points, 12.34)
        self.assertLedgerMatches(self.customer)

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        derandomize=True,
    )
    @given(
        balance=st.decimals(min_value=0, max_value=10**9, places=2),
        quantity=st.integers(min_value=1, max_value=100000),
        price=st.integers(min_value=0, max_value=10**10),
    )
    def test_earn_then_cancel_returns_exactly_the_previous_balance(
        self, balance, quantity, price
    ):
        with self.env.cr.savepoint() as savepoint:
            card = self._give_points(self.customer, float(balance))
            before = card.points
            order = self._order(
                self.customer, lines=[(self.product_a, quantity, price)]
            )
            order._action_cancel()
            self.env.invalidate_all()
            self.assertEqual(card.points, before)
            savepoint.rollback()
            self.env.invalidate_all()


@tagged("post_install", "-at_install")
class TestPointsGuardRpc(_Users, HttpCase):
    """The same refusal over Odoo's XML-RPC, as an integrator or a CS agent
    would call it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._make_users()
        partner = cls.env["res.partner"].create({"name": "Budi RPC"})
        program = cls.env["loyalty.program"].create(
            {"name": "Poin RPC", "program_type": "loyalty"}
        )
        cls.card = cls.env["loyalty.card"].create(
            {"partner_id": partner.id, "program_id": program.id, "points": 10}
        )

    def test_rpc_write_of_points_is_refused(self):
        models = self.xmlrpc_object
        for user in (self.cs_user, self.api_user):
            with (
                self.subTest(user=user.login),
                self.assertRaises(xmlrpc.client.Fault),
            ):
                models.execute_kw(
                    self.env.cr.dbname,
                    user.id,
                    user.login,
                    "loyalty.card",
                    "write",
                    [[self.card.id], {"points": 999999}],
                    {"context": {"roms_loyalty_points_flow": True}},
                )
        self.env.invalidate_all()
        self.assertEqual(self.card.points, 10)
