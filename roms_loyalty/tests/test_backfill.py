from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import RomsLoyaltyCase


@tagged("post_install", "-at_install")
class TestBackfill(RomsLoyaltyCase):
    def _run(self, **vals):
        with Form(self.env["roms.loyalty.backfill"]) as form:
            for name, value in vals.items():
                setattr(form, name, value)
        return form.record.action_backfill()

    def test_backfill_awards_past_orders_at_their_own_date(self):
        self.program.active = False
        with freeze_time("2026-01-05 04:00:00"):
            january = self._order(self.customer, 300000)
        with freeze_time("2026-02-05 04:00:00"):
            february = self._order(self.customer, 200000)
        with freeze_time("2026-02-06 04:00:00"):
            february_reseller = self._order(self.reseller, 500000)
        self.assertFalse(self._card(self.customer))
        # the program started in February: January's order earns nothing
        self.program.write({"active": True, "date_from": "2026-02-01"})
        result = self._run()
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(self._points(self.customer), 20)
        self.assertEqual(self._points(self.reseller), 50)
        ledger = self.env["loyalty.history"].search(
            [
                ("roms_reason", "=", "backfill"),
                ("roms_partner_id", "in", (self.customer | self.reseller).ids),
            ]
        )
        self.assertEqual(
            sorted(ledger.mapped("order_id")),
            sorted((february | february_reseller).ids),
        )
        self.assertNotIn(january.id, ledger.mapped("order_id"))
        # running it twice changes nothing
        before = self.env["loyalty.history"].search_count([])
        self._run()
        self.assertEqual(self.env["loyalty.history"].search_count([]), before)
        self.assertEqual(self._points(self.customer), 20)
        self.assertLedgerMatches(self.customer | self.reseller)

    def test_backfill_leaves_orders_that_already_earned(self):
        order = self._order(self.customer, 300000)
        cancelled = self._order(self.customer, 300000)
        cancelled._action_cancel()
        self._run()
        self.assertEqual(self._points(self.customer), 30)
        self.assertFalse(
            self.env["loyalty.history"].search(
                [
                    ("order_id", "in", (order | cancelled).ids),
                    ("roms_reason", "=", "backfill"),
                ]
            )
        )

    def test_backfill_date_range(self):
        self.program.active = False
        with freeze_time("2026-01-05 04:00:00"):
            self._order(self.customer, 300000)
        with freeze_time("2026-03-05 04:00:00"):
            self._order(self.reseller, 300000)
        self.program.active = True
        self._run(date_from="2026-03-01", date_to="2026-03-31")
        self.assertFalse(self._card(self.customer))
        self.assertEqual(self._points(self.reseller), 30)
        with self.assertRaises(ValidationError):
            self.env["roms.loyalty.backfill"].create(
                {"date_from": "2026-03-31", "date_to": "2026-03-01"}
            )
