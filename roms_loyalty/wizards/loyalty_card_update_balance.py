from odoo import models

from ..models.loyalty_card import points_flow


class LoyaltyCardUpdateBalance(models.TransientModel):
    _inherit = "loyalty.card.update.balance"

    def action_update_card_point(self):
        # Odoo's own balance update writes its ledger line; on ROMS cards only an
        # administrator may use it (others use ROMS's Adjust Points)
        if self.card_id.program_id.roms_managed:
            return super().action_update_card_point()
        with points_flow():
            return super().action_update_card_point()
