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
            one.message_post(
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

    def resolve(self, minutes, channel, user):
        with self.at(minutes):
            channel.with_user(user).action_roms_resolve()

    def test_resolution_time_per_episode(self):
        """An episode runs from the customer's first message to the resolve; a
        reopen starts a new one; bot messages neither start nor reopen one."""
        a, b = self.agent_a, self.agent_b
        root = self.env.ref("base.partner_root")
        one = self.customer(0, "081299997101")
        self.assertEqual(one.roms_agent_id, a)
        with self.at(1):
            one.message_post(
                body="Terima kasih, agen kami segera membalas.",
                author_id=root.id,
                message_type="comment",
                roms_wa_direction="out",
            )
        self.reply(5, one, a)
        self.resolve(20, one, a)  # episode 1: 20 minutes
        first = one.roms_episode_id
        self.assertEqual(first.resolution_minutes, 20)
        self.assertEqual(first.agent_id, a)
        # a bot line in the resolved conversation changes nothing
        with self.at(25):
            one.message_post(
                body="Jam buka kami 08.00–17.00.",
                author_id=root.id,
                message_type="comment",
                roms_wa_direction="out",
            )
        self.assertEqual(one.roms_status, "resolved")
        self.assertEqual(one.roms_episode_id, first)
        # the customer writes again: a new episode from this message
        self.customer(30, "081299997101", body="Satu lagi kak")
        self.assertEqual(one.roms_status, "open")
        second = one.roms_episode_id
        self.assertNotEqual(second, first)
        self.reply(35, one, a)
        self.resolve(40, one, a)  # episode 2: 10 minutes
        self.assertEqual(second.resolution_minutes, 10)
        # the agent reopens and resolves again: the customer did not write, the
        # episode has no resolution time
        with self.at(50):
            one.with_user(a).action_roms_reopen()
        third = one.roms_episode_id
        self.assertNotIn(third, first | second)
        self.resolve(55, one, a)
        self.assertFalse(third.started_at)
        self.assertFalse(third.resolution_minutes)
        two = self.customer(60, "081299997102")
        self.reply(70, two, a)
        self.resolve(100, two, a)  # 40 minutes
        three = self.customer(120, "081299997103")
        three.with_user(self.admin).write({"roms_agent_id": b.id})
        # an administrator resolves b's conversation: it counts for b
        self.resolve(126, three, self.admin)
        self.env.flush_all()
        Report = self.env["roms.whatsapp.agent.report"].with_user(self.admin)
        rows = {
            row.agent_id: row
            for row in Report.search([("agent_id", "in", (a | b).ids)])
        }
        self.assertEqual(set(rows), {a, b})
        ra = rows[a]
        self.assertEqual(ra.day, date(2026, 12, 7))
        self.assertEqual(ra.resolved_count, 4)
        # 20, 10 and 40 minutes (the third episode has no time)
        self.assertAlmostEqual(ra.resolution_median, 20)
        self.assertAlmostEqual(ra.resolution_p90, 36)
        # the first responses ignore the bot: 5 and 10 minutes
        self.assertAlmostEqual(ra.first_response_median, 7.5)
        rb = rows[b]
        self.assertEqual((rb.resolved_count, rb.message_count), (1, 0))
        self.assertAlmostEqual(rb.resolution_median, 6)
        # the next day's resolve counts on its own day, for the agent of then
        self.customer(24 * 60, "081299997103", body="Besok lagi")
        self.resolve(24 * 60 + 90, three, self.admin)
        self.env.flush_all()
        later = Report.search(
            [("agent_id", "=", three.roms_agent_id.id), ("day", "=", "2026-12-08")]
        )
        self.assertEqual(later.resolved_count, 1)
        self.assertAlmostEqual(later.resolution_median, 90)
