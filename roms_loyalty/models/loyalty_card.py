import contextvars
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal, localcontext

from odoo import api, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

# Points are kept to this many decimals: sums and differences are made in decimal,
# so that earning then taking back returns a card to exactly its previous balance
# (a float drifts: 1e11 + 12.34 - 1e11 is not 12.34).
POINTS_DIGITS = 2

# Set (in this thread only) while a ledger or Odoo loyalty flow changes points.
# A context key would not do: a client sends any context it likes over RPC.
_POINTS_FLOW = contextvars.ContextVar("roms_loyalty_points_flow", default=False)


@contextmanager
def points_flow():
    """Let the code inside change cards' points: the ROMS ledger code and Odoo's
    own loyalty flows (order confirmation and cancellation, rewards, coupon
    generation, balance update), which record their changes themselves."""
    token = _POINTS_FLOW.set(True)
    try:
        yield
    finally:
        _POINTS_FLOW.reset(token)


def add_points(balance, delta):
    """``balance + delta`` in decimal, rounded to ``POINTS_DIGITS``. The
    precision holds any float's digits (the default 28 raised InvalidOperation
    on the points of an order of Rp 10³⁰ and more)."""
    with localcontext() as context:
        context.prec = 400
        total = Decimal(repr(float(balance or 0.0))) + Decimal(
            repr(float(delta or 0.0))
        )
        return float(
            total.quantize(Decimal(1).scaleb(-POINTS_DIGITS), rounding=ROUND_HALF_UP)
        )


class LoyaltyCard(models.Model):
    _inherit = "loyalty.card"

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("points") for vals in vals_list):
            self._roms_check_points_access()
        cards = super().create(vals_list)
        self.env["res.partner"].invalidate_model(["roms_loyalty_points"])
        return cards

    def write(self, vals):
        if "points" in vals:
            self._roms_check_points_access()
        result = super().write(vals)
        if {"points", "partner_id", "program_id"} & set(vals):
            # the customer's total is computed from the cards, not stored
            self.env["res.partner"].invalidate_model(["roms_loyalty_points"])
        return result

    @api.model
    def _format_points(self, points):
        # ROMS cards: in the user's language format, whole where the program
        # gives whole points (Odoo writes "20.50 Poin" in every language)
        self.ensure_one()
        program = self.program_id
        if not program.roms_managed or self.point_name == program.currency_id.symbol:
            return super()._format_points(points)
        return f"{program._roms_format_points(points)} {self.point_name or ''}".strip()

    def _roms_points_admin(self):
        """Users who may set a card's points directly: ROMS administrators and
        system administrators (and code running as superuser)."""
        user = self.env.user
        return (
            self.env.su
            or user._is_system()
            or user.has_group("roms_crm.group_roms_admin")
        )

    @api.model
    def _roms_check_points_access(self):
        """Points change only through the ledger code and Odoo's own loyalty flows
        (``points_flow``), or by an administrator: a CS agent or an API user
        writing ``points`` over RPC is refused."""
        if _POINTS_FLOW.get() or self._roms_points_admin():
            return
        raise AccessError(
            self.env._(
                "Loyalty points change only through orders and the points ledger. "
                "Ask an administrator to adjust the points, with a reason."
            )
        )

    def _roms_add_points(self, delta):
        """Add ``delta`` points (negative: take them) to each card, in decimal:
        the ledger code's only way to change a balance."""
        with points_flow():
            for card in self:
                card.points = add_points(card.points, delta)

    def action_loyalty_update_balance(self):
        # the balance of a ROMS card changes by an adjustment with a reason
        if len(self) == 1 and self.program_id.roms_managed:
            return self.action_roms_adjust_points()
        return super().action_loyalty_update_balance()

    def action_roms_adjust_points(self):
        self.ensure_one()
        return self.env["roms.loyalty.adjust"]._action_open(card_id=self.id)

    def _roms_lock(self, touch=False):
        """Lock these cards' rows until the end of the transaction, so that two
        transactions never spend or take back the same points at once. A
        transaction that started before another one changed a card fails with a
        serialization error (and is retried by Odoo) instead of overdrawing it."""
        if not self:
            return self
        self.env.execute_query(
            SQL(
                "SELECT id FROM loyalty_card WHERE id IN %s ORDER BY id FOR UPDATE",
                tuple(self.ids),
            )
        )
        if touch:
            # a real update: a transaction that read the card before this one
            # commits cannot lock it any more (serialization failure), so two
            # redemptions at once are serialized even when the balance is unchanged
            self.env.execute_query(
                SQL(
                    "UPDATE loyalty_card SET write_date = now() at time zone 'UTC' "
                    "WHERE id IN %s",
                    tuple(self.ids),
                )
            )
        self.invalidate_recordset(["points", "write_date"])
        return self
