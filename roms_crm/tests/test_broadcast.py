import base64
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.roms_crm.tests.message_common import (
    MessagingCase,
    send_cron_triggers,
)


class BroadcastCommon(MessagingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("id_ID")
        Partner = cls.env["res.partner"]
        cls.jakarta = cls.env["res.city"].search(
            [("country_id.code", "=", "ID")], limit=1
        )
        cls.bandung = cls.env["res.city"].search(
            [("country_id.code", "=", "ID"), ("id", "!=", cls.jakarta.id)], limit=1
        )

        def customer(name, email, **vals):
            return Partner.create(
                {
                    "name": name,
                    "email": email,
                    "roms_category": "customer",
                    "city_id": cls.jakarta.id,
                    **vals,
                }
            )

        # the audience: a segment of six customers
        cls.ani = customer("Ani Broadcast", "ani.bc@example.com")
        cls.budi = customer("Budi Broadcast", "budi.bc@example.com")
        cls.citra = customer("Citra Broadcast", "citra.bc@example.com")
        cls.opted = customer("Opted Broadcast", "opted.bc@example.com")
        cls.nomail = customer("Nomail Broadcast", False)
        cls.twin = customer("Twin Broadcast", "ANI.BC@example.com")
        cls.outsider = customer("Outsider Broadcast", "out.bc@example.com")
        cls.reseller = customer(
            "Reseller Broadcast",
            "reseller.bc@example.com",
            roms_category="reseller",
            city_id=cls.bandung.id,
        )
        cls.opted.roms_opt_out = True
        cls.members = cls.ani | cls.budi | cls.citra | cls.opted | cls.nomail | cls.twin
        cls.segment = cls.env["roms.segment"].create(
            {
                "name": "Broadcast test segment",
                "code": "broadcast_test",
                "rule_type": "domain",
                "domain": f"[('id', 'in', {(cls.members | cls.reseller).ids})]",
            }
        )
        cls.env["ir.config_parameter"].set_param(
            "roms_crm.broadcast_failure_min_sample", "4"
        )
        cls.env["ir.config_parameter"].set_param(
            "roms_crm.broadcast_failure_threshold", "50"
        )
        cls.env["ir.config_parameter"].set_param(
            "roms_crm.broadcast_jitter_seconds", "0"
        )
        cls.customer_category = cls.env.ref("roms_crm.roms_customer_category_customer")

    def _broadcast(self, **vals):
        return self.env["roms.broadcast"].create(
            {
                "name": "Promo Ramadan",
                "segment_ids": [Command.set(self.segment.ids)],
                "category_ids": [Command.set(self.customer_category.ids)],
                "channel": "email",
                "body": "Halo {customer_name}, diskon 20% untuk semua kopi!",
                **vals,
            }
        )

    def _cron(self, batch_size=None):
        return self.env["roms.broadcast"]._cron_roms_broadcasts(batch_size=batch_size)

    def _messages(self, broadcast):
        return self.env["roms.message"].search([("broadcast_id", "=", broadcast.id)])


@tagged("post_install", "-at_install")
class TestBroadcast(BroadcastCommon):
    def test_live_counts(self):
        with Form(self.env["roms.broadcast"]) as form:
            form.name = "Live"
            form.channel = "email"
            form.body = "Halo"
            self.assertEqual(form.recipient_count, 0)
            form.segment_ids.add(self.segment)
            # seven customers of the segment, one opted out
            self.assertEqual(form.opt_out_count, 1)
            self.assertEqual(form.recipient_count, 6)
            form.category_ids.add(self.customer_category)
            self.assertEqual(form.recipient_count, 5, "AND between kinds")
            form.city_ids.add(self.bandung)
            self.assertEqual(form.recipient_count, 0)
            form.city_ids.add(self.jakarta)
            self.assertEqual(form.recipient_count, 5, "OR within a kind")

    def test_segment_queues_exactly_the_eligible(self):
        broadcast = self._broadcast()
        broadcast.action_send()
        self.assertEqual(broadcast.state, "sending")
        self._cron()
        messages = self._messages(broadcast)
        # opted out skipped, no e-mail skipped, Twin shares Ani's address
        self.assertEqual(messages.partner_id, self.ani | self.budi | self.citra)
        self.assertEqual(set(messages.mapped("state")), {"queued"})
        self.assertEqual(set(messages.mapped("kind")), {"broadcast"})
        self.assertEqual(set(messages.mapped("channel")), {"email"})
        ani = messages.filtered(lambda m: m.partner_id == self.ani)
        self.assertEqual(ani.body, "Halo Ani Broadcast, diskon 20% untuk semua kopi!")
        self.assertEqual(ani.recipient, "ani.bc@example.com")
        self.assertEqual(broadcast.skipped_opt_out_count, 1)
        self.assertEqual(broadcast.skipped_invalid_count, 1)
        self.assertEqual(broadcast.skipped_duplicate_count, 1)
        self.assertTrue(broadcast.materialised)
        self.assertEqual(broadcast.queued_count, 3)
        self.assertEqual(broadcast.state, "sending")

    def test_batches_stop_resume_no_duplicates(self):
        broadcast = self._broadcast()
        broadcast.action_send()
        self._cron(batch_size=2)
        first = self._messages(broadcast)
        self.assertEqual(first.partner_id, self.ani | self.budi)
        self.assertFalse(broadcast.materialised)
        broadcast.action_stop()
        self.assertEqual(broadcast.state, "stopped")
        self.assertEqual(set(first.mapped("state")), {"cancelled"})
        # the cron does nothing for a stopped broadcast
        self._cron(batch_size=2)
        self.assertEqual(self._messages(broadcast), first)
        broadcast.action_resume()
        self.assertEqual(broadcast.state, "sending")
        self.assertEqual(set(first.mapped("state")), {"queued"})
        for _run in range(4):
            self._cron(batch_size=2)
        messages = self._messages(broadcast)
        self.assertEqual(len(messages), 3)
        self.assertEqual(messages.partner_id, self.ani | self.budi | self.citra)
        self.assertEqual(broadcast.skipped_duplicate_count, 1)
        self.assertTrue(broadcast.materialised)
        # the queue sent everything: the broadcast is done
        messages.write({"state": "sent"})
        self._cron()
        self.assertEqual(broadcast.state, "done")
        self.assertEqual(broadcast.progress, 100)

    def test_progress_counts_and_retry_failed_only(self):
        broadcast = self._broadcast(
            segment_ids=[Command.set(self.segment.ids)], category_ids=False
        )
        broadcast.action_send()
        self._cron()
        messages = self._messages(broadcast)
        self.assertEqual(len(messages), 4)  # Reseller too
        messages[0].state = "sent"
        messages[1].state = "delivered"
        messages[2].write({"state": "failed", "error_message": "Mailbox full"})
        broadcast.invalidate_recordset()
        self.assertEqual(
            (broadcast.sent_count, broadcast.failed_count, broadcast.queued_count),
            (2, 1, 1),
        )
        self.assertEqual(broadcast.progress, 75)
        broadcast.action_retry_failed()
        self.assertEqual(messages[2].state, "queued")
        self.assertFalse(messages[2].error_message)
        self.assertEqual(messages[0].state, "sent")
        self.assertEqual(messages[1].state, "delivered")

    def test_failure_ratio_pauses(self):
        broadcast = self._broadcast(category_ids=False)
        broadcast.action_send()
        self._cron()
        messages = self._messages(broadcast)
        messages[:1].state = "sent"
        messages[1:3].write({"state": "failed", "error_code": "131026"})
        self._cron()
        self.assertEqual(broadcast.state, "sending", "3 tried: below the sample")
        messages[3].write({"state": "failed"})
        self._cron()
        self.assertEqual(broadcast.state, "paused")
        self.assertIn("3 of 4", broadcast.pause_reason)
        self.assertTrue(
            any("3 of 4" in body for body in broadcast.message_ids.mapped("body"))
        )
        # resumed as is: the check counts from the resume, the old failures do
        # not pause it again
        broadcast.action_resume()
        self.assertFalse(broadcast.pause_reason)
        self._cron()
        self.assertEqual(broadcast.state, "done")

    def test_retry_failed_while_paused_waits_for_resume(self):
        broadcast = self._broadcast(category_ids=False)
        broadcast.action_send()
        self._cron()
        messages = self._messages(broadcast)
        messages[:1].state = "sent"
        messages[1:].write({"state": "failed", "error_code": "131026"})
        self._cron()
        self.assertEqual(broadcast.state, "paused")
        broadcast.action_retry_failed()
        self.assertEqual(broadcast.state, "paused", "retry does not resume")
        self.assertEqual(set(messages[1:].mapped("state")), {"cancelled"})
        broadcast.action_resume()
        self.assertEqual(broadcast.state, "sending")
        self.assertEqual(set(messages[1:].mapped("state")), {"queued"})
        self.assertFalse(messages[1].error_code)
        self.assertEqual(messages[0].state, "sent")

    def test_pause_cancels_queued(self):
        self.env["ir.config_parameter"].set_param(
            "roms_crm.broadcast_failure_min_sample", "1"
        )
        broadcast = self._broadcast(category_ids=False)
        broadcast.action_send()
        self._cron()
        messages = self._messages(broadcast)
        messages[0].state = "failed"
        self._cron()
        self.assertEqual(broadcast.state, "paused")
        self.assertEqual(set(messages[1:].mapped("state")), {"cancelled"})

    def test_scheduled(self):
        now = datetime(2026, 4, 1, 8, 0)
        with freeze_time(now):
            broadcast = self._broadcast(
                send_mode="scheduled", scheduled_at=now + timedelta(hours=2)
            )
            broadcast.action_send()
            self.assertEqual(broadcast.state, "scheduled")
            self._cron()
            self.assertFalse(self._messages(broadcast))
        with freeze_time(now + timedelta(hours=2)):
            self._cron()
        self.assertEqual(broadcast.state, "sending")
        self.assertEqual(len(self._messages(broadcast)), 3)

    def test_template_in_customer_language_and_attachment(self):
        template = self.env["roms.message.template"].create(
            {
                "name": "Promo",
                "template_type": "broadcast",
                "body": "Hello {name}, 20% off!",
            }
        )
        template.with_context(lang="id_ID").body = "Halo {name}, diskon 20%!"
        self.budi.lang = "id_ID"
        attachment = self.env["ir.attachment"].create(
            {"name": "promo.png", "datas": base64.b64encode(b"\x89PNG fake")}
        )
        broadcast = self._broadcast(
            template_id=template.id,
            body=False,
            attachment_ids=[Command.set(attachment.ids)],
        )
        broadcast.action_send()
        self._cron()
        messages = self._messages(broadcast)
        by_partner = {m.partner_id: m for m in messages}
        self.assertEqual(by_partner[self.budi].body, "Halo Budi Broadcast, diskon 20%!")
        self.assertEqual(by_partner[self.ani].body, "Hello Ani Broadcast, 20% off!")
        self.assertEqual(by_partner[self.ani].attachment_ids, attachment)

    def test_validation(self):
        with self.assertRaises(ValidationError):
            self._broadcast(body="Halo {order_number}")
        with self.assertRaises(ValidationError):
            self._broadcast(body="Halo {customer_name")
        broadcast = self._broadcast(segment_ids=False, category_ids=False)
        with self.assertRaises(UserError):
            broadcast.action_send()
        broadcast = self._broadcast(body=False)
        with self.assertRaises(UserError):
            broadcast.action_send()
        broadcast = self._broadcast()
        broadcast.action_send()
        with self.assertRaises(UserError):
            broadcast.action_send()

    def test_cs_reads_admin_sends(self):
        cs_user = new_test_user(self.env, "roms_cs_bc", groups="roms_crm.group_roms_cs")
        admin = new_test_user(
            self.env, "roms_admin_bc", groups="roms_crm.group_roms_admin"
        )
        broadcast = self._broadcast().with_user(admin)
        broadcast.action_send()
        cs_broadcast = broadcast.with_user(cs_user)
        self.assertEqual(cs_broadcast.name, "Promo Ramadan")
        with self.assertRaises(AccessError):
            cs_broadcast.write({"name": "Changed"})
        with self.assertRaises(AccessError):
            self.env["roms.broadcast"].with_user(cs_user).create({"name": "CS"})

    def test_jitter(self):
        self.env["ir.config_parameter"].set_param(
            "roms_crm.broadcast_jitter_seconds", "600"
        )
        now = datetime(2026, 4, 1, 8, 0)
        with freeze_time(now):
            broadcast = self._broadcast(category_ids=False)
            broadcast.action_send()
            self._cron()
        times = self._messages(broadcast).mapped("next_attempt_at")
        self.assertTrue(all(now <= at <= now + timedelta(seconds=600) for at in times))
        self.assertGreater(len(set(times)), 1, "random, not one instant")

    def test_queue_failures_pause_broadcast(self):
        """Through the real queue and a loopback SMTP server refusing every
        mailbox: the e-mails fail for good and the broadcast pauses right after
        the queue's batch, not at the next broadcast cron."""
        broadcast = self._broadcast(category_ids=False)
        broadcast.action_send()
        self._cron()
        messages = self._messages(broadcast)
        self.assertEqual(len(messages), 4)
        self.smtp.mode = "reject"
        with (
            self.smtp_server(),
            mute_logger(
                "odoo.addons.mail.models.mail_mail",
                "odoo.addons.base.models.ir_mail_server",
            ),
        ):
            self.env["roms.message"]._cron_roms_send_messages()
        self.assertEqual(set(messages.mapped("state")), {"failed"})
        self.assertEqual(broadcast.state, "paused")
        self.assertIn("4 of 4", broadcast.pause_reason)

    def test_send_and_queue_in_one_transaction(self):
        """Sent and queued at once (no cron in between): the batch sees the
        broadcast as sending."""
        broadcast = self._broadcast()
        broadcast.action_send()
        self.assertEqual(broadcast._materialise(), 3)
        self.assertTrue(broadcast.materialised)
        self.assertEqual(broadcast._materialise(), 0, "nothing left")

    def test_queueing_wakes_the_sending_cron(self):
        """Each queueing action creates one trigger of the sending cron, due at
        once (Odoo wakes the cron workers when it commits), whatever the number
        of recipients; a second batch while it is pending adds none."""
        self.env.ref("roms_crm.ir_cron_roms_send_messages").active = True
        send_cron_triggers(self.env).unlink()
        broadcast = self._broadcast()
        broadcast.action_send()
        self.assertFalse(send_cron_triggers(self.env), "nothing queued yet")

        self._cron(batch_size=2)
        self.assertEqual(len(self._messages(broadcast)), 2)
        trigger = send_cron_triggers(self.env)
        self.assertEqual(len(trigger), 1, "one batch, one trigger")
        self.assertLessEqual(trigger.call_at, fields.Datetime.now(), "due at once")

        # the next batches (one recipient, then the rest skipped, then none)
        # while it is pending: the pending trigger wakes the cron for them too
        for _run in range(3):
            self._cron(batch_size=2)
        self.assertEqual(len(self._messages(broadcast)), 3)
        self.assertTrue(broadcast.materialised)
        self.assertEqual(send_cron_triggers(self.env), trigger)

        # the cron ran (it deletes the triggers due): stopping queues nothing,
        # resuming queues the cancelled messages again, one trigger
        trigger.unlink()
        broadcast.action_stop()
        self.assertFalse(send_cron_triggers(self.env))
        broadcast.action_resume()
        self.assertEqual(set(self._messages(broadcast).mapped("state")), {"queued"})
        self.assertEqual(len(send_cron_triggers(self.env)), 1)

        # retrying failed messages by hand queues them: one trigger
        send_cron_triggers(self.env).unlink()
        self._messages(broadcast).write({"state": "failed"})
        self._messages(broadcast).action_roms_retry()
        self.assertEqual(len(send_cron_triggers(self.env)), 1)
