import base64
import importlib.util
import re
import time
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.misc import file_path

from .common import WhatsappCase
from .fake_providers import png_bytes

NUMBER = "+6281234567411"


@tagged("post_install", "-at_install")
class TestMetaTemplates(WhatsappCase):
    """The Meta template lifecycle: written in ROMS, submitted to the fake Graph
    API, reviewed through its signed webhook and the sync, used outside the
    24-hour window."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.meta_account._set_state("connected")
        cls.env["roms.message"].search([("state", "=", "queued")]).write(
            {"state": "cancelled"}
        )
        cls.admin = new_test_user(
            cls.env,
            "roms_tpl_admin",
            groups="base.group_user,roms_crm.group_roms_admin",
        )
        cls.cs = new_test_user(
            cls.env, "roms_tpl_cs", groups="base.group_user,roms_crm.group_roms_cs"
        )
        cls.partner = cls.env["res.partner"].create(
            {
                "name": "Sari Wulandari",
                "mobile": "0812-3456-7411",
            }
        )
        cls.roms_template = cls.env["roms.message.template"].create(
            {
                "name": "Promo kopi",
                "template_type": "broadcast",
                "body": "Halo {customer_name}, kopi favorit kakak sedang promo!",
            }
        )

    def setUp(self):
        super().setUp()
        self.meta.templates.clear()

    # helpers ---------------------------------------------------------------

    def new_template(self, user=None, **vals):
        Template = self.env["roms.whatsapp.template"].with_user(user or self.admin)
        return Template.create(
            {
                "name": "promo_kopi",
                "account_id": self.meta_account.id,
                "category": "marketing",
                "message_template_id": self.roms_template.id,
                "body": "Halo {customer_name}, kopi favorit kakak sedang promo!",
                "footer": "Toko Kopi Nusantara",
                "button_ids": [
                    (0, 0, {"button_type": "quick_reply", "text": "Mau pesan"}),
                    (
                        0,
                        0,
                        {
                            "button_type": "url",
                            "text": "Lihat katalog",
                            "url": "https://kopi.example/katalog",
                        },
                    ),
                ],
                **vals,
            }
        )

    def template_webhook(self, payload, **kwargs):
        return self.post_webhook(
            self.meta, self.webhook_url(self.meta_account), payload, **kwargs
        )

    def customer_wrote(self, hours_ago):
        with freeze_time(fields.Datetime.now() - timedelta(hours=hours_ago)):
            self.env["discuss.channel"]._roms_wa_receive(
                self.meta_account,
                {
                    "number": NUMBER,
                    "profile_name": "Sari",
                    "body": "Halo",
                    "provider_message_id": f"wamid.in.{hours_ago}",
                    "timestamp": fields.Datetime.now(),
                    "attachment_ids": [],
                },
            )

    def queue(self, **vals):
        return self.env["roms.message"].create(
            {
                "partner_id": self.partner.id,
                "kind": "broadcast",
                "channel": "whatsapp",
                "template_id": self.roms_template.id,
                "body": self.roms_template._render(self.partner),
                **vals,
            }
        )

    def send(self):
        self.env["roms.message"]._cron_roms_send_messages()

    # tests -----------------------------------------------------------------

    def test_variables_mapped_with_examples(self):
        template = self.new_template(
            body="Halo {customer_name}, pesanan {order_number} sudah dikirim. "
            "Resi: {tracking_number} ya kak."
        )
        self.assertEqual(
            template.body,
            "Halo {{1}}, pesanan {{2}} sudah dikirim. Resi: {{3}} ya kak.",
        )
        self.assertEqual(
            [(v.number, v.variable) for v in template.variable_ids],
            [(1, "customer_name"), (2, "order_number"), (3, "tracking_number")],
        )
        self.assertEqual(template.variable_ids[0].example, "Budi Santoso")
        self.assertIn("pesanan S00123 sudah dikirim", template.preview)
        with self.assertRaises(ValidationError):
            self.new_template(name="Promo Kopi!", lang="en")
        with self.assertRaises(ValidationError):
            self.new_template(name="gap", body="Halo {{1}} dan {{3}} kak")
        with self.assertRaises(ValidationError):
            self.new_template(name="long", body="x" * 1025)
        with self.assertRaises(ValidationError):
            self.new_template(name="head", header_type="text", header_text="Hi {{1}}")

    def test_submit_pending_approved_used_outside_window(self):
        template = self.new_template()
        template.with_user(self.admin).action_submit()
        [request] = self.meta.sent("/message_templates")
        self.assertEqual(
            request.path, f"/v21.0/{self.meta.business_account_id}/message_templates"
        )
        self.assertEqual(
            request.json,
            {
                "name": "promo_kopi",
                "language": "id",
                "category": "MARKETING",
                "components": [
                    {
                        "type": "BODY",
                        "text": "Halo {{1}}, kopi favorit kakak sedang promo!",
                        "example": {"body_text": [["Budi Santoso"]]},
                    },
                    {"type": "FOOTER", "text": "Toko Kopi Nusantara"},
                    {
                        "type": "BUTTONS",
                        "buttons": [
                            {"type": "QUICK_REPLY", "text": "Mau pesan"},
                            {
                                "type": "URL",
                                "text": "Lihat katalog",
                                "url": "https://kopi.example/katalog",
                            },
                        ],
                    },
                ],
            },
        )
        self.assertEqual(template.state, "pending")
        self.assertEqual(template.meta_id, self.meta.templates[0]["id"])
        with self.assertRaises(UserError):
            template.with_user(self.admin).action_submit()

        # not approved yet: outside the window nothing goes
        self.customer_wrote(hours_ago=30)
        waiting = self.queue()
        self.send()
        self.assertEqual(waiting.state, "failed")
        self.assertEqual(waiting.error_code, "outside_window")

        self.meta.set_template_status(template.meta_id, "APPROVED")
        response = self.template_webhook(
            self.meta.template_status_payload(template.meta_id, "APPROVED")
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(template.state, "approved")
        self.assertFalse(template.state_reason)

        self.meta.requests.clear()
        message = self.queue()
        self.send()
        self.assertEqual(message.state, "sent", message.error_message)
        [sent] = self.meta.sent("/messages")
        self.assertEqual(
            sent.json["template"],
            {
                "name": "promo_kopi",
                "language": {"code": "id"},
                "components": [
                    {
                        "type": "body",
                        "parameters": [{"type": "text", "text": "Sari Wulandari"}],
                    },
                    {
                        "type": "button",
                        "sub_type": "quick_reply",
                        "index": "0",
                        "parameters": [
                            {
                                "type": "payload",
                                "payload": f"tpl:{self.roms_template.id}:1",
                            }
                        ],
                    },
                ],
            },
        )
        # inside the window the text itself goes
        self.customer_wrote(hours_ago=1)
        self.meta.requests.clear()
        inside = self.queue()
        self.send()
        self.assertEqual(inside.state, "sent")
        [sent] = self.meta.sent("/messages")
        self.assertEqual(sent.json["type"], "text")

    def test_rejected_shows_reason(self):
        template = self.new_template()
        template.with_user(self.admin).action_submit()
        self.template_webhook(
            self.meta.template_status_payload(
                template.meta_id, "REJECTED", reason="INCORRECT_CATEGORY"
            )
        )
        self.assertEqual(template.state, "rejected")
        self.assertIn("INCORRECT_CATEGORY", template.state_reason)
        self.assertIn("category", template.state_reason)
        # a rejected template carries nothing
        self.customer_wrote(hours_ago=30)
        message = self.queue()
        self.send()
        self.assertEqual(message.error_code, "outside_window")

    def test_replayed_and_out_of_order_webhooks(self):
        template = self.new_template()
        template.with_user(self.admin).action_submit()
        now = int(time.time())
        approved = self.meta.template_status_payload(
            template.meta_id, "APPROVED", time_=now + 60
        )
        paused = self.meta.template_status_payload(
            template.meta_id, "PAUSED", reason="LOW_QUALITY", time_=now + 120
        )
        self.template_webhook(paused)
        self.assertEqual(template.state, "paused")
        self.assertEqual(template.state_reason, "LOW_QUALITY")
        # the approval, older, arrives late: ignored
        self.template_webhook(approved)
        self.assertEqual(template.state, "paused")
        # the pause replayed: nothing changes
        write_date = template.write_date
        self.template_webhook(paused)
        self.assertEqual(template.state, "paused")
        self.assertEqual(template.write_date, write_date)
        # a newer approval (Meta reinstates it)
        self.template_webhook(
            self.meta.template_status_payload(
                template.meta_id, "APPROVED", time_=now + 600
            )
        )
        self.assertEqual(template.state, "approved")
        self.assertFalse(template.state_reason)

    @mute_logger("odoo.addons.roms_whatsapp.models.roms_whatsapp_account")
    def test_updates_of_another_business_account_change_nothing(self):
        """An app's business accounts share its callback URL: a template of
        another business account with the name of a draft of this one is not
        this draft (it took the other's Meta id and approval, and sending it
        then failed)."""
        template = self.new_template()
        payload = self.meta.template_status_payload(
            "998877", "APPROVED", name=template.name, language=template.lang
        )
        payload["entry"][0]["id"] = "555000999"
        self.assertEqual(self.template_webhook(payload).status_code, 200)
        self.assertEqual((template.state, template.meta_id), ("draft", False))
        payload["entry"][0]["id"] = self.meta.business_account_id
        self.template_webhook(payload)
        self.assertEqual((template.state, template.meta_id), ("approved", "998877"))

    @mute_logger(
        "odoo.addons.roms_whatsapp.controllers.main",
        "odoo.addons.roms_whatsapp.tools.wa_provider",
    )
    def test_unsigned_or_forged_webhook_refused(self):
        template = self.new_template()
        template.with_user(self.admin).action_submit()
        payload = self.meta.template_status_payload(template.meta_id, "APPROVED")
        self.assertEqual(
            self.template_webhook(payload, signature=False).status_code, 403
        )
        response = self.template_webhook(payload, secret="not-the-app-secret")
        self.assertEqual(response.status_code, 403)
        self.assertEqual(template.state, "pending")
        # absurd values: skipped, never a 500
        for value in (
            {"event": None, "message_template_id": template.meta_id},
            {"event": "APPROVED", "message_template_id": {"x": 1}},
            {"event": "APPROVED\x00", "message_template_id": "1" * 500},
            {"event": "NOT_A_STATUS", "message_template_id": int(template.meta_id)},
        ):
            bad = self.meta.template_status_payload(template.meta_id, "APPROVED")
            bad["entry"][0]["changes"][0]["value"] = value
            self.assertEqual(self.template_webhook(bad).status_code, 200)
        self.assertEqual(template.state, "pending")

    def test_sync_imports_and_updates(self):
        mine = self.new_template()
        mine.with_user(self.admin).action_submit()
        self.meta.set_template_status(mine.meta_id, "REJECTED", "PROMOTIONAL")
        self.meta.templates += [
            {
                "id": str(900000000000 + n),
                "name": f"pesanan_dikirim_{n}",
                "language": "id",
                "status": "APPROVED",
                "category": "UTILITY",
                "components": [
                    {"type": "HEADER", "format": "TEXT", "text": "Pesanan dikirim"},
                    {
                        "type": "BODY",
                        "text": "Halo {{1}}, pesanan {{2}} sudah dikirim.",
                        "example": {"body_text": [["Budi", "S00042"]]},
                    },
                    {
                        "type": "BUTTONS",
                        "buttons": [
                            {
                                "type": "PHONE_NUMBER",
                                "text": "Telepon",
                                "phone_number": "+6281100000000",
                            }
                        ],
                    },
                ],
            }
            for n in range(105)
        ]
        self.meta_account.with_user(self.admin).action_sync_templates()
        gets = [r for r in self.meta.requests if r.method == "GET"]
        self.assertEqual(len(gets), 2, "two pages of 100")
        Template = self.env["roms.whatsapp.template"]
        imported = Template.search(
            [("account_id", "=", self.meta_account.id), ("imported", "=", True)]
        )
        self.assertEqual(len(imported), 105)
        first = imported.filtered(lambda t: t.name == "pesanan_dikirim_0")
        self.assertEqual(first.state, "approved")
        self.assertEqual(
            (first.header_type, first.header_text), ("text", "Pesanan dikirim")
        )
        self.assertEqual(first.variable_ids.mapped("example"), ["Budi", "S00042"])
        self.assertFalse(any(first.variable_ids.mapped("variable")))
        self.assertEqual(first.button_ids.button_type, "phone_number")
        self.assertEqual(mine.state, "rejected")
        self.assertIn("PROMOTIONAL", mine.state_reason)
        # a second sync imports nothing twice; a template gone from Meta is disabled
        self.meta.templates = [
            t for t in self.meta.templates if t["id"] != first.meta_id
        ]
        self.meta_account.with_user(self.admin).action_sync_templates()
        self.assertEqual(
            Template.search_count([("account_id", "=", self.meta_account.id)]), 106
        )
        self.assertEqual(first.state, "disabled")
        # an imported template with unmapped variables is refused before sending
        first.message_template_id = self.roms_template
        mine.unlink()
        self.customer_wrote(hours_ago=30)
        message = self.queue()
        self.send()
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.error_code, "outside_window")
        self.meta.requests.clear()
        second = imported.filtered(lambda t: t.name == "pesanan_dikirim_1")
        second.message_template_id = self.roms_template
        message = self.queue()
        self.send()
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.error_code, "empty_variable")
        self.assertIn("{{1}}", message.error_message)
        self.assertFalse(self.meta.sent("/messages"))

    def test_empty_variable_refused(self):
        template = self.new_template(
            body="Halo {customer_name}, resi pesanan kakak: {tracking_number} ya."
        )
        template.with_user(self.admin).action_submit()
        self.template_webhook(
            self.meta.template_status_payload(template.meta_id, "APPROVED")
        )
        self.customer_wrote(hours_ago=30)
        self.meta.requests.clear()
        message = self.queue()
        self.send()
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.error_code, "empty_variable")
        self.assertIn("{tracking_number}", message.error_message)
        self.assertFalse(self.meta.sent("/messages"), "never sent with a '-'")

    def test_legacy_mapping_refuses_empty_variable(self):
        self.roms_template.write(
            {
                "body": "Halo {customer_name}, pesanan {order_number} siap.",
                "roms_meta_template_name": "pesanan_siap",
            }
        )
        self.customer_wrote(hours_ago=30)
        message = self.queue()
        self.send()
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.error_code, "empty_variable")
        self.assertIn("{order_number}", message.error_message)
        self.assertFalse(self.meta.sent("/messages"))

    def test_image_header(self):
        template = self.new_template(
            header_type="image",
            header_image=base64.b64encode(png_bytes(4, 4)),
            header_image_filename="promo.png",
        )
        template.with_user(self.admin).action_submit()
        [upload] = [r for r in self.meta.sent() if r.path.endswith("/uploads")]
        self.assertEqual(upload.path, f"/v21.0/{self.meta.app_id}/uploads")
        self.assertEqual(upload.query["file_type"], "image/png")
        self.assertIn(png_bytes(4, 4), self.meta.uploads.values())
        header = self.meta.sent("/message_templates")[0].json["components"][0]
        self.assertEqual(header["format"], "IMAGE")
        self.assertTrue(header["example"]["header_handle"][0].startswith("4::"))
        self.template_webhook(
            self.meta.template_status_payload(template.meta_id, "APPROVED")
        )
        self.customer_wrote(hours_ago=30)
        self.meta.requests.clear()
        message = self.queue()
        self.send()
        self.assertEqual(message.state, "sent", message.error_message)
        media, sent = self.meta.sent()
        self.assertTrue(media.path.endswith("/media"))
        image = sent.json["template"]["components"][0]
        self.assertEqual(image["type"], "header")
        self.assertEqual(image["parameters"][0]["type"], "image")

    def test_meta_refusal_and_checks_before_submitting(self):
        template = self.new_template()
        template.with_user(self.admin).action_submit()
        twin = self.new_template(account_id=self.meta_account.id, lang="en")
        self.meta.templates[0]["language"] = "en"
        with self.assertRaisesRegex(UserError, "already exists"):
            twin.with_user(self.admin).action_submit()
        self.assertEqual(twin.state, "draft")
        unmapped = self.new_template(name="unmapped", body="Halo {{1}} kak, promo.")
        with self.assertRaisesRegex(UserError, re.escape("Map {{1}}")):
            unmapped.with_user(self.admin).action_submit()
        bad_button = self.new_template(name="bad_button")
        bad_button.button_ids[1].url = "javascript:alert(1)"
        with self.assertRaises(UserError):
            bad_button.with_user(self.admin).action_submit()
        self.assertEqual(len(self.meta.sent("/message_templates")), 2)

    def test_admin_only(self):
        with self.assertRaises(AccessError):
            self.new_template(user=self.cs)
        template = self.new_template()
        with self.assertRaises(AccessError):
            template.with_user(self.cs).action_submit()
        with self.assertRaises(AccessError):
            self.meta_account.with_user(self.cs).action_sync_templates()
        self.assertFalse(self.meta.sent("/message_templates"))
        # customer service reads them (the template picker)
        self.assertEqual(template.with_user(self.cs).state, "draft")

    def test_daily_cron_syncs(self):
        template = self.new_template()
        template.with_user(self.admin).action_submit()
        self.meta.set_template_status(template.meta_id, "APPROVED")
        self.env["roms.whatsapp.account"]._cron_sync_templates()
        self.assertEqual(template.state, "approved")
        self.assertTrue(self.meta_account.templates_synced_at)
        cron = self.env.ref("roms_whatsapp.ir_cron_roms_wa_templates")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))

    def test_migration_of_name_mappings(self):
        """The 18.0.1.3.0 migration turns a name mapping into approved records
        that the sync then confirms."""
        self.roms_template.write(
            {
                "body": "Halo {customer_name}, promo untuk {customer_name}!",
                "roms_meta_template_name": "promo_lama",
                "roms_meta_template_lang": "id",
            }
        )
        path = file_path("roms_whatsapp/migrations/18.0.1.3.0/post-migrate.py")
        spec = importlib.util.spec_from_file_location("roms_wa_migrate_130", path)
        script = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(script)
        script.migrate(self.env.cr, "18.0.1.2.0")
        self.env.invalidate_all()
        migrated = self.roms_template.roms_wa_template_ids.filtered(
            lambda t: t.account_id == self.meta_account
        )
        self.assertEqual(migrated.name, "promo_lama")
        self.assertEqual(migrated.state, "approved")
        self.assertEqual(migrated.body, "Halo {{1}}, promo untuk {{2}}!")
        self.assertEqual(
            migrated.variable_ids.mapped("variable"), ["customer_name", "customer_name"]
        )
        # one record per Cloud API account (the demo shop has its own); run
        # twice: nothing more
        count = len(self.roms_template.roms_wa_template_ids)
        self.assertEqual(
            count,
            self.env["roms.whatsapp.account"]
            .with_context(active_test=False)
            .search_count([("provider", "=", "meta")]),
        )
        script.migrate(self.env.cr, "18.0.1.2.0")
        self.env.invalidate_all()
        self.assertEqual(len(self.roms_template.roms_wa_template_ids), count)
        # sent outside the window exactly as the mapping sent it
        self.customer_wrote(hours_ago=30)
        message = self.queue()
        self.send()
        self.assertEqual(message.state, "sent", message.error_message)
        [sent] = self.meta.sent("/messages")
        self.assertEqual(sent.json["template"]["name"], "promo_lama")
        self.assertEqual(
            [p["text"] for p in sent.json["template"]["components"][0]["parameters"]],
            ["Sari Wulandari", "Sari Wulandari"],
        )
        # the sync finds it by name and language and takes Meta's id
        self.meta.templates.append(
            {
                "id": "777000111",
                "name": "promo_lama",
                "language": "id",
                "status": "APPROVED",
                "category": "MARKETING",
                "components": [{"type": "BODY", "text": "Halo {{1}}, promo {{2}}!"}],
            }
        )
        self.meta_account._sync_templates()
        self.assertEqual(migrated.meta_id, "777000111")
        self.assertEqual(migrated.state, "approved")
