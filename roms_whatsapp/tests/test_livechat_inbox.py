from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged

from .common_livechat import LivechatCase


@tagged("post_install", "-at_install")
class TestLivechatInboxViews(LivechatCase, TransactionCase):
    """The inbox views of Discuss's WhatsApp section: their counts and
    conversations, the same as the ROMS list's filters."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_livechat()
        Channel = cls.env["discuss.channel"]
        Channel.search([("channel_type", "=", "roms_whatsapp")]).unlink()

    def test_views_and_counts(self):
        mine = self.conversation(self.receive("081277772001"))
        other = self.conversation(self.receive("081277772002"))
        self.assertEqual((mine | other).roms_agent_id, self.agent_a | self.agent_b)
        if mine.roms_agent_id != self.agent_a:
            mine, other = other, mine
        (self.agent_a | self.agent_b).roms_online = False
        waiting = self.conversation(self.receive("081277772003"))
        done = self.conversation(self.receive("081277772004"))
        done._roms_wa_set_status("resolved")
        Channel = self.env["discuss.channel"].with_user(self.agent_a)
        expected = {
            "unassigned": waiting,
            "mine": mine,
            "open": mine | other | waiting,
            "resolved": done,
        }
        for view, chats in expected.items():
            inbox = Channel.roms_wa_inbox(view)
            self.assertEqual(set(inbox["ids"]), set(chats.ids), view)
            # the conversations come as Discuss store data (members of them or not)
            stored = {t["id"] for t in inbox["store"]["discuss.channel"]}
            self.assertEqual(stored, set(chats.ids), view)
            self.assertEqual(
                inbox["counts"],
                {"unassigned": 1, "mine": 1, "open": 3, "resolved": 1},
            )
            # the ROMS list opened from the section shows the same
            action = Channel.roms_wa_inbox_action(view)
            filters = [
                key.removeprefix("search_default_")
                for key in action["context"]
                if key.startswith("search_default_")
            ]
            self.assertTrue(filters)
        # the agent B's own view
        inbox = Channel.with_user(self.agent_b).roms_wa_inbox("mine")
        self.assertEqual(inbox["ids"], other.ids)
        self.assertEqual(inbox["counts"]["mine"], 1)
        with self.assertRaises(UserError):
            Channel.roms_wa_inbox("everything")
        clerk = self.env["res.users"].create(
            {"name": "Clerk", "login": "roms_inbox_clerk"}
        )
        with self.assertRaises(AccessError):
            Channel.with_user(clerk).roms_wa_inbox("open")


@tagged("post_install", "-at_install")
class TestLivechatMerge(LivechatCase, TransactionCase):
    """One conversation per customer number and account: older threads of the
    same number (another format of it, or no account) are merged into it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_livechat()
        Account = cls.env["roms.whatsapp.account"]
        (Account.search([]) - cls.account).write({"active": False})
        cls.account._set_state("connected")

    def _old_thread(self, number, account, body, partner):
        chat = self.env["discuss.channel"].create(
            {
                "name": f"Budi ({number})",
                "channel_type": "roms_whatsapp",
                "roms_account_id": account.id if account else False,
                "roms_partner_id": partner.id,
                "roms_wa_number": number,
                "channel_member_ids": [Command.create({"partner_id": partner.id})],
            }
        )
        chat.message_post(
            author_id=partner.id,
            body=body,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            roms_wa_direction="in",
        )
        return chat

    def test_merged_threads(self):
        partner = self.env["res.partner"].create(
            {"name": "Budi", "mobile": "+6281277773001"}
        )
        Label = self.env["roms.whatsapp.label"]
        komplain, reseller = Label.create([{"name": "Komplain"}, {"name": "Reseller"}])
        # two older threads: no account, and the number as the customer typed it
        no_account = self._old_thread("+6281277773001", False, "Pesan 1", partner)
        no_account.roms_label_ids = komplain
        typed = self._old_thread("081277773001", self.account, "Pesan 2", partner)
        typed.write({"roms_note": "Suka kopi gayo", "roms_label_ids": reseller.ids})
        typed.roms_agent_id = self.agent_c
        current = self.conversation(self.receive("081277773001", "Pesan 3"))
        self.assertNotIn(current, no_account | typed)
        # an older thread's resolved episode (the agents' figures) is kept
        episode = self.env["roms.whatsapp.episode"].create(
            {"channel_id": typed.id, "resolution_minutes": 12.0}
        )
        Channel = self.env["discuss.channel"]
        # a CS agent may not merge; an administrator may
        with self.assertRaises(AccessError):
            Channel.with_user(self.agent_a).action_roms_merge_duplicates()
        result = Channel.with_user(self.admin).action_roms_merge_duplicates()
        self.assertEqual(result["params"]["type"], "success")

        self.assertFalse((no_account | typed).exists(), "merged away: shown once")
        self.assertEqual(episode.channel_id, current, "its figures kept")
        chats = Channel.search(
            [
                ("channel_type", "=", "roms_whatsapp"),
                ("roms_partner_id", "=", partner.id),
            ]
        )
        self.assertEqual(chats, current)
        # every message moved, in order, and a line says what happened
        messages = self.env["mail.message"].search(
            [("model", "=", "discuss.channel"), ("res_id", "=", current.id)],
            order="id",
        )
        bodies = [m.body.striptags() for m in messages if m.message_type == "comment"]
        self.assertEqual(bodies, ["Pesan 1", "Pesan 2", "Pesan 3"])
        self.assertIn("merged", messages[-1].body.striptags())
        self.assertEqual(current.roms_label_ids, komplain | reseller)
        self.assertEqual(current.roms_note, "Suka kopi gayo")
        self.assertEqual(current.roms_account_id, self.account)
        self.assertEqual(current.roms_wa_number, "+6281277773001")
        # nothing left to merge; new messages keep to the one conversation
        self.assertEqual(Channel._roms_wa_merge_duplicates(), 0)
        again = self.conversation(self.receive("+62 812-7777-3001", "Pesan 4"))
        self.assertEqual(again, current)


@tagged("post_install", "-at_install")
class TestLivechatWindowAndPanel(LivechatCase, TransactionCase):
    """On the Cloud API (a real HTTP fake on loopback): free text is refused once
    the 24-hour window is closed and an approved template goes instead; the
    panel's actions send the last order's status and the customer's link as
    normal replies, through the queue with their delivery state."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_livechat()
        cls._setup_meta_account("Meta inbox")
        cls.product = cls.env["product.product"].create(
            {"name": "Kopi Gayo 250 g", "list_price": 85000, "type": "consu"}
        )

    def setUp(self):
        super().setUp()
        self.meta.requests.clear()

    def _order(self, partner, confirm=True):
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [Command.create({"product_id": self.product.id})],
            }
        )
        if confirm:
            order.action_confirm()
        return order

    def _replies(self, channel):
        return self.env["mail.message"].search(
            [
                ("model", "=", "discuss.channel"),
                ("res_id", "=", channel.id),
                ("roms_wa_direction", "=", "out"),
            ],
            order="id",
        )

    def test_free_text_refused_outside_the_window_template_sent(self):
        channel = self.conversation(self.receive("081277774001"))
        agent = channel.roms_agent_id
        order = self._order(channel.roms_partner_id)
        channel.roms_last_inbound_at = "2020-01-01 00:00:00"
        Template = self.env["roms.message.template"]
        approved = Template.create(
            {
                "name": "Follow up",
                "template_type": "broadcast",
                "body": "Halo {customer_name}, pesanan {order_number} "
                "sudah kami terima",
                "roms_meta_template_name": "follow_up",
            }
        )
        unmapped = Template.create(
            {"name": "Promo", "template_type": "broadcast", "body": "Promo kak"}
        )
        outbound_before = self.env["roms.message"].search_count([])
        with self.assertRaises(UserError):
            channel.with_user(agent).message_post(
                body="Masih ada?", message_type="comment"
            )
        self.assertFalse(self._replies(channel), "nothing written")
        self.assertEqual(self.env["roms.message"].search_count([]), outbound_before)
        self.assertFalse(self.meta.sent("/messages"))

        templates = channel.with_user(agent).roms_wa_templates()
        self.assertIn(approved.id, [t["id"] for t in templates])
        self.assertNotIn(unmapped.id, [t["id"] for t in templates])
        preview = next(t for t in templates if t["id"] == approved.id)["preview"]
        self.assertEqual(
            preview, f"Halo Budi123, pesanan {order.name} sudah kami terima"
        )
        # hostile payloads: refused, nothing written
        for bad in (unmapped.id, str(approved.id), True, None, -1):
            with self.assertRaises(UserError):
                channel.with_user(agent).roms_wa_send_template(bad)
        self.assertFalse(self._replies(channel))

        channel.with_user(agent).roms_wa_send_template(approved.id)
        reply = self._replies(channel)
        self.assertEqual(len(reply), 1)
        self.assertEqual(reply.author_id, agent.partner_id)
        self.assertIn(f"pesanan {order.name}", reply.body)
        outbound = reply.roms_message_id
        self.assertEqual(outbound.template_id, approved)
        self.assertEqual(outbound.state, "sent")
        self.assertEqual(reply._roms_wa_ticks_values()["roms_wa_state"], "sent")
        sent = self.meta.sent("/messages")
        self.assertEqual(len(sent), 1)
        payload = sent[0].json
        self.assertEqual(payload["type"], "template")
        self.assertEqual(payload["template"]["name"], "follow_up")
        params = payload["template"]["components"][0]["parameters"]
        self.assertEqual([p["text"] for p in params], ["Budi123", order.name])
        self.assertEqual(channel.roms_status, "pending")

    def test_send_last_order_status(self):
        channel = self.conversation(self.receive("081277774002"))
        agent = channel.roms_agent_id
        with self.assertRaises(UserError):
            channel.with_user(agent).roms_wa_send_order_status()
        self.assertFalse(self._replies(channel), "no order: nothing sent")
        courier = self.env["roms.courier"].create(
            {
                "name": "JNE Test",
                "code": "jnetest",
                "tracking_url": "https://track.example.com/{resi}",
            }
        )
        self._order(channel.roms_partner_id)
        order = self._order(channel.roms_partner_id)
        order.write(
            {
                "roms_courier_id": courier.id,
                "roms_tracking_number": "JNE123456",
                "roms_stage": "shipped",
            }
        )
        result = channel.with_user(agent).roms_wa_send_order_status()
        reply = self._replies(channel)
        self.assertEqual(len(reply), 1)
        # the client shows it at once, with its delivery state
        self.assertEqual(result["message_id"], reply.id)
        stored = {m["id"]: m for m in result["store"]["mail.message"]}
        self.assertEqual(stored[reply.id]["roms_wa_state"], "sent")
        text = reply.body.striptags()
        stage = dict(
            order._fields["roms_stage"]._description_selection(
                self.env(context={"lang": channel._roms_wa_shop_lang()})
            )
        )["shipped"]
        for part in (order.name, stage, "JNE123456", order.roms_tracking_link):
            self.assertIn(part, text)
        self.assertEqual(reply.author_id, agent.partner_id)
        # the normal reply path: the queue, sent, with its ticks
        self.assertEqual(reply.roms_message_id.kind, "chat")
        self.assertEqual(reply.roms_message_id.state, "sent")
        self.assertEqual(reply._roms_wa_ticks_values()["roms_wa_state"], "sent")
        sent = self.meta.sent("/messages")
        self.assertEqual(len(sent), 1)
        self.assertIn("JNE123456", sent[0].json["text"]["body"])
        self.assertIn(order.roms_tracking_link, sent[0].json["text"]["body"])

    def test_send_portal_link(self):
        channel = self.conversation(self.receive("081277774003"))
        agent = channel.roms_agent_id
        with self.assertRaises(UserError):
            channel.with_user(agent).roms_wa_send_portal_link()
        self.assertFalse(self._replies(channel))
        order = self._order(channel.roms_partner_id, confirm=False)
        channel.with_user(agent).roms_wa_send_portal_link()
        reply = self._replies(channel)
        self.assertEqual(len(reply), 1)
        # the order's portal page, signed with its access token
        self.assertTrue(order.access_token)
        link = f"/my/orders/{order.id}?access_token={order.access_token}"
        self.assertIn(link, reply.body)
        self.assertEqual(reply.roms_message_id.state, "sent")
        self.assertIn(link, self.meta.sent("/messages")[0].json["text"]["body"])
        # a reseller with portal access gets the catalogue
        partner = channel.roms_partner_id
        partner.roms_category = "reseller"
        self.env["res.users"].create(
            {
                "name": partner.name,
                "login": "roms_inbox_reseller",
                "partner_id": partner.id,
                "groups_id": [Command.set([self.env.ref("base.group_portal").id])],
            }
        )
        channel.with_user(agent).roms_wa_send_portal_link()
        self.assertIn("/my/catalog", self._replies(channel)[-1].body)
        # only the conversation's CS team
        clerk = self.env["res.users"].create(
            {"name": "Clerk", "login": "roms_panel_clerk"}
        )
        with self.assertRaises(AccessError):
            channel.with_user(clerk).roms_wa_send_portal_link()

    def test_quick_replies_for_the_picker(self):
        channel = self.conversation(self.receive("081277774004"))
        Template = self.env["roms.message.template"]
        ready = Template.create(
            {"name": "Ready", "template_type": "quick_reply", "body": "Stok ready"}
        )
        replies = channel.with_user(channel.roms_agent_id).roms_wa_quick_replies()
        first = replies[0]
        self.assertTrue(first["quick_reply"])
        expected = {"id": ready.id, "name": "Ready", "body": "Stok ready"}
        # a quick reply is inserted as text, not sent as an interactive message
        self.assertIn({**expected, "quick_reply": True, "interactive": False}, replies)
