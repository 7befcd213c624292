import json

from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, tagged

from odoo.addons.roms_loyalty.models.loyalty_card import add_points

from .common import RomsLoyaltyCase


@tagged("post_install", "-at_install")
class TestEarning(RomsLoyaltyCase):
    def test_spend_counts_whole_blocks(self):
        for amount, points in ((99999, 0), (100000, 10), (250000, 20)):
            partner = self.customer.copy({"name": f"Spend {amount}"})
            order = self._order(partner, amount)
            self.assertEqual(self._points(partner), points, f"Rp {amount}")
            earned = self.env["loyalty.history"].search(
                [("order_id", "=", order.id), ("roms_reason", "=", "earn")]
            )
            self.assertEqual(sum(earned.mapped("issued")), points)
            if points:
                self.assertEqual(earned.roms_program_id, self.program)
                self.assertEqual(earned.roms_partner_id, partner)
                self.assertEqual(earned.create_uid, self.env.user)
            self.assertEqual(partner.roms_loyalty_points, points)
        self.assertLedgerMatches()

    def test_order_form_points_are_numbers(self):
        """The order form's points block (sale_loyalty's loyalty_data) read
        "Used: false": ROMS's earning lines leave ``used`` empty."""
        self.program.portal_point_name = "Poin"
        order = self._order(self.customer, 250000)
        order.invalidate_recordset(["loyalty_data"])
        self.assertEqual(
            order.loyalty_data, {"point_name": "Poin", "issued": 20, "cost": 0}
        )
        # what the web client reads (False would print "false")
        self.assertEqual(
            json.dumps(order.loyalty_data, sort_keys=True),
            '{"cost": 0.0, "issued": 20.0, "point_name": "Poin"}',
        )
        # an order outside ROMS's programs keeps Odoo's block as it was
        plain = self._quote(self.customer, [(self.product_b, 1, 20000)])
        self.assertFalse(plain.loyalty_data)

    def test_extreme_order_earns_points(self):
        """An order of Rp 2,5 × 10³⁴ confirms and earns its (huge) points: the
        ledger's decimal sums once raised InvalidOperation past 28 digits."""
        self.assertEqual(add_points(0, 2.5e29), 2.5e29)
        self.assertEqual(add_points(1.5e300, 1), 1.5e300)
        order = self._order(self.customer, 2.5e34)
        self.assertEqual(order.state, "sale")
        self.assertAlmostEqual(self._points(self.customer) / 2.5e30, 1, places=9)

    def test_preview_sample_has_points(self):
        template = self.env["roms.message.template"].new(
            {"name": "Saldo", "body": "Poin {customer_name}: {points}"}
        )
        self.assertEqual(template.preview, "Poin Budi Santoso: 120")
        template.preview_partner_id = self.customer
        self.assertEqual(template.preview, "Poin Budi Loyal: 0")

    def test_odoo_gives_no_points_of_its_own(self):
        """Odoo's engine would give 25 points for Rp 250,000 (proportional): the
        quotation carries none, the confirmed order exactly the ROMS 20."""
        self.program.rule_ids.roms_per_amount = 10000
        self.program.rule_ids.reward_point_amount = 1
        self._give_points(self.customer, 10)
        quote = self._quote(self.customer, [(self.product_a, 1, 255000)])
        quote._update_programs_and_rewards()
        self.assertFalse(sum(quote.coupon_point_ids.mapped("points")))
        quote.action_confirm()
        self.assertEqual(self._points(self.customer), 10 + 25)
        self.assertLedgerMatches(self.customer)

    def test_product_rule_counts_groups_of_units(self):
        program = self._make_program(
            name="Poin Kopi",
            rules=[
                {
                    "reward_point_mode": "unit",
                    "reward_point_amount": 10,
                    "roms_per_qty": 2,
                    "minimum_qty": 0,
                    "product_ids": [Command.set((self.product_a | self.product_b).ids)],
                }
            ],
        )
        self.program.active = False
        self._order(self.customer, lines=[(self.product_a, 3, 1000)])
        self.assertEqual(self._points(self.customer, program), 10)
        # several products: each product's units count on their own
        self._order(
            self.customer, lines=[(self.product_a, 4, 1000), (self.product_b, 3, 1000)]
        )
        self.assertEqual(self._points(self.customer, program), 10 + 20 + 10)
        other = self.env["product.product"].create({"name": "Not in the rule"})
        self._order(self.customer, lines=[(other, 10, 1000)])
        self.assertEqual(self._points(self.customer, program), 40)
        self.assertLedgerMatches(self.customer)

    def test_tax_included_is_a_program_setting(self):
        tax = self.env["account.tax"].create(
            {"name": "PPN 11% test", "amount": 11, "amount_type": "percent"}
        )

        def order_with_tax(partner):
            quote = self._quote(partner, [(self.product_a, 1, 95000)])
            quote.order_line.tax_id = tax
            quote.action_confirm()
            self.assertAlmostEqual(quote.amount_total, 105450)

        order_with_tax(self.customer)
        self.assertEqual(self._points(self.customer), 10)
        self.program.roms_tax_included = False
        order_with_tax(self.reseller)
        self.assertEqual(self._points(self.reseller), 0)

    def test_category_restriction(self):
        self.program.roms_category_ids = self.env.ref(
            "roms_crm.roms_customer_category_reseller"
        ) | self.env.ref("roms_crm.roms_customer_category_agent")
        self._order(self.customer, 300000)
        self._order(self.reseller, 300000)
        self.assertFalse(self._card(self.customer))
        self.assertEqual(self._points(self.reseller), 30)
        # Odoo's engine agrees: the customer cannot claim the program's rewards
        self._give_points(self.customer, 200)
        quote = self._quote(self.customer, [(self.product_a, 1, 100000)])
        status = quote._program_check_compute_points(self.program)[self.program]
        self.assertIn("error", status)
        quote._update_programs_and_rewards()
        self.assertFalse(quote._get_claimable_rewards())
        self.assertFalse(quote._roms_loyalty_redeemable())
        # a customer who becomes a reseller takes part from then on
        self.customer.roms_category = "reseller"
        self.assertIn(self.tier_5, quote._roms_loyalty_redeemable())

    def test_date_window(self):
        self.program.write({"date_from": "2026-03-10", "date_to": "2026-03-20"})
        expected = {
            "2026-03-09": 0,
            "2026-03-10": 10,
            "2026-03-20": 10,
            "2026-03-21": 0,
        }
        for day, points in expected.items():
            partner = self.customer.copy({"name": f"Window {day}"})
            with freeze_time(f"{day} 05:00:00"):
                self._order(partner, 100000)
            self.assertEqual(self._points(partner), points, day)

    def test_several_programs_at_once(self):
        program = self._make_program(
            name="Poin Pesanan",
            rules=[{"reward_point_mode": "order", "reward_point_amount": 3}],
        )
        self._order(self.customer, 200000)
        self.assertEqual(self._points(self.customer), 20)
        self.assertEqual(self._points(self.customer, program), 3)
        self.assertEqual(self.customer.roms_loyalty_points, 23)
        self.assertLedgerMatches(self.customer)

    def test_api_order_earns_points(self):
        product = self.env["product.product"].create(
            {"name": "Kopi API Loyal", "default_code": "LOYAL-API", "list_price": 0}
        )
        status, payload = self.env["roms.api"]._api_create(
            {
                "external_id": "WC-LOYAL-1",
                "source": "woocommerce",
                "customer": {"name": "Dewi API", "phone": "0812-7000-9988"},
                "lines": [{"sku": "LOYAL-API", "quantity": 3, "price_unit": 100000}],
            }
        )
        self.assertEqual(status, 201)
        order = self.env["sale.order"].browse(payload["id"])
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.order_line.product_id, product)
        points = order.amount_total // 100000 * 10
        self.assertTrue(points)
        self.assertEqual(self._points(order.partner_id), points)

    def test_program_form_explains_the_rules(self):
        # a new loyalty program from ROMS's menu is a ROMS program
        programs = self.env["loyalty.program"].with_context(roms_loyalty_program=True)
        with Form(programs) as form:
            form.name = "Poin Baru"
            form.program_type = "loyalty"
        program = form.record
        self.assertTrue(program.roms_managed)
        program.rule_ids = [
            Command.clear(),
            Command.create(
                {
                    "reward_point_mode": "money",
                    "reward_point_amount": 10,
                    "roms_per_amount": 100000,
                }
            ),
            Command.create(
                {
                    "reward_point_mode": "unit",
                    "reward_point_amount": 10,
                    "roms_per_qty": 2,
                    "product_ids": [Command.set(self.product_a.ids)],
                }
            ),
        ]
        summary = program.roms_earning_summary
        self.assertIn("earns 10 points; only whole blocks count", summary)
        self.assertIn("tax included", summary)
        self.assertIn("Each 2 × the same product among Kopi Loyal A", summary)
        self.assertIn("Runs always", summary)
        program.roms_tax_included = False
        self.assertIn("tax excluded", program.roms_earning_summary)

    def test_award_queries_do_not_grow_with_history(self):
        """Earning on a new order costs the same whatever the customer's history."""

        def queries_to_confirm(partner):
            quote = self._quote(partner, [(self.product_a, 1, 300000)])
            quote._roms_loyalty_award()  # nothing: still a quotation
            self.env.flush_all()
            self.env.invalidate_all()
            quote.write({"state": "sale"})
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            quote._roms_loyalty_award()
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

        newcomer = self.customer.copy({"name": "Newcomer"})
        regular = self.customer.copy({"name": "Regular"})
        self._order(newcomer, 100000)
        for _i in range(8):
            self._order(regular, 100000)
        self.assertEqual(queries_to_confirm(newcomer), queries_to_confirm(regular))
        self.assertEqual(self._points(regular), 80 + 30)
