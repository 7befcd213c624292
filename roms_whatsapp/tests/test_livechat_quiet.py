import json

from odoo.tests import TransactionCase, tagged

from .common_livechat import LivechatCase


class BusCase:
    """Read what was sent on the bus (the notifications the web clients get)."""

    def bus_sent(self, notification_type):
        """[(target, payload)] of the notifications ``notification_type`` sent so
        far, target being (model, id) of the bus channel."""
        self.env.cr.precommit.run()
        sent = []
        for row in self.env["bus.bus"].sudo().search([], order="id"):
            message = json.loads(row.message)
            if message["type"] != notification_type:
                continue
            _db, model, res_id = json.loads(row.channel)[:3]
            sent.append(((model, res_id), message["payload"]))
        return sent

    def setUp(self):
        super().setUp()
        self.env.cr.precommit.run()
        self.env["bus.bus"].sudo().search([]).unlink()


@tagged("post_install", "-at_install")
class TestLivechatQuiet(BusCase, LivechatCase, TransactionCase):
    """Quiet by default: a WhatsApp conversation reaches its agent only, once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_livechat()
        cls.admin.roms_online = False

    def test_ten_conversations_notify_only_their_agent_once(self):
        channels = self.env["discuss.channel"]
        for i in range(10):
            number = f"08129999100{i}"
            channel = self.conversation(self.receive(number, body="Halo"))
            # a burst: more messages of the same customer
            self.receive(number, body="Kak?")
            self.receive(number, body="Ada stok?")
            channels |= channel
        self.assertEqual(len(channels), 10, "one conversation per customer")
        assigned = self.bus_sent("roms_whatsapp/assigned")
        self.assertEqual(len(assigned), 10, "exactly one notification per chat")
        self.assertEqual(
            sorted(payload["id"] for _target, payload in assigned), sorted(channels.ids)
        )
        for (model, partner_id), payload in assigned:
            channel = channels.browse(payload["id"])
            self.assertEqual(model, "res.partner")
            self.assertEqual(partner_id, channel.roms_agent_id.partner_id.id)
        # the messages' own notifications go to the conversation's members: the
        # customer and its agent, nobody else (no admin, no other agent)
        for channel in channels:
            self.assertEqual(
                channel.channel_member_ids.partner_id,
                channel.roms_partner_id | channel.roms_agent_id.partner_id,
            )
        self.assertNotIn(self.admin.partner_id, channels.channel_member_ids.partner_id)
        targets = {target for target, _payload in assigned}
        self.assertNotIn(("res.partner", self.admin.partner_id.id), targets)
        self.assertNotIn(("res.partner", self.agent_c.partner_id.id), targets)

    def test_nobody_online_nobody_joins(self):
        (self.agent_a | self.agent_b).roms_online = False
        channel = self.conversation(self.receive("081299992001"))
        self.receive("081299992001", body="Halo?")
        self.assertFalse(channel.roms_agent_id)
        self.assertEqual(channel.channel_member_ids.partner_id, channel.roms_partner_id)
        self.assertFalse(self.bus_sent("roms_whatsapp/assigned"))
        # nobody is pinged in their Discuss inbox
        self.assertFalse(
            self.env["mail.notification"].search(
                [("mail_message_id.res_id", "=", channel.id)]
            )
        )
        # the agents' waiting count follows, to every CS user (admins included)
        waiting = self.bus_sent("roms_whatsapp/waiting")
        targets = {target for target, _payload in waiting}
        for user in (self.agent_c, self.admin):
            self.assertIn(("res.partner", user.partner_id.id), targets)
        self.assertEqual(waiting[-1][1]["count"], self.waiting_count())
        status = self.agent_c.with_user(self.agent_c).roms_get_online()
        self.assertEqual(status["waiting"], self.waiting_count())
        self.assertGreaterEqual(status["waiting"], 1)
        self.assertFalse(status["online"])
        # going online takes it, and the count drops
        self.agent_c.with_user(self.agent_c).roms_set_online(True)
        self.assertEqual(channel.roms_agent_id, self.agent_c)
        self.assertEqual(
            self.bus_sent("roms_whatsapp/assigned"),
            [
                (
                    ("res.partner", self.agent_c.partner_id.id),
                    {"id": channel.id, "name": channel.name},
                )
            ],
        )
        self.assertEqual(
            self.bus_sent("roms_whatsapp/waiting")[-1][1]["count"],
            self.waiting_count(),
        )

    def waiting_count(self):
        return self.env["discuss.channel"].search_count(
            [("channel_type", "=", "roms_whatsapp"), ("roms_agent_id", "=", False)]
        )

    def test_notification_preference_is_the_users_own(self):
        agent = self.agent_a.with_user(self.agent_a)
        self.assertEqual(agent.roms_get_online()["notify"], "new_chat")
        agent.write({"roms_wa_notify": "every_message"})
        self.assertEqual(self.agent_a.roms_wa_notify, "every_message")
        self.assertEqual(agent.roms_get_online()["notify"], "every_message")
        self.assertIn("roms_wa_notify", agent.SELF_WRITEABLE_FIELDS)


@tagged("post_install", "-at_install")
class TestLivechatPresence(BusCase, LivechatCase, TransactionCase):
    """ROMS's toggle is the one "online" of the live chat, and its system messages
    speak the shop's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_livechat()
        cls.env["res.lang"]._activate_lang("id_ID")
        cls.env["ir.default"].set("res.partner", "lang", "id_ID")

    def test_presence_is_roms_toggle_not_discuss(self):
        channel = self.conversation(self.receive("081299993001"))
        agent = channel.roms_agent_id
        # Discuss sees the agent offline (no browser open): ROMS says online
        self.assertEqual(agent.partner_id.im_status, "offline")
        self.assertTrue(agent.roms_online)
        values = channel._roms_wa_store_values()
        self.assertEqual(values["roms_online_partner_ids"], agent.partner_id.ids)
        self.assertEqual(values["roms_partner_id"], channel.roms_partner_id.id)
        panel = channel.with_user(agent).roms_wa_panel_data()
        self.assertTrue(panel["agent_online"])
        # the agent goes offline: the members' list and the panel follow at once
        agent.with_user(agent).roms_set_online(False)
        self.assertEqual(channel._roms_wa_store_values()["roms_online_partner_ids"], [])
        self.assertFalse(channel.with_user(agent).roms_wa_panel_data()["agent_online"])
        pushed = [
            payload
            for target, payload in self.bus_sent("mail.record/insert")
            if target == ("discuss.channel", channel.id)
        ]
        self.assertTrue(
            any(
                thread.get("roms_online_partner_ids") == []
                for payload in pushed
                for thread in payload.get("discuss.channel", [])
            ),
            "the conversation's members were told the agent went offline",
        )

    def test_system_messages_in_the_shops_language(self):
        (self.agent_a | self.agent_b).roms_online = False
        channel = self.conversation(self.receive("081299993002"))
        notice = channel.message_ids.filtered(
            lambda m: m.message_type == "notification"
        )
        self.assertEqual(len(notice), 1)
        self.assertIn("Tidak ada agen layanan pelanggan", notice.body)
        self.assertNotIn("No customer service agent", notice.body)
        # the admin reassigns (an English-speaking admin): the old agent's leaving
        # is said in Indonesian too
        self.agent_c.roms_online = True
        self.assertEqual(channel.roms_agent_id, self.agent_c)
        self.admin.lang = "en_US"
        channel.with_user(self.admin).write({"roms_agent_id": self.agent_a.id})
        left = channel.message_ids.filtered(
            lambda m: m.author_id == self.agent_c.partner_id
        )
        self.assertEqual(len(left), 1)
        self.assertNotIn("left the channel", left.body)
        self.assertEqual(
            channel.roms_agent_id.partner_id | channel.roms_partner_id,
            channel.channel_member_ids.partner_id,
        )


@tagged("post_install", "-at_install")
class TestLivechatNewContact(LivechatCase, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_livechat()

    def test_first_time_customer_has_segments_at_once(self):
        channel = self.conversation(self.receive("081299994001", profile_name="Dewi"))
        partner = channel.roms_partner_id
        self.assertEqual(partner.roms_category, "lead")
        self.assertIn("new_member", partner.roms_segment_ids.mapped("code"))
        panel = channel.with_user(channel.roms_agent_id).roms_wa_panel_data()
        self.assertTrue(panel["partner"]["segments"])
