import base64
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.roms_crm.tests.message_common import send_cron_triggers

from .common_livechat import LivechatCase
from .fake_providers import png_bytes


@tagged("post_install", "-at_install")
class TestLivechatReply(LivechatCase, TransactionCase):
    """Agents' replies leave through the conversation's account (a real HTTP fake of
    the Cloud API on loopback) and carry their delivery state."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_livechat()
        cls._setup_meta_account("Meta live chat")

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

    def test_reply_sent_at_once_wakes_no_cron(self):
        """A reply is queued and sent in its own transaction: the sending cron is
        not woken for it (no trigger, no NOTIFY), nor for its retry."""
        self.env.ref("roms_crm.ir_cron_roms_send_messages").active = True
        channel = self.conversation(self.receive("081277771009"))
        agent = channel.roms_agent_id
        send_cron_triggers(self.env).unlink()
        reply = channel.with_user(agent).message_post(
            body="Siap kak", message_type="comment"
        )
        self.assertEqual(reply.roms_message_id.state, "sent")
        self.assertFalse(send_cron_triggers(self.env))
        self.account._set_state("disconnected", "token_expired")
        failed = channel.with_user(agent).message_post(
            body="Pesanan sudah dikirim", message_type="comment"
        )
        self.assertEqual(failed.roms_message_id.state, "failed")
        self.account._set_state("connected")
        failed.with_user(agent).roms_wa_retry()
        self.assertEqual(failed.roms_message_id.state, "sent")
        self.assertFalse(send_cron_triggers(self.env))

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

    def test_reply_outside_24h_window_is_refused(self):
        channel = self.conversation(self.receive("081277771003"))
        channel.roms_last_inbound_at = "2020-01-01 00:00:00"
        with self.assertRaises(UserError):
            channel.with_user(channel.roms_agent_id).message_post(
                body="Masih ada?", message_type="comment"
            )
        self.assertFalse(self.meta.sent("/messages"))
        self.assertFalse(
            self.env["mail.message"].search(
                [
                    ("model", "=", "discuss.channel"),
                    ("res_id", "=", channel.id),
                    ("roms_wa_direction", "=", "out"),
                ]
            ),
            "refused before anything is written",
        )

    def test_reply_while_disconnected_fails_at_once_then_retry(self):
        channel = self.conversation(self.receive("081277771004"))
        agent = channel.roms_agent_id
        self.account._set_state("disconnected", "token_expired")
        # the composer knows, through the conversation's values
        self.assertEqual(
            channel._roms_wa_store_values()["roms_wa_account_state"], "disconnected"
        )
        reply = channel.with_user(agent).message_post(
            body="Pesanan sudah dikirim", message_type="comment"
        )
        self.assertFalse(self.meta.sent("/messages"))
        ticks = reply._roms_wa_ticks_values()
        self.assertEqual(ticks["roms_wa_state"], "failed", "not a clock: failed")
        self.assertEqual(ticks["roms_wa_error_code"], "disconnected")
        self.assertIn("Meta live chat", ticks["roms_wa_error"])
        # the account comes back: the agent retries, the customer gets it once
        self.account._set_state("connected")
        ticks = reply.with_user(agent).roms_wa_retry()
        self.assertEqual(ticks["roms_wa_state"], "sent")
        self.assertFalse(ticks["roms_wa_error"])
        self.assertEqual(len(self.meta.sent("/messages")), 1)
        with self.assertRaises(UserError):
            reply.with_user(agent).roms_wa_retry()
        self.assertEqual(len(self.meta.sent("/messages")), 1)

    def test_reply_while_disconnected_may_wait_for_the_connection(self):
        self.env["ir.config_parameter"].set_param(
            "roms_whatsapp.disconnected_replies", "queue"
        )
        channel = self.conversation(self.receive("081277771005"))
        self.account._set_state("disconnected", "token_expired")
        reply = channel.with_user(channel.roms_agent_id).message_post(
            body="Sebentar kak", message_type="comment"
        )
        ticks = reply._roms_wa_ticks_values()
        self.assertEqual(ticks["roms_wa_state"], "queued")
        self.assertEqual(ticks["roms_wa_error_code"], "disconnected")
        self.assertFalse(self.meta.sent("/messages"))

    def test_provider_refusal_shows_its_reason_and_retry_is_guarded(self):
        channel = self.conversation(self.receive("081277771006"))
        agent = channel.roms_agent_id
        self.meta.fail_next(*self.meta.invalid_number()[:2], path_contains="/messages")
        reply = channel.with_user(agent).message_post(
            body="Halo kak", message_type="comment"
        )
        ticks = reply._roms_wa_ticks_values()
        self.assertEqual(ticks["roms_wa_state"], "failed")
        self.assertIn("131026", ticks["roms_wa_error"])
        # another agent's conversation, or a user who is not CS: no retry
        other = self.agent_c if agent != self.agent_c else self.agent_b
        with self.assertRaises(AccessError):
            reply.with_user(other).roms_wa_retry()
        clerk = self.env["res.users"].create(
            {"name": "Clerk", "login": "roms_reply_clerk"}
        )
        with self.assertRaises(AccessError):
            reply.with_user(clerk).roms_wa_retry()
        self.assertEqual(len(self.meta.sent("/messages")), 1)
        self.assertEqual(reply.roms_message_id.state, "failed")

    def test_store_gives_the_24_hour_window(self):
        channel = self.conversation(self.receive("081277771007"))
        inbound = channel.roms_last_inbound_at
        self.assertEqual(
            channel._roms_wa_store_values()["roms_wa_window_end"],
            fields.Datetime.to_string(inbound + timedelta(hours=24)),
        )


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
