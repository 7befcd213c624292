from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import RomsLoyaltyCase


@tagged("post_install", "-at_install")
class TestMultiCompany(RomsLoyaltyCase):
    def test_company_b_sees_no_gift_of_company_a(self):
        reward = self.env["loyalty.reward"].create(
            {
                "program_id": self.program.id,
                "reward_type": "roms_gift",
                "roms_gift_description": "Tumbler",
                "required_points": 100,
            }
        )
        self._give_points(self.customer, 150)
        quote = self._quote(self.customer, [(self.product_b, 1, 20000)])
        quote._roms_loyalty_redeem(reward)
        quote.action_confirm()
        gift = quote.roms_loyalty_gift_ids
        self.assertEqual(gift.company_id, self.env.company)
        company_b = self.env["res.company"].create({"name": "Toko Cabang B"})
        groups = "base.group_user,roms_crm.group_roms_admin"
        user_a, user_b = (
            new_test_user(
                self.env,
                login,
                groups=groups,
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
            )
            for login, company in (
                ("roms_gift_a", self.env.company),
                ("roms_gift_b", company_b),
            )
        )
        Gift = self.env["roms.loyalty.gift"]
        self.assertEqual(Gift.with_user(user_a).search([("id", "=", gift.id)]), gift)
        self.assertFalse(Gift.with_user(user_b).search([("id", "=", gift.id)]))
