from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import WhatsappCase
from .fake_providers import PDF_BYTES, png_bytes


@tagged("post_install", "-at_install")
class TestInbound(WhatsappCase):
    """Signed webhooks → queued → handed to the conversation by the cron (the
    cron runs right after the webhook has answered)."""

    def receive(self, payload, account=None):
        account = account or self.meta_account
        response = self.meta.send_webhook(self.webhook_url(account), payload)
        self.assertEqual(response.status_code, 200)
        self.env["roms.whatsapp.inbound"]._cron_process()

    def conversation(self, number):
        return self.env["discuss.channel"].search(
            [("channel_type", "=", "roms_whatsapp"), ("roms_wa_number", "=", number)]
        )

    def test_inbound_text_reaches_conversation_once(self):
        payload = self.meta.message_payload(
            "+6281234567201",
            "Kak, kopi gayo 250 g ready?",
            name="Rina",
            message_id="wamid.R1",
        )
        self.receive(payload)
        channel = self.conversation("+6281234567201")
        self.assertEqual(len(channel), 1)
        self.assertEqual(channel.roms_account_id, self.meta_account)
        self.assertEqual(channel.roms_partner_id.name, "Rina")
        self.assertTrue(channel.roms_last_inbound_at)
        message = channel.message_ids.filtered(lambda m: m.roms_wa_direction == "in")
        self.assertEqual(len(message), 1)
        self.assertIn("kopi gayo 250 g ready?", message.body)
        inbound = self.inbound(self.meta_account)
        self.assertEqual((inbound.state, inbound.message_id), ("done", message))
        # Meta delivers it again: nothing new
        self.receive(payload)
        self.assertEqual(len(self.inbound(self.meta_account)), 1)
        self.assertEqual(
            len(channel.message_ids.filtered(lambda m: m.roms_wa_direction == "in")), 1
        )

    def test_stop_keyword_opts_out(self):
        self.receive(self.meta.message_payload("+6281234567202", "Halo", name="Dewi"))
        partner = self.conversation("+6281234567202").roms_partner_id
        self.assertFalse(partner.roms_opt_out)
        self.receive(self.meta.message_payload("+6281234567202", "BERHENTI"))
        self.assertTrue(partner.roms_opt_out)

    def test_media_downloaded_after_answer(self):
        image_id = self.meta.add_media(png_bytes(), "image/png")
        self.meta.fail_next(
            500, {"error": {"code": 1, "message": "later"}}, "/v21.0/" + image_id
        )
        payload = self.meta.message_payload(
            "+6281234567203",
            "ini buktinya",
            media={"type": "image", "id": image_id, "mime_type": "image/png"},
        )
        response = self.meta.send_webhook(self.webhook_url(self.meta_account), payload)
        self.assertEqual(response.status_code, 200)
        inbound = self.inbound(self.meta_account)
        self.assertEqual((inbound.state, inbound.media_state), ("pending", "pending"))
        # the webhook answered without reaching the provider
        self.assertFalse(self.meta.requests)
        with mute_logger("odoo.addons.roms_whatsapp.models.roms_whatsapp_inbound"):
            self.env["roms.whatsapp.inbound"]._cron_process()
        # the first download failed (5xx): retried
        self.assertEqual((inbound.state, inbound.media_state), ("done", "pending"))
        self.assertEqual(inbound.attempts, 1)
        self.env["roms.whatsapp.inbound"]._cron_process()
        self.assertEqual(inbound.media_state, "done")
        attachment = inbound.message_id.attachment_ids
        self.assertEqual(len(attachment), 1)
        self.assertEqual(attachment.mimetype, "image/png")
        self.assertEqual(attachment.raw, png_bytes())

    def test_media_limits(self):
        self.env["ir.config_parameter"].set_param(
            "roms_whatsapp.media_max_mb", "0.0001"
        )
        big = self.meta.add_media(PDF_BYTES * 10, "application/pdf", "nota.pdf")
        exe = self.meta.add_media(b"MZ\x90\x00binary", "application/pdf", "virus.pdf")
        for number, media_id in (("+6281234567204", big), ("+6281234567205", exe)):
            self.receive(
                self.meta.message_payload(
                    number,
                    media={
                        "type": "document",
                        "id": media_id,
                        "mime_type": "application/pdf",
                    },
                )
            )
        for inbound in self.inbound(self.meta_account):
            self.assertEqual(inbound.state, "done")
            self.assertEqual(inbound.media_state, "refused")
            self.assertFalse(inbound.message_id.attachment_ids)
