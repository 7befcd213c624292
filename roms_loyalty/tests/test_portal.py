from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged

from .common import RomsLoyaltyCase


@tagged("post_install", "-at_install")
class TestPortal(HttpCase, RomsLoyaltyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env,
            "roms_loyal_reseller",
            password="roms_loyal_reseller",
            groups="base.group_portal",
            name="Sari Reseller Portal",
        )
        cls.portal_partner = cls.portal_user.partner_id
        cls.portal_partner.write(
            {
                "roms_category": "reseller",
                "property_product_pricelist": cls.pricelist.id,
            }
        )
        cls.stranger = cls.customer

    def _setup_points(self):
        order = self._order(self.portal_partner, 1500000)
        self.assertEqual(self._points(self.portal_partner), 150)
        quote = self._quote(self.portal_partner, [(self.product_a, 1, 100000)])
        quote.state = "sent"
        return order, quote

    def test_portal_tour_sees_points_and_redeems(self):
        _order, quote = self._setup_points()
        self.start_tour(
            "/my/points", "roms_loyalty_portal", login="roms_loyal_reseller"
        )
        reward_line = quote.order_line.filtered("reward_id")
        self.assertEqual(reward_line.reward_id, self.tier_5)
        self.assertEqual(reward_line.points_cost, 100)
        # spent at confirmation
        self.assertEqual(self._points(self.portal_partner), 150)
        quote.action_confirm()
        self.assertEqual(self._points(self.portal_partner), 50)
        self.assertLedgerMatches(self.portal_partner)

    def test_points_page_shows_only_own_points(self):
        self._setup_points()
        self._order(self.stranger, 9900000)
        self.authenticate("roms_loyal_reseller", "roms_loyal_reseller")
        response = self.url_open("/my/points")
        self.assertEqual(response.status_code, 200)
        self.assertIn("roms_points_total", response.text)
        self.assertIn(">150<", response.text)
        self.assertNotIn("990", response.text)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["roms_loyalty_points"]}
        )
        self.assertEqual(counters["roms_loyalty_points"], 150)

    def test_cannot_redeem_on_someone_elses_quotation(self):
        self._setup_points()
        self._give_points(self.stranger, 500)
        other_quote = self._quote(self.stranger, [(self.product_a, 1, 100000)])
        other_quote.state = "sent"
        self.authenticate("roms_loyal_reseller", "roms_loyal_reseller")
        response = self.url_open(
            f"/my/orders/{other_quote.id}/roms_redeem",
            data={
                "reward_id": self.tier_5.id,
                "access_token": other_quote._portal_ensure_token(),
                "csrf_token": http.Request.csrf_token(self),
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.assertFalse(other_quote.order_line.filtered("reward_id"))

    def test_redeem_error_is_shown_and_writes_nothing(self):
        _order, quote = self._setup_points()
        self.authenticate("roms_loyal_reseller", "roms_loyal_reseller")
        response = self.url_open(
            f"/my/orders/{quote.id}/roms_redeem",
            data={
                "reward_id": self.tier_20.id,
                "access_token": quote._portal_ensure_token(),
                "csrf_token": http.Request.csrf_token(self),
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("You do not have enough points", response.text)
        self.assertFalse(quote.order_line.filtered("reward_id"))
