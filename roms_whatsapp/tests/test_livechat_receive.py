from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged

from .common_livechat import LivechatCase


@tagged("post_install", "-at_install")
class TestLivechatReceive(LivechatCase, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_livechat()

    def test_new_number_creates_lead_and_one_conversation(self):
        first = self.receive("0812-7777-0001", body="Halo, stok ada?")
        second = self.receive("+62 812 7777 0001", body="Kak?")
        channel = self.conversation(first)
        self.assertEqual(self.conversation(second), channel)
        self.assertEqual(channel.channel_type, "roms_whatsapp")
        self.assertEqual(channel.roms_wa_number, "+6281277770001")
        self.assertEqual(channel.roms_account_id, self.account)
        lead = channel.roms_partner_id
        self.assertEqual(lead.name, "Budi123")
        self.assertEqual(lead.roms_category, "lead")
        self.assertEqual(lead.roms_whatsapp_number, "+6281277770001")
        self.assertEqual(
            self.env["res.partner"].search_count(
                [("roms_whatsapp_number", "=", "+6281277770001")]
            ),
            1,
        )
        for message in first | second:
            self.assertEqual(message.author_id, lead)
            self.assertEqual(message.roms_wa_direction, "in")
            self.assertEqual(message.message_type, "comment")
        self.assertIn("stok ada", first.body)
        self.assertTrue(channel.roms_last_inbound_at)
        self.assertIn(lead, channel.channel_member_ids.partner_id)

    def test_known_customer_is_found_by_normalised_number(self):
        customer = self.env["res.partner"].create(
            {"name": "Ayu Lestari", "mobile": "0813 1111 2222"}
        )
        channel = self.conversation(self.receive("6281311112222", profile_name="ayu"))
        self.assertEqual(channel.roms_partner_id, customer)
        self.assertEqual(customer.name, "Ayu Lestari")
        self.assertIn("Ayu Lestari", channel.name)

    def test_one_conversation_per_account(self):
        other = self._make_account(self.env, "Toko Kedua")
        one = self.conversation(self.receive("081277770002"))
        two = self.conversation(self.receive("081277770002", account=other))
        self.assertNotEqual(one, two)
        self.assertEqual(one.roms_partner_id, two.roms_partner_id)

    def test_invalid_number_is_refused(self):
        count = self.env["discuss.channel"].search_count([])
        with self.assertRaises(ValidationError):
            self.receive("12")
        self.assertEqual(self.env["discuss.channel"].search_count([]), count)

    def test_attachments_are_posted(self):
        attachment = self.env["ir.attachment"].create(
            {"name": "bukti.png", "raw": b"\x89PNG fake", "mimetype": "image/png"}
        )
        message = self.receive("081277770003", attachment_ids=[attachment.id])
        self.assertEqual(message.attachment_ids, attachment)
        self.assertEqual(attachment.res_model, "discuss.channel")

    def test_agent_reply_is_outbound(self):
        channel = self.conversation(self.receive("081277770004"))
        agent = channel.roms_agent_id
        self.assertTrue(agent)
        reply = channel.with_user(agent).message_post(
            body="Ada kak", message_type="comment"
        )
        self.assertEqual(reply.roms_wa_direction, "out")
        self.assertEqual(reply.author_id, agent.partner_id)
        outbound = reply.roms_message_id
        self.assertEqual(outbound.channel, "whatsapp")
        self.assertEqual(outbound.kind, "chat")
        self.assertEqual(outbound.body, "Ada kak")
        self.assertEqual(outbound.partner_id, channel.roms_partner_id)
        self.assertEqual(outbound.recipient, "+6281277770004")
        self.assertEqual(
            (outbound.res_model, outbound.res_id), ("discuss.channel", channel.id)
        )
        # notes of the system (admin notices, joins) are not sent to the customer
        self.assertEqual(
            self.env["roms.message"].search_count(
                [("res_model", "=", "discuss.channel"), ("res_id", "=", channel.id)]
            ),
            1,
        )

    def test_panel_data_and_rename(self):
        channel = self.conversation(self.receive("081277770005"))
        agent = channel.roms_agent_id
        data = channel.with_user(agent).roms_wa_panel_data()
        self.assertEqual(data["partner"]["name"], "Budi123")
        self.assertEqual(data["partner"]["phone"], "+6281277770005")
        self.assertEqual(data["orders"], [])
        # an order placed at 01:30 in Jakarta (18:30 UTC the day before) is
        # listed on the agent's day, which the panel writes in her format
        agent.tz = "Asia/Jakarta"
        order = self.env["sale.order"].create(
            {
                "partner_id": channel.roms_partner_id.id,
                "date_order": "2026-03-02 18:30:00",
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.env["product.product"]
                            .create({"name": "Kopi Panel", "list_price": 50000})
                            .id
                        }
                    )
                ],
            }
        )
        data = channel.with_user(agent).roms_wa_panel_data()
        self.assertEqual(
            [(o["id"], o["date"]) for o in data["orders"]], [(order.id, "2026-03-03")]
        )
        data = channel.with_user(agent).roms_wa_rename_customer("Budi Santoso")
        self.assertEqual(data["partner"]["name"], "Budi Santoso")
        self.assertEqual(channel.roms_partner_id.name, "Budi Santoso")
        self.assertIn("Budi Santoso", channel.name)
