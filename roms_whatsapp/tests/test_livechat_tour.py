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
        message = self.receive("081277776543", body="Halo kak, kopi gayo ready?")
        channel = self.conversation(message)
        self.assertFalse(channel.roms_agent_id, "nobody is online yet")

        self.start_tour("/odoo/discuss", "roms_whatsapp_livechat", login=cs1.login)

        self.assertTrue(cs1.roms_online)
        self.assertEqual(channel.roms_agent_id, cs1)
        replies = self.env["mail.message"].search(
            [
                ("model", "=", "discuss.channel"),
                ("res_id", "=", channel.id),
                ("roms_wa_direction", "=", "out"),
            ],
            order="id",
        )
        self.assertEqual(len(replies), 2)
        self.assertIn("Stok ready kak Budi123", replies[0].body)
        self.assertEqual(replies[0].author_id, cs1.partner_id)
        self.assertEqual(replies[1].attachment_ids.name, "foto-produk.png")
        self.assertEqual(replies.roms_message_id.mapped("state"), ["sent", "sent"])
        # both left through the (fake) Cloud API, as text then image
        sent = [r.json for r in self.meta.sent("/messages")]
        self.assertEqual([p["type"] for p in sent], ["text", "image"])
        self.assertEqual(sent[0]["to"], "6281277776543")
        self.assertIn("Stok ready kak Budi123", sent[0]["text"]["body"])
