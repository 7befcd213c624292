from odoo.tests import Form, tagged
from odoo.tools import SQL

from ..models.loyalty_program import ROMS_PROGRAM_CONTEXT
from .common import RomsLoyaltyCase


@tagged("post_install", "-at_install")
class TestOdooProgramsKeepOdooBehaviour(RomsLoyaltyCase):
    """A shop that also runs loyalty programs of Odoo's own loyalty app: ROMS
    changes nothing in them unless the admin makes them ROMS programs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Program = cls.env["loyalty.program"]
        # Odoo's "Loyalty Card" template, as its loyalty app creates it: one point
        # per currency unit spent
        cls.odoo_program = Program.create(
            {
                **Program._get_template_values()["loyalty"],
                "name": "Odoo Loyalty Card",
                "program_type": "loyalty",
                "currency_id": cls.idr.id,
            }
        )

    def _odoo_card(self, partner):
        return self._card(partner, self.odoo_program)

    def test_program_made_in_odoo_is_not_a_roms_program(self):
        self.assertFalse(self.odoo_program.roms_managed)
        with Form(self.env["loyalty.program"]) as form:
            form.name = "From Odoo's loyalty app"
            form.program_type = "loyalty"
        self.assertFalse(form.record.roms_managed)

    def test_loyalty_program_made_from_roms_menu_is_a_roms_program(self):
        Program = self.env["loyalty.program"].with_context(
            **{ROMS_PROGRAM_CONTEXT: True}
        )
        with Form(Program) as form:
            form.name = "From ROMS"
            form.program_type = "loyalty"
        self.assertTrue(form.record.roms_managed)
        # only loyalty programs can be: a promotion made there stays Odoo's
        with Form(Program) as form:
            form.name = "Promotion from ROMS"
            form.program_type = "promotion"
        self.assertFalse(form.record.roms_managed)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "roms_loyalty.loyalty_program_action_roms"
        )
        self.assertIn(ROMS_PROGRAM_CONTEXT, action["context"])

    def test_odoo_program_earns_proportionally_next_to_roms_program(self):
        quote = self._quote(self.customer, [(self.product_a, 1, 255000)])
        quote._update_programs_and_rewards()
        quote.action_confirm()
        # Odoo's program: a point per Rupiah, on Odoo's own card and history
        self.assertEqual(self._odoo_card(self.customer).points, 255000)
        # the ROMS program: 10 points per whole Rp 100,000
        self.assertEqual(self._points(self.customer), 20)
        odoo_history = self._odoo_card(self.customer).history_ids
        self.assertEqual(odoo_history.mapped("issued"), [255000])
        self.assertFalse(odoo_history.roms_reason)
        # the customer's ROMS balance and portal count ROMS programs only
        self.assertEqual(self.customer.roms_loyalty_points, 20)
        self.assertLedgerMatches(self.customer)

        # cancelling: Odoo deletes its history line, ROMS adds a reversal line
        quote._action_cancel()
        self.assertEqual(self._odoo_card(self.customer).points, 0)
        self.assertFalse(self._odoo_card(self.customer).history_ids)
        self.assertEqual(self._points(self.customer), 0)
        reasons = self._card(self.customer).history_ids.mapped("roms_reason")
        self.assertEqual(sorted(reasons), ["cancel", "earn"])

    def test_switching_a_program_to_roms_changes_its_earning(self):
        self.odoo_program.roms_managed = True
        self.odoo_program.rule_ids.write(
            {"roms_per_amount": 100000, "reward_point_amount": 1}
        )
        self._order(self.customer, 255000)
        self.assertEqual(self._odoo_card(self.customer).points, 2)

    def test_program_existing_before_install_keeps_odoo_behaviour(self):
        """Installing roms_loyalty computes the new column for the programs already
        there, without ROMS's menu context: they stay Odoo programs."""
        program = self.odoo_program
        field = program._fields["roms_managed"]
        self.env.flush_all()
        # the column as the installation finds it: empty, to be computed
        self.env.execute_query(
            SQL(
                "UPDATE loyalty_program SET roms_managed = NULL WHERE id = %s",
                program.id,
            )
        )
        program.invalidate_recordset(["roms_managed"])
        self.env.add_to_compute(field, program)
        self.env.flush_all()
        self.assertFalse(program.roms_managed)
        order = self._order(self.customer, 120000)
        self.assertEqual(self._odoo_card(self.customer).points, order.amount_total)
