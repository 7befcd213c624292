from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.roms_crm.tools import bounds

from ..models.loyalty_card import add_points

# The largest adjustment one action may make (points, either way): beyond is a
# typing error. A setting.
MAX_ADJUST_PARAM = "roms_loyalty.limit_max_adjust_points"
MAX_ADJUST_DEFAULT = 1_000_000.0


class RomsLoyaltyAdjust(models.TransientModel):
    """An administrator adds or takes points on a customer's card, with a reason:
    the ledger gets a line, the card its new balance. The only way points change
    besides orders."""

    _name = "roms.loyalty.adjust"
    _description = "Adjust Loyalty Points"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    program_id = fields.Many2one(
        "loyalty.program",
        required=True,
        domain=[("program_type", "=", "loyalty")],
    )
    card_id = fields.Many2one(
        "loyalty.card",
        compute="_compute_card_id",
        store=True,
        readonly=False,
        help="The customer's card of the program; made when they have none yet.",
    )
    balance = fields.Float(related="card_id.points", string="Current Balance")
    amount = fields.Float(
        string="Points",
        required=True,
        help="Points to add (positive) or to take (negative).",
    )
    # required in the form; checked (with its length) when applied
    reason = fields.Char(
        help="Why the points change: kept on the customer's points ledger.",
    )
    new_balance = fields.Float(compute="_compute_new_balance")

    @api.model
    def _action_open(self, card_id=None, partner_id=None):
        """The Adjust Points dialog for a card, or a customer's ROMS card."""
        context = {"default_card_id": card_id} if card_id else {}
        if partner_id:
            context["default_partner_id"] = partner_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Adjust Points"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": context,
        }

    @api.model_create_multi
    def create(self, vals_list):
        # control characters (NUL among them: the database refuses it) out at
        # once; the length is checked when the adjustment is applied
        for vals in vals_list:
            if isinstance(vals.get("reason"), str):
                vals["reason"] = bounds.clean_text(
                    vals["reason"], len(vals["reason"]) + 1
                )
        return super().create(vals_list)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        card = self.env["loyalty.card"].browse(values.get("card_id"))
        if card:
            values.setdefault("partner_id", card.partner_id.id)
            values.setdefault("program_id", card.program_id.id)
        elif values.get("partner_id") and not values.get("program_id"):
            cards = self.env["loyalty.card"].search(
                [
                    ("partner_id", "=", values["partner_id"]),
                    ("program_id.program_type", "=", "loyalty"),
                ]
            )
            programs = cards.program_id or self.env["loyalty.program"].search(
                [("program_type", "=", "loyalty")]
            )
            if len(programs) == 1:
                values["program_id"] = programs.id
        return values

    @api.depends("partner_id", "program_id")
    def _compute_card_id(self):
        for wizard in self:
            wizard.card_id = (
                self.env["loyalty.card"].search(
                    [
                        ("partner_id", "=", wizard.partner_id.id),
                        ("program_id", "=", wizard.program_id.id),
                    ],
                    limit=1,
                )
                if wizard.partner_id and wizard.program_id
                else False
            )

    @api.depends("balance", "amount")
    def _compute_new_balance(self):
        for wizard in self:
            try:
                wizard.new_balance = add_points(wizard.balance, wizard.amount)
            except (ArithmeticError, ValueError):
                wizard.new_balance = wizard.balance

    def _checked(self):
        """(amount, reason) within bounds, or a ValidationError."""
        self.ensure_one()
        limit = self.env["ir.config_parameter"]._roms_param(
            MAX_ADJUST_PARAM, MAX_ADJUST_DEFAULT
        )
        try:
            amount = bounds.finite_number(
                self.amount, "amount", label=self.env._("Points")
            )
            reason = bounds.clean_text(
                self.reason,
                bounds.NOTE_LENGTH,
                "reason",
                required=True,
                label=self.env._("Reason"),
            )
        except bounds.BoundsError as error:
            raise ValidationError(str(error)) from error
        amount = add_points(0, amount)
        if not amount:
            raise ValidationError(self.env._("Enter the points to add or to take."))
        if abs(amount) > limit:
            raise ValidationError(
                self.env._(
                    "One adjustment changes at most %(limit)s points.",
                    limit=bounds._num(limit),
                )
            )
        return amount, reason

    def action_apply(self):
        self.ensure_one()
        if not self.program_id.roms_managed:
            raise UserError(self.env._("Only ROMS loyalty cards are adjusted here."))
        card = self.card_id.sudo()
        if not card:
            card = (
                self.env["loyalty.card"]
                .sudo()
                .with_context(loyalty_no_mail=True)
                .create(
                    {
                        "partner_id": self.partner_id.id,
                        "program_id": self.program_id.id,
                        "points": 0,
                    }
                )
            )
        if (
            card.partner_id != self.partner_id
            or card.program_id != self.program_id
            or not card.program_id.roms_managed
        ):
            raise UserError(self.env._("Only ROMS loyalty cards are adjusted here."))
        if not self.env["loyalty.card"]._roms_points_admin():
            raise UserError(self.env._("Only an administrator adjusts points."))
        amount, reason = self._checked()
        card._roms_lock()
        if add_points(card.points, amount) < 0:
            raise ValidationError(
                self.env._(
                    "The card has %(points)s points: at most that can be taken.",
                    points=card.points,
                )
            )
        self.env["loyalty.history"].sudo().create(
            {
                "card_id": card.id,
                "roms_reason": "adjust",
                "description": reason,
                "issued": max(amount, 0.0),
                "used": max(-amount, 0.0),
            }
        )
        card._roms_add_points(amount)
        return {"type": "ir.actions.act_window_close"}
