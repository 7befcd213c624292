from odoo import api
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common_livechat import LivechatCase


@tagged("post_install", "-at_install")
class TestLivechatDirection(LivechatCase, TransactionCase):
    """The direction of a conversation's message (from the customer, or sent to
    them) is ROMS's to set: the webhook's inbound messages, the replies it sends.
    A CS agent calling the ORM as Odoo's RPC does can neither make a message look
    like the customer's nor post a reply that is not sent (or sent twice)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_livechat()
        cls._setup_meta_account("Meta direction")

    def setUp(self):
        super().setUp()
        self.meta.requests.clear()
        self.channel = self.conversation(self.receive("081277772001"))
        self.agent = self.channel.roms_agent_id
        self.customer = self.channel.roms_partner_id

    def rpc(self, model, method, args, **kwargs):
        """``method`` of ``model`` called by the agent as Odoo's JSON-RPC and
        XML-RPC do (``odoo.api.call_kw``), in a savepoint as a failed request
        is rolled back."""
        with self.env.cr.savepoint():
            return api.call_kw(
                self.env[model].with_user(self.agent), method, args, kwargs
            )

    def messages(self, **domain):
        return self.env["mail.message"].search(
            [("model", "=", "discuss.channel"), ("res_id", "=", self.channel.id)]
            + [(key, "=", value) for key, value in domain.items()]
        )

    def test_agent_cannot_post_as_the_customer(self):
        before = self.messages()
        for direction in ("in", "out"):
            for extra in ({}, {"author_id": self.customer.id}):
                with self.assertRaises(AccessError), mute_logger("odoo.sql_db"):
                    self.rpc(
                        "discuss.channel",
                        "message_post",
                        [[self.channel.id]],
                        body="Saya sudah transfer, tolong kirim",
                        message_type="comment",
                        roms_wa_direction=direction,
                        **extra,
                    )
        with self.assertRaises(AccessError):
            self.rpc(
                "discuss.channel",
                "message_notify",
                [[self.channel.id]],
                body="Saya sudah transfer",
                partner_ids=[self.agent.partner_id.id],
                roms_wa_direction="in",
            )
        self.assertEqual(self.messages(), before, "nothing written")
        self.assertFalse(self.meta.sent("/messages"), "nothing sent")
        self.assertEqual(len(self.messages(roms_wa_direction="in")), 1)

    def test_agent_cannot_set_a_direction_on_a_message(self):
        with self.assertRaises(AccessError):
            self.rpc(
                "mail.message",
                "create",
                [
                    {
                        "model": "discuss.channel",
                        "res_id": self.channel.id,
                        "body": "Saya sudah transfer",
                        "message_type": "comment",
                        "author_id": self.customer.id,
                        "roms_wa_direction": "in",
                    }
                ],
            )
        reply = self.channel.with_user(self.agent).message_post(
            body="Siap kak", message_type="comment"
        )
        with self.assertRaises(AccessError):
            self.rpc("mail.message", "write", [reply.ids, {"roms_wa_direction": "in"}])
        self.assertEqual(reply.roms_wa_direction, "out")
        self.assertEqual(len(self.messages(roms_wa_direction="in")), 1)

    def test_agent_cannot_write_in_the_customers_name(self):
        """Without a direction as well: a comment authored by the customer (named,
        or found from their email) reads as theirs in the conversation."""
        self.customer.email = "budi@example.com"
        before = self.messages()
        for author in (
            {"author_id": self.customer.id},
            {"email_from": "budi@example.com"},
        ):
            with self.assertRaisesRegex(AccessError, "as yourself"):
                self.rpc(
                    "discuss.channel",
                    "message_post",
                    [[self.channel.id]],
                    body="Batalkan pesanan saya",
                    message_type="comment",
                    **author,
                )
        with self.assertRaisesRegex(AccessError, "as yourself"):
            self.rpc(
                "mail.message",
                "create",
                [
                    {
                        "model": "discuss.channel",
                        "res_id": self.channel.id,
                        "body": "Batalkan pesanan saya",
                        "message_type": "comment",
                        "author_id": self.customer.id,
                    }
                ],
            )
        reply = self.channel.with_user(self.agent).message_post(
            body="Siap kak", message_type="comment"
        )
        with self.assertRaisesRegex(AccessError, "as yourself"):
            self.rpc(
                "mail.message", "write", [reply.ids, {"author_id": self.customer.id}]
            )
        self.assertEqual(reply.author_id, self.agent.partner_id)
        self.assertEqual(self.messages(), before | reply, "nothing else written")
        self.assertEqual(len(self.meta.sent("/messages")), 1, "the reply only")
        # the agent's own notes and system lines are theirs to post
        self.rpc(
            "discuss.channel",
            "message_post",
            [[self.channel.id]],
            body="Sudah dicek",
            message_type="notification",
        )

    def test_rpc_reply_is_sent_once_whatever_the_context(self):
        for context in ({}, {"roms_wa_internal": True}):
            message_id = self.rpc(
                "discuss.channel",
                "message_post",
                [[self.channel.id]],
                body="Stok ready kak",
                message_type="comment",
                context=context,
            )
            reply = self.env["mail.message"].browse(message_id)
            self.assertEqual(reply.roms_wa_direction, "out", context)
            self.assertEqual(reply.author_id, self.agent.partner_id)
            self.assertEqual(reply.roms_message_id.state, "sent", context)
        self.assertEqual(len(self.meta.sent("/messages")), 2, "each sent once")
