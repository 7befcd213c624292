from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common_livechat import LivechatCase
from .fake_providers import FakeMetaCloud


@tagged("post_install", "-at_install")
class TestLivechatTour(LivechatCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.meta = FakeMetaCloud()
        cls.addClassCleanup(cls.meta.stop)

    def test_agent_goes_online_and_replies(self):
        self.env["res.users"].search([("roms_online", "=", True)]).roms_online = False
        # a CS agent of the test's own (not the demo shop's)
        cs1 = new_test_user(
            self.env, "roms_tour_cs", groups="base.group_user,roms_crm.group_roms_cs"
        )
        self.assertFalse(cs1.roms_online)
        Account = self.env["roms.whatsapp.account"]
        Account.search([]).write({"active": False})
        self.account = Account.create(
            self.meta.account_values("Meta tour", state="connected")
        )
        self.env["roms.message.template"].create(
            {
                "name": "Ready",
                "template_type": "quick_reply",
                "body": "Stok ready kak {customer_name}, silakan diorder",
            }
        )
        self.env["roms.whatsapp.label"].create({"name": "Komplain"})
        message = self.receive("081277776543", body="Halo kak, kopi gayo ready?")
        channel = self.conversation(message)
        self.assertFalse(channel.roms_agent_id, "nobody is online yet")
        product = self.env["product.product"].create(
            {"name": "Kopi Gayo 250 g", "list_price": 85000, "type": "consu"}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": channel.roms_partner_id.id,
                "order_line": [Command.create({"product_id": product.id})],
            }
        )
        order.action_confirm()
        order.write({"roms_tracking_number": "JNE777", "roms_stage": "shipped"})

        self.start_tour("/odoo/discuss", "roms_whatsapp_livechat", login=cs1.login)
        self.assertFalse(
            self.env["discuss.channel"]._roms_wa_waiting_count(), "nothing waits"
        )

        self.assertTrue(cs1.roms_online)
        self.assertEqual(channel.roms_agent_id, cs1)
        self.assertEqual(channel.roms_label_ids.mapped("name"), ["Komplain"])
        self.assertEqual(channel.roms_note, "Minta foto paket")
        self.assertTrue(channel.roms_resolved_at, "it was resolved, then reopened")
        replies = self.env["mail.message"].search(
            [
                ("model", "=", "discuss.channel"),
                ("res_id", "=", channel.id),
                ("roms_wa_direction", "=", "out"),
            ],
            order="id",
        )
        self.assertEqual(len(replies), 4)
        # the "::" shortcut, then the composer's picker
        for reply in replies[:2]:
            self.assertIn("Stok ready kak Budi123", reply.body)
        self.assertEqual(replies[0].author_id, cs1.partner_id)
        self.assertEqual(replies[2].attachment_ids.name, "foto-produk.png")
        # the panel's order status, as a reply of the agent
        self.assertIn(order.name, replies[3].body)
        self.assertIn("JNE777", replies[3].body)
        self.assertEqual(replies[3].author_id, cs1.partner_id)
        self.assertEqual(replies.roms_message_id.mapped("state"), ["sent"] * 4)
        # all left through the (fake) Cloud API
        sent = [r.json for r in self.meta.sent("/messages")]
        self.assertEqual([p["type"] for p in sent], ["text", "text", "image", "text"])
        self.assertEqual(sent[0]["to"], "6281277776543")
        self.assertIn("Stok ready kak Budi123", sent[1]["text"]["body"])
        self.assertIn("JNE777", sent[3]["text"]["body"])


@tagged("post_install", "-at_install")
class TestDeliveryTour(LivechatCase, HttpCase):
    """Honest delivery at 1440×900: a refusal of the (fake) Cloud API shows as
    failed with its reason and Retry sends it; a disconnected account is said in
    the composer and its reply fails at once."""

    browser_size = "1440x900"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.meta = FakeMetaCloud()
        cls.addClassCleanup(cls.meta.stop)
        cls.meta_down = FakeMetaCloud(phone_number_id="5550001")
        cls.addClassCleanup(cls.meta_down.stop)

    def test_failed_reply_then_retry_and_disconnected_account(self):
        self.env["res.users"].search([("roms_online", "=", True)]).roms_online = False
        cs1 = new_test_user(
            self.env, "roms_tour_cs2", groups="base.group_user,roms_crm.group_roms_cs"
        )
        cs1.roms_online = True
        Account = self.env["roms.whatsapp.account"]
        Account.search([]).write({"active": False})
        up = Account.create(self.meta.account_values("Meta up"))
        up._set_state("connected")
        down = Account.create(
            self.meta_down.account_values("Meta down", is_default=False)
        )
        down._set_state("connected")
        refused = self.conversation(
            self.receive("081277775001", "Halo, pesanan saya?", "Rina", account=up)
        )
        waiting = self.conversation(
            self.receive("081277775002", "Kapan dikirim?", "Joko", account=down)
        )
        self.assertEqual((refused | waiting).roms_agent_id, cs1)
        down._set_state("disconnected", "token_expired")
        self.meta.fail_next(*self.meta.invalid_number()[:2], path_contains="/messages")

        self.start_tour("/odoo/discuss", "roms_whatsapp_delivery", login=cs1.login)

        replies = self.env["mail.message"].search(
            [("roms_wa_direction", "=", "out"), ("author_id", "=", cs1.partner_id.id)],
            order="id",
        )
        self.assertEqual(replies.mapped("res_id"), [refused.id, waiting.id])
        self.assertEqual(replies.roms_message_id.mapped("state"), ["sent", "failed"])
        self.assertEqual(replies[1].roms_message_id.error_code, "disconnected")
        # the refused one went out twice (refusal, retry), the other never
        self.assertEqual(len(self.meta.sent("/messages")), 2)
        self.assertFalse(self.meta_down.sent("/messages"))
