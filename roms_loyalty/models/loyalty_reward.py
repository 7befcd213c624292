from odoo import api, fields, models


class LoyaltyReward(models.Model):
    _inherit = "loyalty.reward"

    reward_type = fields.Selection(
        selection_add=[("roms_gift", "Other Gift")],
        ondelete={"roms_gift": "set default"},
    )
    roms_gift_description = fields.Char(
        string="Gift",
        translate=True,
        help="What the customer receives, in words (a trip to Bali, a phone…). "
        "Each redemption is tracked until the gift is handed over.",
    )

    @api.depends("roms_gift_description")
    def _compute_description(self):
        gifts = self.filtered(lambda reward: reward.reward_type == "roms_gift")
        for reward in gifts:
            reward.description = reward.roms_gift_description or self.env._(
                "Other gift"
            )
        return super(LoyaltyReward, self - gifts)._compute_description()
