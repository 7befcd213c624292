from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.tests import TransactionCase, tagged

from .common_livechat import LivechatCase

# 09:00 in Jakarta
T0 = datetime(2026, 12, 7, 2, 0, 0)


@tagged("post_install", "-at_install")
class TestLivechatMetrics(LivechatCase, TransactionCase):
    """The agents' figures on a fixed data set: first response from the customer's
    first message of the day to the first agent reply, bot messages ignored."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_livechat()
        cls.agent_b.roms_online = False
        cls.env["roms.whatsapp.account"].search([]).write({"active": False})
        cls.env.company.partner_id.tz = "Asia/Jakarta"

    def at(self, minutes):
        return freeze_time(T0 + timedelta(minutes=minutes))

    def customer(self, minutes, number, body="Halo"):
        with self.at(minutes):
            return self.conversation(self.receive(number, body=body))

    def reply(self, minutes, channel, user, body="Siap kak"):
        with self.at(minutes):
            return channel.with_user(user).message_post(
                body=body, message_type="comment"
            )

    def test_figures_per_agent_and_day(self):
        a, b = self.agent_a, self.agent_b
        one = self.customer(0, "081299997001")
        self.assertEqual(one.roms_agent_id, a)
        # a bot answers first: it does not count as a first response
        with self.at(1):
            one.with_context(roms_wa_internal=True).message_post(
                body="Terima kasih, agen kami segera membalas.",
                author_id=self.env.ref("base.partner_root").id,
                message_type="comment",
                roms_wa_direction="out",
            )
        self.customer(3, "081299997001", body="Halo?")
        self.reply(5, one, a)
        self.reply(6, one, a, body="Ada lagi kak?")
        two = self.customer(60, "081299997002")
        self.reply(80, two, a)
        three = self.customer(120, "081299997003")
        three.with_user(self.admin).write({"roms_agent_id": b.id})
        self.reply(122, three, b)
        # the next day counts apart
        self.customer(24 * 60, "081299997003", body="Besok lagi")
        self.reply(24 * 60 + 30, three, b)
        self.env.flush_all()
        Report = self.env["roms.whatsapp.agent.report"].with_user(self.admin)
        rows = {
            (row.day, row.agent_id): row
            for row in Report.search([("agent_id", "in", (a | b).ids)])
        }
        day = date(2026, 12, 7)
        self.assertEqual(set(rows), {(day, a), (day, b), (day + timedelta(1), b)})
        ra = rows[(day, a)]
        self.assertEqual((ra.conversation_count, ra.message_count), (2, 3))
        self.assertAlmostEqual(ra.first_response_median, 12.5)
        self.assertAlmostEqual(ra.first_response_p90, 18.5)
        rb = rows[(day, b)]
        self.assertEqual((rb.conversation_count, rb.message_count), (1, 1))
        self.assertAlmostEqual(rb.first_response_median, 2.0)
        self.assertAlmostEqual(rows[(day + timedelta(1), b)].first_response_median, 30)
        # pivot: one figure per agent over the period
        groups = Report.read_group(
            [("agent_id", "=", a.id)],
            ["conversation_count:sum", "first_response_median:avg"],
            ["agent_id"],
        )
        self.assertEqual(groups[0]["conversation_count"], 2)
