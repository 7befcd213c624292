from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from .common_livechat import LivechatCase


@tagged("post_install", "-at_install")
class TestLivechatAssign(LivechatCase, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_livechat()

    def test_round_robin_over_online_agents(self):
        agents = [
            self.conversation(self.receive(f"08128888000{i}")).roms_agent_id
            for i in range(6)
        ]
        self.assertEqual(agents.count(self.agent_a), 3)
        self.assertEqual(agents.count(self.agent_b), 3)
        self.assertNotIn(self.agent_c, agents)
        # in turn, not in blocks
        self.assertNotEqual(agents[0], agents[1])
        self.assertEqual(agents[0::2], [agents[0]] * 3)
        for number, agent in zip(range(6), agents, strict=True):
            channel = self.env["discuss.channel"].search(
                [("roms_wa_number", "=", f"+628128888000{number}")]
            )
            self.assertIn(agent.partner_id, channel.channel_member_ids.partner_id)

    def test_rotation_pointer_is_stored(self):
        first = self.conversation(self.receive("081288881001")).roms_agent_id
        rotation = self.env.ref("roms_whatsapp.roms_whatsapp_rotation_main")
        self.assertEqual(rotation.last_agent_id, first)
        # a "restart": the next chat continues from the stored pointer
        self.env.invalidate_all()
        second = self.conversation(self.receive("081288881002")).roms_agent_id
        self.assertNotEqual(first, second)

    def test_nobody_online_waits_then_goes_to_first_agent_online(self):
        (self.agent_a | self.agent_b).roms_online = False
        message = self.receive("081288882001")
        channel = self.conversation(message)
        self.assertFalse(channel.roms_agent_id)
        # a system line says it waits; nobody joins or is pinged (quiet by default)
        self.assertNotIn(self.admin.partner_id, channel.channel_member_ids.partner_id)
        domain = [
            ("model", "=", "discuss.channel"),
            ("res_id", "=", channel.id),
            ("message_type", "=", "notification"),
        ]
        notice = self.env["mail.message"].search(domain)
        self.assertEqual(len(notice), 1)
        self.assertFalse(notice.roms_wa_direction)
        self.assertFalse(notice.partner_ids)
        # a second message does not say it again
        self.receive("081288882001", body="Halo?")
        self.assertEqual(self.env["mail.message"].search_count(domain), 1)
        # the first agent who goes online takes it, through the top-bar toggle
        self.agent_c.with_user(self.agent_c).roms_set_online(True)
        self.assertEqual(channel.roms_agent_id, self.agent_c)
        self.assertIn(self.agent_c.partner_id, channel.channel_member_ids.partner_id)

    def test_toggle_is_for_cs_only(self):
        clerk = self.env["res.users"].create(
            {"name": "Clerk", "login": "roms_clerk", "groups_id": []}
        )
        self.assertFalse(clerk.with_user(clerk).roms_set_online(True))
        self.assertFalse(clerk.roms_online)
        self.assertTrue(self.agent_c.with_user(self.agent_c).roms_set_online(True))
        self.assertFalse(self.agent_c.with_user(self.agent_c).roms_set_online(False))

    def test_returning_customer_goes_back_to_last_agent(self):
        with freeze_time("2026-01-05 08:00:00"):
            channel = self.conversation(self.receive("081288883001"))
            first = channel.roms_agent_id
            # another chat moves the rotation on
            self.receive("081288883002")
        with freeze_time("2026-01-06 08:00:00"):
            self.receive("081288883001", body="Mau pesan lagi")
        self.assertEqual(channel.roms_agent_id, first)

    def test_idle_conversation_of_offline_agent_is_reassigned(self):
        with freeze_time("2026-01-05 08:00:00"):
            channel = self.conversation(self.receive("081288884001"))
        first = channel.roms_agent_id
        other = (self.agent_a | self.agent_b) - first
        first.roms_online = False
        # not idle: the chat stays with its agent
        with freeze_time("2026-01-05 08:10:00"):
            self.receive("081288884001", body="Kak?")
        self.assertEqual(channel.roms_agent_id, first)
        # idle for longer than the setting: the next online agent takes it
        self.env["ir.config_parameter"].set_param("roms_whatsapp.idle_minutes", "60")
        with freeze_time("2026-01-05 09:30:00"):
            self.receive("081288884001", body="Halo??")
        self.assertEqual(channel.roms_agent_id, other)
        members = channel.channel_member_ids.partner_id
        self.assertIn(other.partner_id, members)
        self.assertNotIn(first.partner_id, members)

    def test_admin_reassigns(self):
        channel = self.conversation(self.receive("081288885001"))
        first = channel.roms_agent_id
        with self.assertRaises(AccessError):
            channel.with_user(first).write({"roms_agent_id": self.agent_c.id})
        channel.with_user(self.admin).write({"roms_agent_id": self.agent_c.id})
        self.assertEqual(channel.roms_agent_id, self.agent_c)
        members = channel.channel_member_ids.partner_id
        self.assertIn(self.agent_c.partner_id, members)
        self.assertNotIn(first.partner_id, members)

    def test_agent_takes_unassigned_chat(self):
        (self.agent_a | self.agent_b).roms_online = False
        channel = self.conversation(self.receive("081288886001"))
        self.assertFalse(channel.roms_agent_id)
        channel.with_user(self.agent_c).action_roms_assign_to_me()
        self.assertEqual(channel.roms_agent_id, self.agent_c)

    def test_my_chats_come_first(self):
        for i in range(4):
            self.receive(f"08128888700{i}")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "roms_whatsapp.discuss_channel_action_roms_whatsapp"
        )
        self.assertIn("search_default_my_chats", action["context"])
        Channel = self.env["discuss.channel"].with_user(self.agent_a)
        domain = [
            ("channel_type", "=", "roms_whatsapp"),
            ("roms_account_id", "=", self.account.id),
        ]
        self.assertEqual(len(Channel.search(domain)), 4)
        mine = Channel.search([*domain, ("roms_agent_id", "=", self.agent_a.id)])
        self.assertEqual(len(mine), 2)
        # in Discuss, an agent is a member of their own chats only
        self.assertEqual(Channel.search([*domain, ("is_member", "=", True)]), mine)
