from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.tests import TransactionCase, tagged

from .common_livechat import LivechatCase
from .test_livechat_quiet import BusCase

T0 = datetime(2026, 12, 7, 9, 0, 0)


@tagged("post_install", "-at_install")
class TestLivechatReassign(BusCase, LivechatCase, TransactionCase):
    """Nobody waits forever: an unanswered chat moves on after N minutes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_livechat()
        cls.env["roms.whatsapp.account"].search([]).write({"active": False})
        cls.env["ir.config_parameter"].set_param("roms_whatsapp.reassign_minutes", "10")
        cls.Channel = cls.env["discuss.channel"]

    def receive_at(self, when, number, body="Halo kak"):
        with freeze_time(when):
            return self.conversation(self.receive(number, body=body, timestamp=when))

    def cron_at(self, when):
        with freeze_time(when):
            return self.Channel._roms_wa_cron_reassign()

    def test_unanswered_goes_to_the_next_online_agent(self):
        channel = self.receive_at(T0, "081299996001")
        first = channel.roms_agent_id
        self.assertTrue(first)
        self.cron_at(T0 + timedelta(minutes=9))
        self.assertEqual(channel.roms_agent_id, first, "not yet")
        self.assertEqual(self.cron_at(T0 + timedelta(minutes=11)), 1)
        second = channel.roms_agent_id
        self.assertTrue(second)
        self.assertNotEqual(second, first)
        self.assertEqual(
            channel.channel_member_ids.partner_id,
            channel.roms_partner_id | second.partner_id,
        )
        notice = channel.message_ids.filtered(
            lambda m: m.message_type == "notification" and "10" in m.body
        )
        self.assertEqual(len(notice), 1)
        self.assertIn(second.name, notice.body)
        # the new agent gets their own N minutes, from the reassignment
        self.assertEqual(self.cron_at(T0 + timedelta(minutes=15)), 0)
        self.assertEqual(channel.roms_agent_id, second)

    def test_answered_chat_stays(self):
        channel = self.receive_at(T0, "081299996002")
        agent = channel.roms_agent_id
        with freeze_time(T0 + timedelta(minutes=3)):
            channel.with_user(agent).message_post(
                body="Siap kak", message_type="comment"
            )
        self.assertEqual(self.cron_at(T0 + timedelta(minutes=30)), 0)
        self.assertEqual(channel.roms_agent_id, agent)
        # the customer writes again and is left unanswered: it moves then
        self.receive_at(T0 + timedelta(minutes=40), "081299996002", body="Kak?")
        self.assertEqual(self.cron_at(T0 + timedelta(minutes=45)), 0)
        self.assertEqual(self.cron_at(T0 + timedelta(minutes=51)), 1)
        self.assertNotEqual(channel.roms_agent_id, agent)

    def test_no_other_agent_back_to_unassigned_and_admins_told(self):
        self.agent_b.roms_online = False
        channel = self.receive_at(T0, "081299996003")
        self.assertEqual(channel.roms_agent_id, self.agent_a)
        self.assertEqual(self.cron_at(T0 + timedelta(minutes=11)), 1)
        self.assertFalse(channel.roms_agent_id)
        self.assertEqual(channel.channel_member_ids.partner_id, channel.roms_partner_id)
        told = self.bus_sent("roms_whatsapp/unanswered")
        self.assertIn(
            (
                ("res.partner", self.admin.partner_id.id),
                {"id": channel.id, "name": channel.name, "minutes": 10},
            ),
            told,
        )
        self.assertNotIn(
            ("res.partner", self.agent_a.partner_id.id), [t for t, _p in told]
        )
        # once unassigned, the cron leaves it alone
        self.assertEqual(self.cron_at(T0 + timedelta(minutes=30)), 0)

    def test_off_resolved_and_burst(self):
        # a burst of messages makes one conversation, reassigned once
        for second in range(5):
            channel = self.receive_at(
                T0 + timedelta(seconds=second), "081299996004", body=f"pesan {second}"
            )
        self.assertEqual(
            self.Channel.search_count([("roms_wa_number", "=", "+6281299996004")]), 1
        )
        resolved = self.receive_at(T0, "081299996005")
        resolved.with_user(resolved.roms_agent_id).action_roms_resolve()
        self.assertEqual(self.cron_at(T0 + timedelta(minutes=11)), 1)
        notices = channel.message_ids.filtered(
            lambda m: m.message_type == "notification" and "10" in m.body
        )
        self.assertEqual(len(notices), 1, "one reassignment for the whole burst")
        self.env["ir.config_parameter"].set_param("roms_whatsapp.reassign_minutes", "0")
        self.receive_at(T0 + timedelta(minutes=20), "081299996006")
        self.assertEqual(self.cron_at(T0 + timedelta(hours=5)), 0)
