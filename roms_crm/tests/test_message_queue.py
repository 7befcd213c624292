from datetime import datetime, timedelta
from unittest.mock import patch

import psycopg2
from freezegun import freeze_time

from odoo import fields
from odoo.sql_db import connection_info_for
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.roms_crm.models.messaging import roms_message
from odoo.addons.roms_crm.models.messaging.roms_message import (
    RomsMessage,
    RomsSendError,
)

from .message_common import MessagingCase

NOW = datetime(2026, 6, 1, 9, 0, 0)
MAIL_LOGGER = "odoo.addons.mail.models.mail_mail"
MAIL_SERVER_LOGGER = "odoo.addons.base.models.ir_mail_server"
QUEUE_LOGGER = "odoo.addons.roms_crm.models.messaging.roms_message"


class WorkerKilled(BaseException):
    """The worker process dies (not an error the queue could handle)."""


@tagged("post_install", "-at_install")
class TestMessageQueue(MessagingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = cls.env["res.partner"]
        for index in range(5):
            cls.customers |= cls.make_customer(
                f"Pelanggan {index}", f"pelanggan{index}@example.com"
            )

    def test_email_sent_through_smtp(self):
        with freeze_time(NOW):
            messages = self.queue(self.customers[:2])
            self.assertEqual(messages.mapped("channel"), ["email", "email"])
            self.assertEqual(
                messages.mapped("recipient"),
                ["pelanggan0@example.com", "pelanggan1@example.com"],
            )
            self.assertEqual(set(messages.mapped("state")), {"queued"})
            with self.smtp_server():
                self.Message._cron_roms_send_messages()
        self.assertEqual(set(messages.mapped("state")), {"sent"})
        self.assertEqual(messages.mapped("sent_at"), [NOW, NOW])
        self.assertEqual(messages.mapped("attempts"), [1, 1])
        self.assertFalse(any(messages.mapped("sending_since")))
        self.assertEqual(
            sorted(self.smtp.recipients()),
            ["pelanggan0@example.com", "pelanggan1@example.com"],
        )
        received = {rcpts[0]: message for rcpts, message in self.smtp.messages}
        first = received["pelanggan0@example.com"]
        self.assertIn("Halo Pelanggan 0", first.get_body(("plain",)).get_content())
        unsubscribe = self.customers[0]._roms_unsubscribe_url()
        self.assertIn(unsubscribe, first["List-Unsubscribe"])
        self.assertIn(unsubscribe, first.get_body(("html",)).get_content())
        # the provider id is the e-mail's Message-Id: bounces and receipts find it
        mail = self.env["mail.mail"].search([("roms_message_id", "=", messages[0].id)])
        self.assertEqual(mail.state, "sent")
        self.assertEqual(messages[0].provider_message_id, mail.message_id)
        self.assertEqual(first["Message-Id"], mail.message_id)

        # a second run has nothing left to send
        with self.smtp_server():
            self.Message._cron_roms_send_messages()
        self.assertEqual(len(self.smtp.messages), 2)

    def test_future_and_cancelled_messages_wait(self):
        with freeze_time(NOW):
            later, cancelled = self.queue(self.customers[:2])
            later.next_attempt_at = NOW + timedelta(hours=1)
            cancelled.action_roms_cancel()
            with self.smtp_server():
                self.Message._cron_roms_send_messages()
            self.assertEqual(later.state, "queued")
            self.assertEqual(cancelled.state, "cancelled")
            self.assertFalse(self.smtp.messages)
        with freeze_time(NOW + timedelta(hours=1)), self.smtp_server():
            self.Message._cron_roms_send_messages()
        self.assertEqual(later.state, "sent")
        self.assertEqual(self.smtp.recipients(), ["pelanggan0@example.com"])

    @mute_logger(MAIL_LOGGER, MAIL_SERVER_LOGGER)
    def test_temporary_failure_retried_with_backoff_then_failed(self):
        self.smtp.mode = "down"
        with freeze_time(NOW):
            message = self.queue(self.customers[:1])
        delays = []
        when = NOW
        for _attempt in range(2):
            with freeze_time(when), self.smtp_server():
                self.Message._cron_roms_send_messages()
            self.assertEqual(message.state, "queued")
            self.assertEqual(message.error_code, "mail_smtp")
            self.assertIn("421", message.error_message)
            delays.append(message.next_attempt_at - when)
            # not due yet: a run before the next attempt does nothing
            with freeze_time(when + timedelta(seconds=30)), self.smtp_server():
                self.Message._cron_roms_send_messages()
            self.assertEqual(message.attempts, _attempt + 1)
            when = message.next_attempt_at
        self.assertEqual(delays, [timedelta(minutes=5), timedelta(minutes=10)])
        # third attempt of three: failed for good, with the reason
        with freeze_time(when), self.smtp_server():
            self.Message._cron_roms_send_messages()
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.attempts, 3)
        self.assertEqual(message.error_code, "mail_smtp")
        self.assertFalse(self.smtp.messages)

        # retried by hand once the server is back: one e-mail, sent
        self.smtp.mode = "accept"
        with freeze_time(when + timedelta(minutes=1)), self.smtp_server():
            message.action_roms_retry()
            self.assertEqual((message.state, message.attempts), ("queued", 0))
            self.Message._cron_roms_send_messages()
        self.assertEqual(message.state, "sent")
        self.assertEqual(self.smtp.recipients(), ["pelanggan0@example.com"])
        self.assertEqual(
            self.env["mail.mail"].search_count([("roms_message_id", "=", message.id)]),
            1,
        )

    @mute_logger(MAIL_LOGGER, MAIL_SERVER_LOGGER)
    def test_permanent_failure_fails_at_once_with_reason(self):
        self.smtp.mode = "reject"
        nobody = self.make_customer("Tanpa Email")
        with freeze_time(NOW):
            rejected = self.queue(self.customers[:1])
            no_address = self.queue(nobody)
            with self.smtp_server():
                self.Message._cron_roms_send_messages()
        self.assertEqual(rejected.state, "failed")
        self.assertEqual(rejected.attempts, 1)
        self.assertIn("550", rejected.error_message)
        self.assertEqual(no_address.state, "failed")
        self.assertEqual(no_address.error_code, "no_recipient")
        self.assertIn("no e-mail address", no_address.error_message)

    def test_killed_mid_batch_sends_the_rest_and_nothing_twice(self):
        with freeze_time(NOW):
            messages = self.queue(self.customers)
        calls = []
        send_email = RomsMessage._send_email

        def send_then_die_at_third(message):
            # the real e-mail channel, then the worker dies right after the
            # third e-mail left, before its outcome is recorded
            calls.append(message.id)
            result = send_email(message)
            if len(calls) == 3:
                raise WorkerKilled()
            return result

        with (
            patch.object(
                RomsMessage,
                "_send_email",
                autospec=True,
                side_effect=send_then_die_at_third,
            ),
            self.smtp_server(),
        ):
            # (not assertRaises: Odoo's rolls back what happened inside it)
            killed_run = False
            try:
                with freeze_time(NOW):
                    self.Message._cron_roms_send_messages()
            except WorkerKilled:
                killed_run = True
            self.assertTrue(killed_run)
            first, second, killed, *rest = messages.sorted("id")
            self.assertEqual((first.state, second.state), ("sent", "sent"))
            # the one in flight keeps its mark; the others were not touched
            self.assertEqual(killed.state, "queued")
            self.assertEqual(killed.sending_since, NOW)
            self.assertEqual([m.attempts for m in rest], [0, 0])
            self.assertEqual(len(self.smtp.messages), 3)

            # its worker is gone (nobody holds its in-flight lock): the next
            # run fails it as interrupted at once and sends the rest
            with (
                freeze_time(NOW + timedelta(minutes=1)),
                mute_logger(QUEUE_LOGGER),
            ):
                self.Message._cron_roms_send_messages()
            self.assertEqual([m.state for m in rest], ["sent", "sent"])
            self.assertEqual(killed.state, "failed")
            self.assertEqual(killed.error_code, "interrupted")

            # and it is never resent
            with freeze_time(NOW + timedelta(hours=1)):
                self.Message._cron_roms_send_messages()
        self.assertEqual(killed.state, "failed")
        self.assertEqual(killed.error_code, "interrupted")
        self.assertEqual(sorted(calls), sorted(messages.ids))
        recipients = self.smtp.recipients()
        self.assertEqual(len(recipients), 5)
        self.assertEqual(sorted(recipients), sorted(self.customers.mapped("email")))

    def _other_worker(self):
        """A connection of its own, as another worker's (closing it is that
        worker dying: PostgreSQL drops its session locks)."""
        _db, info = connection_info_for(self.env.cr.dbname)
        connection = psycopg2.connect(**info)
        connection.autocommit = True
        self.addCleanup(connection.close)
        return connection

    def _in_flight_elsewhere(self, message):
        """Another worker holds ``message``'s in-flight lock, as the cron's
        ``_claim(hold=True)`` does; returns that worker's connection."""
        worker = self._other_worker()
        with worker.cursor() as cr:
            cr.execute(
                "SELECT pg_try_advisory_lock(%s, %s)",
                [roms_message.IN_FLIGHT_LOCK, message.id],
            )
            self.assertTrue(cr.fetchone()[0])
        return worker

    def test_in_flight_with_a_living_worker_is_left_alone(self):
        """A message marked in flight is failed as interrupted only when no
        worker holds its lock: never while its sender is alive, at once when
        the sender's connection is gone (SIGKILL, OOM, a lost server)."""
        with freeze_time(NOW):
            alive, dead = self.queue(self.customers[:2])
            (alive | dead).write({"sending_since": NOW})
        worker = self._in_flight_elsewhere(alive)
        with freeze_time(NOW + timedelta(seconds=5)), mute_logger(QUEUE_LOGGER):
            failed = self.Message._fail_interrupted()
        self.assertEqual(failed, dead)
        self.assertEqual((dead.state, dead.error_code), ("failed", "interrupted"))
        self.assertFalse(dead.sending_since)
        self.assertEqual(alive.state, "queued")
        self.assertEqual(alive.sending_since, NOW)
        # nothing left to fail while the worker lives
        with freeze_time(NOW + timedelta(minutes=5)):
            self.assertFalse(self.Message._fail_interrupted())
        worker.close()
        with freeze_time(NOW + timedelta(minutes=6)), mute_logger(QUEUE_LOGGER):
            self.assertEqual(self.Message._fail_interrupted(), alive)
        self.assertEqual((alive.state, alive.error_code), ("failed", "interrupted"))

    def test_in_flight_lock_held_elsewhere_is_not_claimed(self):
        """A message whose in-flight lock another worker holds (it claimed it
        for its batch, sends it, or is failing it as interrupted) is skipped:
        by the cron's claim as by a send from the chat."""
        with freeze_time(NOW):
            taken, free = self.queue(self.customers[:2])
            self._in_flight_elsewhere(taken)
            self.assertEqual(self.Message._claim(hold=True), free)
            free._release_in_flight()
            self.assertEqual(taken._send_now(), 0)
            with self.smtp_server():
                self.assertEqual(self.Message._cron_roms_send_messages(), 1)
        self.assertEqual((taken.state, taken.attempts), ("queued", 0))
        self.assertEqual(free.state, "sent")

    def test_claim_holds_the_batch_until_released(self):
        """The cron's batch stays its own across its commits: the claimed
        messages' session locks outlive the transaction until released."""
        with freeze_time(NOW):
            messages = self.queue(self.customers[:3])
            claimed = self.Message._claim(limit=2, hold=True)
        self.assertEqual(claimed, messages.sorted("id")[:2])
        probe = self._other_worker().cursor()
        lock = "SELECT pg_try_advisory_lock(%s, %s)"
        for message in claimed:
            probe.execute(lock, [roms_message.IN_FLIGHT_LOCK, message.id])
            self.assertFalse(probe.fetchone()[0], "held by the claiming worker")
        claimed._release_in_flight()
        for message in claimed:
            probe.execute(lock, [roms_message.IN_FLIGHT_LOCK, message.id])
            self.assertTrue(probe.fetchone()[0], "released")

    def test_send_now_claims_like_the_cron(self):
        with freeze_time(NOW):
            message, other = self.queue(self.customers[:2])
            message.next_attempt_at = NOW + timedelta(days=1)
            with self.smtp_server():
                self.assertEqual(message._send_now(), 1)
                # already sent: sending it again does nothing
                self.assertEqual(message._send_now(), 0)
        self.assertEqual(message.state, "sent")
        self.assertEqual(other.state, "queued")
        self.assertEqual(self.smtp.recipients(), ["pelanggan0@example.com"])
        # a message another worker has in flight is not taken
        other.sending_since = fields.Datetime.now()
        self.assertEqual(other._send_now(), 0)

    def test_rate_limit_per_channel(self):
        self.env["ir.config_parameter"].sudo().set_param("roms_crm.rate_limit_email", 2)
        with freeze_time(NOW):
            messages = self.queue(self.customers)
            with self.smtp_server():
                self.Message._cron_roms_send_messages()
                self.assertEqual(len(self.smtp.messages), 2)
                # the same minute: the budget is spent
                self.Message._cron_roms_send_messages()
                self.assertEqual(len(self.smtp.messages), 2)
                self.assertEqual(self.Message._remaining(), 0)
        with freeze_time(NOW + timedelta(minutes=1, seconds=1)), self.smtp_server():
            self.Message._cron_roms_send_messages()
        self.assertEqual(len(self.smtp.messages), 4)
        self.assertEqual(messages.mapped("state").count("sent"), 4)

    @mute_logger(QUEUE_LOGGER)
    def test_unknown_channel_error_and_channel_hook(self):
        with freeze_time(NOW):
            message = self.queue(self.customers[:1])

        def broken_channel(record):
            raise ValueError("provider answered nonsense")

        with patch.object(
            RomsMessage, "_send_email", autospec=True, side_effect=broken_channel
        ):
            self.Message._cron_roms_send_messages()
        # an unexpected error may come after the provider took the message: failed,
        # not retried blindly
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.error_code, "error")
        self.assertIn("nonsense", message.error_message)

        def temporary(record):
            raise RomsSendError("busy", code="429", temporary=True)

        with (
            freeze_time(NOW),
            patch.object(
                RomsMessage, "_send_email", autospec=True, side_effect=temporary
            ),
        ):
            message.action_roms_retry()
            self.Message._cron_roms_send_messages()
        self.assertEqual((message.state, message.error_code), ("queued", "429"))
        self.assertEqual(message.next_attempt_at, NOW + timedelta(minutes=5))

    def test_receipts_never_downgrade(self):
        with freeze_time(NOW):
            message = self.queue(self.customers[:1])
        message.write({"state": "sent", "provider_message_id": "wamid.1"})
        Message = self.Message
        Message._apply_status("wamid.1", "read", when=NOW)
        self.assertEqual(message.state, "read")
        self.assertEqual((message.read_at, message.delivered_at), (NOW, NOW))
        Message._apply_status("wamid.1", "delivered")
        Message._apply_status("wamid.1", "sent")
        self.assertEqual(message.state, "read")
        Message._apply_status("wamid.1", "failed", error_code="131026")
        self.assertEqual(message.state, "read")
        self.assertFalse(message.error_code)

        other = self.queue(self.customers[1:2])
        other.write({"state": "sent", "provider_message_id": "wamid.2"})
        Message._apply_status("wamid.2", "failed", "131026", "Undeliverable")
        self.assertEqual(
            (other.state, other.error_code, other.error_message),
            ("failed", "131026", "Undeliverable"),
        )
        self.assertFalse(Message._apply_status("wamid.unknown", "read"))

    @mute_logger(MAIL_LOGGER, MAIL_SERVER_LOGGER)
    def test_email_outcome_mirrored_and_bounce(self):
        with freeze_time(NOW):
            message = self.queue(self.customers[:1])
            with self.smtp_server():
                self.Message._cron_roms_send_messages()
        mail = self.env["mail.mail"].search([("roms_message_id", "=", message.id)])
        # Odoo resends the e-mail from its own queue and it fails: mirrored
        self.smtp.mode = "reject"
        mail.state = "outgoing"
        with self.smtp_server():
            mail.send()
        self.assertEqual(mail.state, "exception")
        self.assertEqual(message.state, "failed")
        self.assertIn("550", message.error_message)
        # a bounce of a sent e-mail fails its message
        message.action_roms_retry()
        message.write({"state": "sent"})
        self.env["mail.thread"]._routing_handle_bounce(
            False,
            {
                "bounced_email": "pelanggan0@example.com",
                "bounced_partner": self.customers[0],
                "bounced_msg_ids": [message.provider_message_id],
                "bounced_message": self.env["mail.message"],
                "email_from": "mailer-daemon@example.com",
                "to": "bounce@example.com",
                "message_id": "<bounce-1@example.com>",
            },
        )
        self.assertEqual((message.state, message.error_code), ("failed", "bounce"))

    def test_cron_batch_query_count(self):
        """The cron's cost: a fixed overhead, then the same cost per message."""
        with freeze_time(NOW):
            self.Message._cron_roms_send_messages()  # warm-up
            # interrupted sends, one claim per channel (roms_whatsapp adds one),
            # what remains: nothing grows with the size of the queue
            channels = len(self.Message._fields["channel"].selection)
            with self.assertQueryCount(2 + channels):
                self.Message._cron_roms_send_messages()
            costs = []
            for count in (1, 3):
                self.queue(self.customers[:count])
                self.env.invalidate_all()
                before = self.cr.sql_log_count
                with self.smtp_server():
                    self.Message._cron_roms_send_messages()
                costs.append(self.cr.sql_log_count - before)
        # measured: 10 queries per e-mail (claim mark, mail.mail, SMTP state,
        # outcome) and 16 for the batch
        per_message = (costs[1] - costs[0]) / 2
        self.assertLessEqual(per_message, 12)
        self.assertLessEqual(costs[0] - per_message, 20)

    def test_cs_queues_a_manual_message(self):
        cs_user = new_test_user(
            self.env, "roms_cs_msg", groups="roms_crm.group_roms_cs"
        )
        message = (
            self.env["roms.message"]
            .with_user(cs_user)
            .create({"partner_id": self.customers[0].id, "body": "Paket sudah siap."})
        )
        self.assertEqual(
            (message.kind, message.channel, message.state, message.recipient),
            ("manual", "email", "queued", "pelanggan0@example.com"),
        )
        self.assertEqual(self.customers[0].with_user(cs_user).roms_message_count, 1)
        # from a template: its text is filled in for the customer
        form = Form(self.env["roms.message"].with_user(cs_user))
        form.partner_id = self.customers[1]
        form.template_id = self.env.ref("roms_crm.roms_message_template_greeting")
        self.assertEqual(
            form.body,
            "Halo Pelanggan 1, selamat datang! Ada yang bisa kami bantu hari ini?",
        )
        self.assertEqual(form.save().state, "queued")
        action = self.customers[0].with_user(cs_user).action_roms_messages()
        self.assertEqual(self.env["roms.message"].search(action["domain"]), message)
