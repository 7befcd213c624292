from odoo import fields, models
from odoo.exceptions import UserError

GIFT_STATES = [
    ("to_hand_over", "To Hand Over"),
    ("handed_over", "Handed Over"),
    ("cancelled", "Cancelled"),
]


class RomsLoyaltyGift(models.Model):
    """An "other gift" reward a customer redeemed points for (a trip, a phone):
    tracked from the confirmed order until the shop hands it over."""

    _name = "roms.loyalty.gift"
    _description = "Loyalty Gift to Hand Over"
    _inherit = ["mail.thread"]
    _order = "create_date desc, id desc"

    name = fields.Char(string="Gift", required=True, readonly=True)
    card_id = fields.Many2one(
        "loyalty.card", string="Loyalty Card", required=True, readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True
    )
    reward_id = fields.Many2one("loyalty.reward", required=True, readonly=True)
    program_id = fields.Many2one(related="reward_id.program_id", store=True)
    order_id = fields.Many2one(
        "sale.order", required=True, readonly=True, index=True, ondelete="cascade"
    )
    order_line_id = fields.Many2one(
        "sale.order.line", readonly=True, index="btree_not_null", ondelete="set null"
    )
    points = fields.Float(string="Points Used", readonly=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True)
    state = fields.Selection(
        GIFT_STATES,
        string="Status",
        default="to_hand_over",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    handed_over_by_id = fields.Many2one("res.users", readonly=True)
    handed_over_date = fields.Datetime(string="Handed Over On", readonly=True)
    note = fields.Text()

    def action_hand_over(self):
        if any(gift.state != "to_hand_over" for gift in self):
            raise UserError(
                self.env._("Only gifts still to hand over can be handed over.")
            )
        self.write(
            {
                "state": "handed_over",
                "handed_over_by_id": self.env.user.id,
                "handed_over_date": fields.Datetime.now(),
            }
        )
        return True

    def action_reset(self):
        if any(gift.state != "handed_over" for gift in self):
            raise UserError(self.env._("Only handed over gifts can be set back."))
        self.write(
            {
                "state": "to_hand_over",
                "handed_over_by_id": False,
                "handed_over_date": False,
            }
        )
        return True
