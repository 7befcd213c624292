from odoo.tests import tagged

from .common import RomsLoyaltyCase


@tagged("post_install", "-at_install")
class TestPointsSummary(RomsLoyaltyCase):
    """ "Poin saya" of the WhatsApp menu bot: the balance and what it buys now."""

    def test_summary(self):
        self.assertFalse(self.customer._roms_points_summary(), "no points: no text")
        self._give_points(self.customer, 120)
        self.customer.invalidate_recordset(["roms_loyalty_points"])
        summary = self.customer._roms_points_summary()
        self.assertIn("120", summary)
        self.assertIn(self.tier_5.description, summary)
        self.assertNotIn(self.tier_20.description, summary, "500 points needed")
        self._give_points(self.customer, 400)
        self.customer.invalidate_recordset(["roms_loyalty_points"])
        summary = self.customer._roms_points_summary()
        # the dearest reward first
        self.assertLess(
            summary.index(self.tier_20.description),
            summary.index(self.tier_5.description),
        )
