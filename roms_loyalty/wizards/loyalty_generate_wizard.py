from odoo import models

from ..models.loyalty_card import points_flow


class LoyaltyGenerateWizard(models.TransientModel):
    _inherit = "loyalty.generate.wizard"

    def generate_coupons(self):
        # coupons of Odoo's programs with their granted points, as in Odoo; ROMS
        # points are earned on orders or adjusted by an administrator
        if self.program_id.roms_managed:
            return super().generate_coupons()
        with points_flow():
            return super().generate_coupons()
