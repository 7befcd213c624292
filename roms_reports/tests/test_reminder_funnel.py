from freezegun import freeze_time

from odoo.tests import tagged

from .common import RomsReportsCase


@tagged("post_install", "-at_install")
class TestReminderFunnel(RomsReportsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        template = (
            cls.env["roms.message.template"]
            .sudo()
            .create(
                {"name": "Pengingat Uji", "template_type": "reminder", "body": "Halo!"}
            )
        )
        Rule = cls.env["roms.reminder.rule"].sudo()
        cls.coffee, cls.sugar = Rule.create(
            [
                {
                    "name": "Kopi Uji",
                    "days_after_delivery": 20,
                    "template_id": template.id,
                },
                {
                    "name": "Gula Uji",
                    "days_after_delivery": 30,
                    "template_id": template.id,
                },
            ]
        )
        customers = [
            cls.customer(f"Funnel {i}", email=f"f{i}@example.com") for i in range(5)
        ]
        Message = cls.env["roms.message"].sudo()

        def reminder(rule, partner, sent_at, state="sent"):
            Message.create(
                {
                    "partner_id": partner.id,
                    "kind": "reminder",
                    "reminder_rule_id": rule.id,
                    "body": "Halo!",
                    "state": state,
                    "sent_at": sent_at,
                }
            )

        with freeze_time("2026-03-18 05:00:00"):
            # coffee: four reminders; customer 0 orders twice within the 7
            # attribution days (both influenced), customers 1 and 2 after 13 and
            # 15 days (too late)
            reminder(cls.coffee, customers[0], "2026-02-01 03:00:00")
            reminder(cls.coffee, customers[1], "2026-02-01 03:00:00", state="read")
            reminder(cls.coffee, customers[2], "2026-02-01 03:00:00")
            reminder(cls.coffee, customers[3], "2026-02-01 03:00:00", state="delivered")
            cls.order(customers[0], 100000, "2026-02-03 03:00:00")
            cls.order(customers[0], 900000, "2026-02-05 03:00:00")
            cls.order(customers[1], 40000, "2026-02-14 03:00:00")
            cls.order(customers[2], 70000, "2026-02-16 04:00:00")
            # an order before the reminder does not count
            cls.order(customers[3], 55000, "2026-01-31 03:00:00")
            # sugar: one reminder sent and one that failed (not sent: not counted)
            reminder(cls.sugar, customers[4], "2026-03-01 03:00:00")
            reminder(cls.sugar, customers[3], "2026-03-01 03:00:00", state="failed")
            # a rule whose reminders all wait in the queue still shows its funnel;
            # a cancelled reminder does not count at all
            cls.juice = Rule.create(
                {
                    "name": "Jus Uji",
                    "days_after_delivery": 10,
                    "template_id": template.id,
                }
            )
            for partner in customers[:3]:
                reminder(cls.juice, partner, False, state="queued")
            reminder(cls.juice, customers[3], False, state="cancelled")
            # an order after a queued reminder is no re-order of it
            cls.order(customers[4], 30000, "2026-03-18 04:00:00")

    def test_funnel_per_rule(self):
        self.env.flush_all()
        rows = self.env["roms.reminder.funnel.report"].search(
            [("rule_id", "in", (self.coffee | self.sugar | self.juice).ids)]
        )
        self.assertEqual(
            [
                (
                    r.rule_id.name,
                    r.queued_count,
                    r.failed_count,
                    r.sent_count,
                    r.reorder_count,
                    r.conversion,
                    r.reorder_amount,
                )
                for r in rows
            ],
            [
                ("Kopi Uji", 0, 0, 4, 2, 25.0, 1000000),
                ("Gula Uji", 0, 1, 1, 0, 0.0, 0),
                ("Jus Uji", 3, 0, 0, 0, 0.0, 0),
            ],
        )

    def test_empty_state_explains_the_funnel(self):
        """With no reminder at all, the report says what will appear and when."""
        action = self.env.ref("roms_reports.roms_reminder_funnel_report_action").sudo()
        help_text = action.with_context(lang="en_US").help
        self.assertIn("No reminder yet", help_text)
        self.assertIn("Every hour", help_text)
        self.assertIn("attribution days", help_text)
