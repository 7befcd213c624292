"""The results of reminders, broadcasts and cart recovery on a fixed data set:
orders attributed (ordered through the message) or influenced (within the
attribution days after it), cancelled and unconfirmed orders left out, another
customer's order never counted, and the same figures in the message results, the
reminder funnel and the dashboard."""

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import RomsReportsCase

FIELDS = [
    "sent_count:sum",
    "delivered_count:sum",
    "read_count:sum",
    "clicked_count:sum",
    "attributed_count:sum",
    "influenced_count:sum",
    "attributed_amount:sum",
    "influenced_amount:sum",
    "amount:sum",
    "conversion:avg",
]
# Friday 6 March 2026, 17:00 in Jakarta; the week began on Monday 2 March
NOW = "2026-03-06 10:00:00"


@tagged("post_install", "-at_install")
class TestMessageResults(RomsReportsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        template = (
            env["roms.message.template"]
            .sudo()
            .create({"name": "Hasil Uji", "template_type": "reminder", "body": "Hai"})
        )
        Rule = env["roms.reminder.rule"].sudo()
        cls.coffee_rule, cls.sugar_rule = Rule.create(
            [
                {
                    "name": "Kopi Hasil",
                    "days_after_delivery": 20,
                    "template_id": template.id,
                    "company_id": cls.company.id,
                },
                {
                    "name": "Gula Hasil",
                    "days_after_delivery": 30,
                    "template_id": template.id,
                    "company_id": cls.company.id,
                },
            ]
        )
        cls.promo = (
            env["roms.broadcast"]
            .sudo()
            .create(
                {"name": "Promo Maret", "body": "Promo!", "company_id": cls.company.id}
            )
        )
        with freeze_time(NOW):
            cls.ana, cls.budi, cls.citra, cls.dodi, cls.eka = (
                cls.customer(name) for name in ("Ana", "Budi", "Citra", "Dodi", "Eka")
            )
            # reminders and the broadcast (UTC)
            cls.m_ana = cls.message(
                cls.ana,
                "2026-03-02 03:00:00",
                "read",
                rule=cls.coffee_rule,
                delivered_at="2026-03-02 03:01:00",
                read_at="2026-03-02 03:30:00",
                clicked_at="2026-03-02 04:00:00",
            )
            cls.m_budi = cls.message(
                cls.budi, "2026-03-02 03:00:00", "delivered", rule=cls.coffee_rule
            )
            cls.m_citra_promo = cls.message(
                cls.citra, "2026-03-03 03:00:00", "sent", broadcast=cls.promo
            )
            cls.m_citra = cls.message(
                cls.citra, "2026-03-05 03:00:00", "sent", rule=cls.sugar_rule
            )
            # a reminder that failed influences nothing
            cls.m_dodi = cls.message(
                cls.dodi, "2026-03-05 03:00:00", "failed", rule=cls.sugar_rule
            )
            # Ana orders through her reminder's link, then again 4 days later
            # (influenced), then 8 days later (too late)
            cls.o_link = cls.order(cls.ana, 150000, "2026-03-02 05:00:00")
            cls.assert_attributed(cls.o_link, cls.m_ana, "reorder_link")
            cls.order(cls.ana, 50000, "2026-03-06 03:00:00")
            cls.order(cls.ana, 20000, "2026-03-10 03:00:00")
            # Budi's order is cancelled; his quotation from the button is not
            # confirmed: neither counts
            cls.order(cls.budi, 80000, "2026-03-03 03:00:00")._action_cancel()
            quotation = env["sale.order"].create(
                {
                    "partner_id": cls.budi.id,
                    "order_line": [
                        Command.create({"product_id": cls.product.id, "price_unit": 9})
                    ],
                }
            )
            cls.assert_attributed(quotation, cls.m_budi, "reply_button")
            # Citra: after the broadcast, then after her reminder (the latest)
            cls.order(cls.citra, 30000, "2026-03-04 03:00:00")
            cls.order(cls.citra, 40000, "2026-03-06 03:00:00")
            # Dodi after his failed reminder, Eka (no message) right after Ana's
            cls.order(cls.dodi, 60000, "2026-03-06 03:00:00")
            cls.o_eka = cls.order(cls.eka, 99000, "2026-03-02 06:00:00")

    @classmethod
    def message(cls, partner, sent_at, state, rule=None, broadcast=None, **values):
        return (
            cls.env["roms.message"]
            .sudo()
            .create(
                {
                    "partner_id": partner.id,
                    "kind": "broadcast" if broadcast else "reminder",
                    "reminder_rule_id": rule.id if rule else False,
                    "broadcast_id": broadcast.id if broadcast else False,
                    "body": "Hai",
                    "state": state,
                    "sent_at": sent_at if state != "failed" else False,
                    **values,
                }
            )
        )

    @classmethod
    def assert_attributed(cls, order, message, how):
        assert order._roms_attribute_to_message(message, how)

    def rows(self, groupby):
        """{group value (a record id for a many2one): figures} of the report."""
        self.env.flush_all()
        groups = self.env["roms.message.result.report"].read_group(
            [], FIELDS, [groupby], lazy=False
        )
        return {
            group[groupby][0]
            if isinstance(group[groupby], (list, tuple))
            else group[groupby]: self.figures(group)
            for group in groups
        }

    @staticmethod
    def figures(group):
        return (
            group["sent_count"],
            group["delivered_count"],
            group["read_count"],
            group["clicked_count"],
            group["attributed_count"],
            group["influenced_count"],
            group["attributed_amount"],
            group["influenced_amount"],
            group["amount"],
            group["conversion"],
        )

    def test_results_per_reminder_rule(self):
        rows = self.rows("reminder_rule_id")
        self.assertEqual(
            rows,
            {
                # sent, delivered, read, clicked, attributed, influenced,
                # attributed revenue, influenced revenue, revenue, conversion
                self.coffee_rule.id: (2, 2, 1, 1, 1, 1, 150000, 50000, 200000, 50.0),
                self.sugar_rule.id: (1, 0, 0, 0, 0, 1, 0, 40000, 40000, 100.0),
                # the broadcast's row: no rule
                False: (1, 0, 0, 0, 0, 1, 0, 30000, 30000, 100.0),
            },
        )

    def test_results_per_broadcast_and_kind(self):
        broadcasts = self.rows("broadcast_id")
        self.assertEqual(
            broadcasts[self.promo.id], (1, 0, 0, 0, 0, 1, 0, 30000, 30000, 100.0)
        )
        kinds = self.rows("kind")
        self.assertEqual(set(kinds), {"reminder", "broadcast"})
        self.assertEqual(kinds["reminder"][8], 240000)

    def test_per_message_rows(self):
        self.env.flush_all()
        rows = self.env["roms.message.result.report"].search([])
        self.assertEqual(
            {r.message_id: (r.order_count, r.amount) for r in rows},
            {
                self.m_ana: (2, 200000),
                self.m_budi: (0, 0),
                self.m_citra_promo: (1, 30000),
                self.m_citra: (1, 40000),
            },
            "one row per message sent; the failed reminder is none",
        )

    def test_another_customers_order_is_never_attributed(self):
        self.assertFalse(
            self.o_eka._roms_attribute_to_message(self.m_ana, "reorder_link")
        )
        rows = self.env.execute_query(self.env["sale.order"]._roms_attribution_sql())
        attributed = {row[0]: row[5] for row in rows}
        self.assertNotIn(self.o_eka.id, attributed)
        self.assertEqual(attributed[self.o_link.id], self.m_ana.id)

    def test_the_attribution_days_setting(self):
        self.env["ir.config_parameter"].sudo().set_param("roms_crm.attribution_days", 2)
        rows = self.rows("reminder_rule_id")
        # Ana's order 4 days after her reminder is no longer influenced by it
        self.assertEqual(
            rows[self.coffee_rule.id], (2, 2, 1, 1, 1, 0, 150000, 0, 150000, 50.0)
        )
        self.assertEqual(rows[self.sugar_rule.id][5], 1, "1 day after: influenced")

    def test_the_reminder_funnel_counts_the_same(self):
        self.env.flush_all()
        rows = self.env["roms.reminder.funnel.report"].search(
            [("rule_id", "in", (self.coffee_rule | self.sugar_rule).ids)]
        )
        self.assertEqual(
            [
                (
                    r.rule_id,
                    r.failed_count,
                    r.sent_count,
                    r.clicked_count,
                    r.reorder_count,
                    r.attributed_count,
                    r.influenced_count,
                    r.conversion,
                    r.reorder_amount,
                )
                for r in rows
            ],
            [
                (self.coffee_rule, 0, 2, 1, 2, 1, 1, 50.0, 200000),
                (self.sugar_rule, 1, 1, 0, 1, 0, 1, 100.0, 40000),
            ],
        )

    def test_dashboard_reminder_sales_this_week(self):
        with freeze_time(NOW):
            reminders = self.env["roms.dashboard"].get_dashboard_data()["reminders"]
        # Ana's order from the link and 4 days later, Citra's after her reminder;
        # not the broadcast's, the cancelled, the quotation, Dodi's or Eka's
        self.assertEqual(
            (reminders["count"], reminders["attributed"], reminders["sales"]),
            (3, 1, 240000),
        )
        self.assertEqual(reminders["action"]["res_model"], "roms.message.result.report")
        # next Monday starts a new week
        with freeze_time("2026-03-09 01:00:00"):
            reminders = self.env["roms.dashboard"].get_dashboard_data()["reminders"]
        self.assertEqual(reminders["count"], 0)

    def test_report_query_count_does_not_grow(self):
        Report = self.env["roms.message.result.report"]
        fields = FIELDS
        Report.read_group([], fields, ["reminder_rule_id"])  # warm up
        self.env.invalidate_all()
        with self.assertQueryCount(REPORT_QUERIES):
            Report.read_group([], fields, ["reminder_rule_id"])
        with freeze_time(NOW):
            for index in range(10):
                partner = self.customer(f"Extra {index}")
                message = self.message(
                    partner, "2026-03-02 03:00:00", "sent", rule=self.coffee_rule
                )
                order = self.order(partner, 1000, "2026-03-03 03:00:00")
                if index % 2:
                    order._roms_attribute_to_message(message, "reorder_link")
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(REPORT_QUERIES):
            groups = Report.read_group([], fields, ["reminder_rule_id"])
        coffee = next(
            group
            for group in groups
            if group["reminder_rule_id"]
            and group["reminder_rule_id"][0] == self.coffee_rule.id
        )
        self.assertEqual(coffee["sent_count"], 12)

    def test_customer_service_sees_no_reminder_sales(self):
        cs = self.owner.copy({"login": "roms_results_cs"})
        cs.groups_id = [
            Command.set(
                [
                    self.env.ref("base.group_user").id,
                    self.env.ref("roms_crm.group_roms_cs").id,
                ]
            )
        ]
        with freeze_time(NOW):
            data = self.env["roms.dashboard"].with_user(cs).get_dashboard_data()
        self.assertIsNone(data["reminders"])


# one read_group of the report, whatever the data: the grouped query, and the
# rules' names for the groups
REPORT_QUERIES = 2
