"""A transfer proof the customer sends in the chat, attached by the agent to one
of the customer's orders awaiting payment in one click."""

import io

from PIL import Image

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.roms_crm.tests.common import make_order

from .common_livechat import LivechatCase


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(buffer, format="PNG")
    return buffer.getvalue()


@tagged("post_install", "-at_install")
class TestPaymentProofFromChat(LivechatCase, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_livechat()
        cls.product = cls.env["product.product"].create(
            {"name": "Kopi Bukti", "list_price": 90000, "taxes_id": [Command.clear()]}
        )

    def test_agent_attaches_the_last_photo(self):
        channel = self.conversation(self.receive("081277770011", body="Halo"))
        agent = channel.roms_agent_id
        customer = channel.roms_partner_id
        order = make_order(self.env, customer, self.product, stage="pending")
        others = make_order(
            self.env, self.env["res.partner"].create({"name": "Lain"}), self.product
        )
        data = channel.with_user(agent).roms_wa_panel_data()
        self.assertFalse(data["has_proof"], "no picture yet")
        with self.assertRaises(UserError):
            channel.with_user(agent).roms_wa_attach_payment_proof(order.id)

        attachment = self.env["ir.attachment"].create(
            {"name": "bukti.png", "raw": png_bytes(), "mimetype": "image/png"}
        )
        self.receive("081277770011", attachment_ids=[attachment.id])
        data = channel.with_user(agent).roms_wa_panel_data()
        self.assertTrue(data["has_proof"])
        self.assertEqual(
            [o["awaits_payment"] for o in data["orders"] if o["id"] == order.id],
            [True],
        )
        # only the customer's own orders
        with self.assertRaises(UserError):
            channel.with_user(agent).roms_wa_attach_payment_proof(others.id)
        confirmation_id = channel.with_user(agent).roms_wa_attach_payment_proof(
            order.id
        )
        confirmation = self.env["roms.payment.confirmation"].browse(confirmation_id)
        self.assertEqual(confirmation.order_id, order)
        self.assertEqual(confirmation.source, "whatsapp")
        self.assertEqual(confirmation.state, "submitted")
        self.assertEqual(confirmation.proof_mimetype, "image/png")
        self.assertEqual(confirmation.amount, 90000)
        self.assertFalse(
            self.env["roms.payment.confirmation"].search([("order_id", "=", others.id)])
        )
        # verified: the order is paid, nothing more to attach
        confirmation.action_verify()
        self.assertEqual(order.roms_payment_status, "paid")
        self.assertEqual(order.roms_stage, "processed")
        with self.assertRaises(UserError):
            channel.with_user(agent).roms_wa_attach_payment_proof(order.id)
