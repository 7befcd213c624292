from collections import defaultdict

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import float_compare, float_round

from odoo.addons.sale_loyalty.models.sale_order import _generate_random_reward_code

from .loyalty_card import add_points, points_flow
from .loyalty_history import EARN_REASONS, TAKE_BACK_REASONS


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # gifts are handed over by ROMS CS: Odoo's salespeople still read the order
    roms_loyalty_gift_ids = fields.One2many(
        "roms.loyalty.gift",
        "order_id",
        string="Loyalty Gifts",
        readonly=True,
        groups="roms_crm.group_roms_cs",
    )

    def _roms_portal_points(self, points):
        """``points`` of this order as Odoo's portal order page shows them ("+20.0"):
        for an order of ROMS programs only, in the reader's language format and
        whole where the program gives whole points; as Odoo shows them otherwise."""
        self.ensure_one()
        programs = (
            self.env["loyalty.history"]
            .sudo()
            .search([("order_model", "=", "sale.order"), ("order_id", "=", self.id)])
            .card_id.program_id
        )
        if not programs or not all(programs.mapped("roms_managed")):
            return points
        return programs._roms_format_points(points)

    # ------------------------------------------------------------------
    # Odoo's loyalty engine: ROMS programs do not earn through it
    # ------------------------------------------------------------------

    def _program_check_compute_points(self, programs):
        """ROMS programs: only customers of their categories take part, and Odoo
        gives them no points on the order (ROMS awards them at confirmation, per
        whole block). They stay applicable so that their rewards can be claimed."""
        result = super()._program_check_compute_points(programs)
        for program, status in result.items():
            if not program.roms_managed:
                continue
            if not program._roms_allows_partner(self.partner_id):
                result[program] = {
                    "error": self.env._(
                        "This loyalty program is not open to this customer's category."
                    )
                }
            elif "points" in status:
                status["points"] = [0]
        return result

    def _get_reward_line_values(self, reward, coupon, **kwargs):
        if reward.reward_type == "roms_gift":
            return self._roms_get_reward_values_gift(reward, coupon)
        return super()._get_reward_line_values(reward, coupon, **kwargs)

    def _roms_get_reward_values_gift(self, reward, coupon):
        """An "other gift" reward: a free line describing the gift."""
        self.ensure_one()
        product = reward.discount_line_product_id
        return [
            {
                "name": self.env._(
                    "Gift: %(gift)s",
                    gift=reward.roms_gift_description or reward.description,
                ),
                "product_id": product.id,
                "product_uom_qty": 1,
                "product_uom": product.uom_id.id,
                "price_unit": 0,
                "reward_id": reward.id,
                "coupon_id": coupon.id,
                "points_cost": reward.required_points,
                "reward_identifier_code": _generate_random_reward_code(),
                "sequence": max(
                    self.order_line.filtered(lambda x: not x.is_reward_line).mapped(
                        "sequence"
                    ),
                    default=10,
                )
                + 1,
                "tax_id": [Command.clear()],
            }
        ]

    def _update_programs_and_rewards(self):
        # on a confirmed order, Odoo's reward lines change the cards' points
        with points_flow():
            return super()._update_programs_and_rewards()

    def _apply_program_reward(self, reward, coupon, **kwargs):
        with points_flow():
            return super()._apply_program_reward(reward, coupon, **kwargs)

    def _add_loyalty_history_lines(self):
        return super(
            SaleOrder, self.with_context(roms_history_reason="redeem")
        )._add_loyalty_history_lines()

    def _compute_loyalty_data(self):
        """Odoo's block of points on the order form sums ``issued`` and ``used``
        of the ledger: ROMS's lines leave the side they do not move empty, and
        the sum of nothing read "Used: false". Both are numbers here, under the
        program's own name for its points."""
        result = super()._compute_loyalty_data()
        cards = defaultdict(lambda: self.env["loyalty.card"])
        ids = [order_id for order_id in self.ids if order_id]
        for line in (
            self.env["loyalty.history"]
            .sudo()
            .search_fetch(
                [("order_model", "=", "sale.order"), ("order_id", "in", ids)],
                ["order_id", "card_id"],
            )
        ):
            cards[line.order_id] |= line.card_id
        for order in self:
            data = order.loyalty_data
            if not data:
                continue
            values = dict(data)
            for key in ("issued", "cost"):
                # a float, not an int: XML-RPC refuses ints past 2³¹ (the web
                # client prints 20.0 as 20 all the same)
                values[key] = float(values.get(key) or 0)
            roms_cards = cards[order.id].filtered("program_id.roms_managed")
            if roms_cards:
                names = set(roms_cards.mapped("point_name")) - {False}
                values["point_name"] = (
                    names.pop() if len(names) == 1 else self.env._("Points")
                )
            # {"cost": 0} == {"cost": False} for Python: the field would keep the
            # old value as unchanged, so it is emptied first
            order.loyalty_data = {}
            order.loyalty_data = values
        return result

    def _roms_loyalty_cards(self):
        """The ROMS cards these orders earn on or spend from."""
        return (
            self.order_line.coupon_id
            | self.coupon_point_ids.coupon_id
            | self.applied_coupon_ids
        ).filtered("program_id.roms_managed")

    def action_confirm(self):
        # spending points: lock the cards first, so that two confirmations at once
        # never spend the same points (Odoo checks the balance after this)
        self._roms_loyalty_cards().sudo()._roms_lock()
        # Odoo's loyalty flow changes the cards' points (its own point entries)
        with points_flow():
            return super().action_confirm()

    def _action_confirm(self):
        again = self.filtered("roms_new_order_done")
        result = super()._action_confirm()
        # first confirmations earn through the new-order event; a quotation
        # confirmed again after a cancellation earns what the cancellation took back
        again._roms_loyalty_award()
        self._roms_loyalty_create_gifts()
        return result

    def _roms_on_new_order(self):
        # points first: the thank-you message may show the new balance ({points})
        self._roms_loyalty_award()
        return super()._roms_on_new_order()

    def _action_cancel(self):
        confirmed = self.filtered(lambda order: order.state == "sale")
        redeemed = defaultdict(float)
        for line in confirmed.order_line:
            if (
                line.reward_id
                and line.coupon_id.program_id.roms_managed
                and line.points_cost
            ):
                redeemed[line.order_id, line.coupon_id] += line.points_cost
        cards = self.env["loyalty.card"].browse({card.id for _o, card in redeemed})
        (cards | confirmed._roms_loyalty_cards()).sudo()._roms_lock()
        # Odoo deletes the order's point entries without sudo, which only sales
        # administrators may do: a CS user could not cancel an order linked to a
        # ROMS card. Those entries never hold points (ROMS awards them), drop them.
        self.coupon_point_ids.filtered(
            lambda entry: entry.coupon_id.program_id.roms_managed and not entry.points
        ).sudo().unlink()
        with points_flow():
            result = super(
                SaleOrder, self.with_context(roms_keep_loyalty_history=True)
            )._action_cancel()
        # Odoo gave the redeemed points back to the cards: say so in the ledger
        self.env["loyalty.history"].sudo().create(
            [
                order._roms_ledger_line(card, "cancel_return", issued=points)
                for (order, card), points in redeemed.items()
                if order.state == "cancel"
            ]
        )
        cancelled = confirmed.filtered(lambda order: order.state == "cancel")
        cancelled._roms_loyalty_take_back("cancel")
        cancelled.sudo().roms_loyalty_gift_ids.filtered(
            lambda gift: gift.state == "to_hand_over"
        ).write({"state": "cancelled"})
        return result

    # ------------------------------------------------------------------
    # ROMS points: earning and taking back, every change a ledger line
    # ------------------------------------------------------------------

    def _roms_loyalty_ledger(self):
        """{(order id, program id): {"earned", "net", "owed"}} from the ledger of
        these orders. ``earned``: points earned before any reversal; ``net``: what
        is left of them after cancellations and refunds; ``owed``: points that
        could not be taken back (already spent) and are not settled yet.

        A take-back line counts ``used + roms_shortfall``; an earning line counts
        ``issued + roms_shortfall`` (the shortfall it settled)."""
        groups = (
            self.env["loyalty.history"]
            .sudo()
            ._read_group(
                [
                    ("order_model", "=", "sale.order"),
                    ("order_id", "in", self.ids),
                    ("roms_reason", "in", EARN_REASONS + TAKE_BACK_REASONS),
                ],
                groupby=["order_id", "roms_program_id", "roms_reason"],
                aggregates=["issued:sum", "used:sum", "roms_shortfall:sum"],
            )
        )
        ledger = defaultdict(lambda: {"earned": 0.0, "net": 0.0, "owed": 0.0})
        for order_id, program, reason, issued, used, shortfall in groups:
            entry = ledger[order_id, program.id]
            # in decimal: a huge order's reversal leaves exactly nothing
            if reason in ("earn", "backfill"):
                entry["earned"] = add_points(entry["earned"], issued + shortfall)
            if reason in EARN_REASONS:
                entry["net"] = add_points(entry["net"], add_points(issued, shortfall))
                entry["owed"] = add_points(entry["owed"], -shortfall)
            else:
                entry["net"] = add_points(entry["net"], -add_points(used, shortfall))
                entry["owed"] = add_points(entry["owed"], shortfall)
        return ledger

    def _roms_ledger_line(self, card, reason, refund=None, **points):
        """Values of a ROMS ledger line (``loyalty.history``) of this order on
        ``card``, for ``reason`` (of ``refund``); ``points`` holds ``issued`` or
        ``used`` and ``roms_shortfall``."""
        self.ensure_one()
        return {
            "card_id": card.id,
            "order_model": "sale.order",
            "order_id": self.id,
            "roms_reason": reason,
            "roms_refund_id": refund.id if refund else False,
            "description": self._roms_ledger_description(reason, refund),
            **points,
        }

    def _roms_ledger_description(self, reason, refund=None):
        """What a ledger line of this order says, for its ``reason``."""
        self.ensure_one()
        if reason == "refund_undo":
            return self.env._(
                "Refund %(refund)s of order %(order)s undone: points given again",
                refund=refund.name,
                order=self.name,
            )
        if reason == "refund":
            return self.env._(
                "Order %(order)s refunded (%(refund)s): points taken back",
                order=self.name,
                refund=refund.name,
            )
        if reason == "cancel":
            return self.env._(
                "Order %(order)s cancelled: points taken back", order=self.name
            )
        if reason == "cancel_return":
            return self.env._(
                "Order %(order)s cancelled: redeemed points returned",
                order=self.name,
            )
        return self.env._("Order %(order)s: points earned", order=self.name)

    def _roms_loyalty_credit(self, entries, reason, refund=None):
        """Add points to cards, each a ledger line: ``entries`` is a list of
        (order, card, points, owed); the order's unsettled shortfall ``owed`` is
        settled first, the rest goes onto the card."""
        history = []
        for order, card, points, owed in entries:
            settled = min(points, max(owed, 0.0))
            issued = add_points(points, -settled)
            if issued:
                card._roms_add_points(issued)
            history.append(
                order._roms_ledger_line(
                    card, reason, refund=refund, issued=issued, roms_shortfall=settled
                )
            )
        self.env["loyalty.history"].sudo().create(history)

    def _roms_loyalty_award(self, reason="earn"):
        """Give these confirmed orders' customers the points of every ROMS program
        that applies on the order's own date, minus what the ledger shows the
        order already earned: running it again never awards twice."""
        orders = self.filtered(lambda order: order.state == "sale" and order.partner_id)
        if not orders:
            return
        Program = self.env["loyalty.program"].sudo()
        Card = self.env["loyalty.card"].sudo()
        ledger = orders._roms_loyalty_ledger()
        to_award = []
        for order in orders:
            day = fields.Date.context_today(order, order.date_order)
            programs = Program.search(Program._roms_program_domain(order, day))
            for program in programs:
                points = program._roms_order_points(order)
                entry = ledger.get((order.id, program.id), {"net": 0.0, "owed": 0.0})
                missing = float_round(points - entry["net"], precision_digits=2)
                if missing > 0:
                    to_award.append((order, program, missing, entry["owed"]))
        if not to_award:
            return
        keys = {(order.partner_id.id, program.id) for order, program, *_r in to_award}
        cards = Card.search(
            [
                ("partner_id", "in", list({partner for partner, _p in keys})),
                ("program_id", "in", list({program for _p, program in keys})),
            ]
        )
        card_of = {(card.partner_id.id, card.program_id.id): card for card in cards}
        missing_cards = sorted(keys - set(card_of))
        if missing_cards:
            new_cards = Card.with_context(loyalty_no_mail=True).create(
                [
                    {"partner_id": partner_id, "program_id": program_id, "points": 0}
                    for partner_id, program_id in missing_cards
                ]
            )
            card_of.update(
                {(card.partner_id.id, card.program_id.id): card for card in new_cards}
            )
        Card.browse([card.id for card in card_of.values()])._roms_lock()
        self._roms_loyalty_credit(
            [
                (order, card_of[order.partner_id.id, program.id], points, owed)
                for order, program, points, owed in to_award
            ],
            reason,
        )

    def _roms_loyalty_take_back(self, reason, ratio=1.0, refund=None):
        """Take back the points these orders earned: all that is left of them
        (``ratio`` 1), or ``ratio`` of what they earned (a refund), never more than
        what is left. A card never goes below zero: what was already spent is
        recorded on the ledger line as the shortfall."""
        wanted = {}
        for (order_id, program_id), entry in self._roms_loyalty_ledger().items():
            net = entry["net"]
            points = (
                net if ratio >= 1 else min(net, float_round(entry["earned"] * ratio, 0))
            )
            if points > 0:
                wanted[order_id, program_id] = points
        if not wanted:
            return
        orders = self.browse({order_id for order_id, _program in wanted})
        partner_of = {order.id: order.partner_id.id for order in orders}
        cards = (
            self.env["loyalty.card"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", list(set(partner_of.values()))),
                    ("program_id", "in", list({p for _o, p in wanted})),
                ]
            )
        )
        cards._roms_lock()
        card_of = {(card.partner_id.id, card.program_id.id): card for card in cards}
        history = []
        for (order_id, program_id), points in wanted.items():
            card = card_of.get((partner_of[order_id], program_id))
            if not card:
                continue
            taken = max(min(points, card.points), 0.0)
            if taken:
                card._roms_add_points(-taken)
            history.append(
                self.browse(order_id)._roms_ledger_line(
                    card,
                    reason,
                    refund=refund,
                    used=taken,
                    roms_shortfall=add_points(points, -taken),
                )
            )
        self.env["loyalty.history"].sudo().create(history)

    def _roms_loyalty_restore_refund(self, refund):
        """A refund was undone: the order earns again what the refund took back.
        What it could not take (already spent) only settles that shortfall."""
        self.ensure_one()
        if self.state != "sale":
            return
        groups = (
            self.env["loyalty.history"]
            .sudo()
            ._read_group(
                [
                    ("roms_refund_id", "=", refund.id),
                    ("roms_reason", "in", ("refund", "refund_undo")),
                ],
                groupby=["card_id", "roms_reason"],
                aggregates=["issued:sum", "used:sum", "roms_shortfall:sum"],
            )
        )
        owed = defaultdict(float)
        for card, reason, issued, used, shortfall in groups:
            if reason == "refund":
                owed[card] += used + shortfall
            else:
                owed[card] -= issued + shortfall
        ledger = self._roms_loyalty_ledger()
        entries = []
        for card, points in owed.items():
            if float_compare(points, 0, precision_digits=2) <= 0:
                continue
            card._roms_lock()
            unsettled = ledger.get((self.id, card.program_id.id), {"owed": 0.0})
            entries.append((self, card, points, unsettled["owed"]))
        self._roms_loyalty_credit(entries, "refund_undo", refund=refund)

    def _roms_loyalty_create_gifts(self):
        """One gift to hand over per confirmed "other gift" reward line."""
        lines = self.filtered(lambda order: order.state == "sale").order_line.filtered(
            lambda line: line.reward_id.reward_type == "roms_gift" and line.coupon_id
        )
        if not lines:
            return
        done = set(
            self.env["roms.loyalty.gift"]
            .sudo()
            .search([("order_line_id", "in", lines.ids)])
            .order_line_id.ids
        )
        self.env["roms.loyalty.gift"].sudo().create(
            [
                {
                    "name": line.reward_id.roms_gift_description
                    or line.reward_id.description,
                    "card_id": line.coupon_id.id,
                    "partner_id": line.order_id.partner_id.id,
                    "reward_id": line.reward_id.id,
                    "order_id": line.order_id.id,
                    "order_line_id": line.id,
                    "points": line.points_cost,
                }
                for line in lines
                if line.id not in done
            ]
        )

    # ------------------------------------------------------------------
    # Redemption on a quotation (backend reward button, portal)
    # ------------------------------------------------------------------

    def _roms_loyalty_reserved(self, card):
        """Points of ``card`` already promised on other open quotations."""
        self.ensure_one()
        groups = (
            self.env["sale.order.line"]
            .sudo()
            ._read_group(
                [
                    ("coupon_id", "=", card.id),
                    ("order_id", "!=", self.id),
                    ("order_id.state", "in", ("draft", "sent")),
                ],
                aggregates=["points_cost:sum"],
            )
        )
        return groups[0][0] if groups else 0.0

    def _roms_loyalty_redeemable(self):
        """{reward: card} of the ROMS rewards the customer can still afford on
        this quotation: the card's points, minus what this quotation and their
        other open quotations already spend."""
        self.ensure_one()
        order = self.sudo()
        if order.state not in ("draft", "sent") or not order.partner_id:
            return {}
        cards = (
            self.env["loyalty.card"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", order.partner_id.id),
                    ("program_id.roms_managed", "=", True),
                    ("points", ">", 0),
                ]
            )
        )
        program_domain = order._get_program_domain()
        applied = order.order_line.reward_id
        result = {}
        for card in cards:
            program = card.program_id
            if not program.filtered_domain(program_domain):
                continue
            if not program._roms_allows_partner(order.partner_id):
                continue
            available = order._get_real_points_for_coupon(
                card
            ) - order._roms_loyalty_reserved(card)
            for reward in program.reward_ids:
                if reward.reward_type == "discount" and reward in applied:
                    continue
                if available >= reward.required_points:
                    result[reward] = card
        return result

    def _roms_product_lines(self):
        # reward lines follow the products; a cart, a reorder or a refund never
        # asks for them
        return super()._roms_product_lines().filtered(lambda line: not line.reward_id)

    def _roms_cart_changed(self):
        result = super()._roms_cart_changed()
        if self.order_line.filtered("reward_id"):
            # a percentage follows the new total; a reward no longer valid goes
            self._update_programs_and_rewards()
        return result

    def _roms_cart_reprice(self):
        # Odoo drops a reward the card no longer covers (points taken back since
        # it was redeemed): the reseller would pay the full price unawares
        rewards = self.order_line.reward_id.filtered("program_id.roms_managed")
        result = super()._roms_cart_reprice()
        lost = rewards - self.order_line.reward_id
        if lost:
            raise UserError(
                self.env._(
                    "Your points no longer cover %(rewards)s: take it off the cart "
                    "to order without it.",
                    rewards=", ".join(lost.mapped("description")),
                )
            )
        return result

    def _roms_loyalty_unredeem(self, line):
        """Take the ROMS reward of ``line`` off this quotation: its points are
        free again."""
        self.ensure_one()
        order = self.sudo()
        line = line.sudo()
        if (
            order.state not in ("draft", "sent")
            or line.order_id != order
            or not line.reward_id.program_id.roms_managed
        ):
            raise UserError(self.env._("This reward cannot be taken off this order."))
        # Odoo removes the reward's lines together (same reward code)
        line.unlink()
        return True

    def _roms_loyalty_redeem(self, reward):
        """Redeem ``reward`` on this quotation, with the card locked: never more
        than the balance, even with two redemptions at once."""
        self.ensure_one()
        order = self.sudo()
        if order.state not in ("draft", "sent"):
            raise UserError(self.env._("Points can only be redeemed on a quotation."))
        card = (
            self.env["loyalty.card"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", order.partner_id.id),
                    ("program_id", "=", reward.program_id.id),
                ],
                limit=1,
            )
        )
        if not card or not reward.program_id.roms_managed:
            raise UserError(self.env._("You have no points for this reward."))
        card._roms_lock(touch=True)
        if order._roms_loyalty_redeemable().get(reward) != card:
            raise UserError(
                self.env._(
                    "You do not have enough points for %(reward)s.",
                    reward=reward.description,
                )
            )
        order._update_programs_and_rewards()
        error = order._apply_program_reward(reward, card).get("error")
        if error:
            raise UserError(error)
        order._update_programs_and_rewards()
        return True
