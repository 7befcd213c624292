import base64

from odoo.tests import TransactionCase, tagged

from .common_livechat import LivechatCase
from .fake_providers import FakeMetaCloud, png_bytes


@tagged("post_install", "-at_install")
class TestLivechatReply(LivechatCase, TransactionCase):
    """Agents' replies leave through the conversation's account (a real HTTP fake of
    the Cloud API on loopback) and carry their delivery state."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_livechat()
        cls.meta = FakeMetaCloud()
        cls.addClassCleanup(cls.meta.stop)
        Account = cls.env["roms.whatsapp.account"]
        Account.search([]).write({"active": False})
        cls.account = Account.create(
            cls.meta.account_values("Meta live chat", state="connected")
        )
        cls.account._set_state("connected")  # only connected accounts send

    def setUp(self):
        super().setUp()
        self.meta.requests.clear()

    def test_reply_goes_out_with_variables_and_ticks(self):
        channel = self.conversation(self.receive("081277771001"))
        agent = channel.roms_agent_id
        reply = channel.with_user(agent).message_post(
            body="Halo {customer_name}, stok ready", message_type="comment"
        )
        self.assertIn("Halo Budi123, stok ready", reply.body)
        sent = self.meta.sent("/messages")
        self.assertEqual(len(sent), 1)
        payload = sent[0].json
        self.assertEqual(payload["to"], "6281277771001")
        self.assertEqual(payload["type"], "text")
        self.assertEqual(payload["text"]["body"], "Halo Budi123, stok ready")
        outbound = reply.roms_message_id
        self.assertEqual(outbound.state, "sent")
        self.assertTrue(outbound.provider_message_id)
        self.assertEqual(reply._roms_wa_ticks_values()["roms_wa_state"], "sent")
        # receipts move the ticks, never back
        Message = self.env["roms.message"]
        Message._apply_status(outbound.provider_message_id, "read")
        Message._apply_status(outbound.provider_message_id, "delivered")
        self.assertEqual(reply._roms_wa_ticks_values()["roms_wa_state"], "read")

    def test_image_reply(self):
        channel = self.conversation(self.receive("081277771002"))
        agent = channel.roms_agent_id
        image = (
            self.env["ir.attachment"]
            .with_user(agent)
            .create(
                {
                    "name": "foto.png",
                    "datas": base64.b64encode(png_bytes()),
                    "mimetype": "image/png",
                    "res_model": "discuss.channel",
                    "res_id": channel.id,
                }
            )
        )
        reply = channel.with_user(agent).message_post(
            body="", attachment_ids=image.ids, message_type="comment"
        )
        self.assertEqual(reply.roms_message_id.attachment_ids, image)
        self.assertEqual(reply.roms_message_id.state, "sent")
        kinds = [r.json["type"] for r in self.meta.sent("/messages")]
        self.assertEqual(kinds, ["image"])

    def test_reply_outside_24h_window_fails_visibly(self):
        channel = self.conversation(self.receive("081277771003"))
        channel.roms_last_inbound_at = "2020-01-01 00:00:00"
        reply = channel.with_user(channel.roms_agent_id).message_post(
            body="Masih ada?", message_type="comment"
        )
        self.assertFalse(self.meta.sent("/messages"))
        self.assertEqual(reply.roms_message_id.state, "failed")
        ticks = reply._roms_wa_ticks_values()
        self.assertEqual(ticks["roms_wa_state"], "failed")
        self.assertTrue(ticks["roms_wa_error"])


@tagged("post_install", "-at_install")
class TestLivechatQuickReplies(TransactionCase):
    def test_quick_reply_templates_are_canned_responses(self):
        Template = self.env["roms.message.template"]
        template = Template.create(
            {
                "name": "Stok Ready",
                "template_type": "quick_reply",
                "body": "Stok ready kak {customer_name}",
            }
        )
        canned = template.roms_canned_response_id
        self.assertEqual(canned.source, "stok-ready")
        self.assertEqual(canned.substitution, "Stok ready kak {customer_name}")
        self.assertEqual(canned.group_ids, self.env.ref("roms_crm.group_roms_cs"))
        template.write({"roms_shortcut": "ready", "body": "Ready kak"})
        self.assertEqual((canned.source, canned.substitution), ("ready", "Ready kak"))
        other = Template.create(
            {"name": "Promo", "template_type": "broadcast", "body": "Promo!"}
        )
        self.assertFalse(other.roms_canned_response_id)
        template.template_type = "greeting"
        self.assertFalse(canned.exists())
        template.template_type = "quick_reply"
        canned = template.roms_canned_response_id
        self.assertTrue(canned)
        template.unlink()
        self.assertFalse(canned.exists())
