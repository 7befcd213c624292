"""Fixtures of the messaging tests: a real SMTP server on 127.0.0.1.

The e-mail channel goes through Odoo's ``mail.mail`` and ``ir.mail_server`` for real:
Odoo skips SMTP while a test runs (``odoo.modules.module.current_test``), so
``smtp_server`` lifts that switch for the duration and points the outgoing mail
server at this loopback server, which records every message it accepts and can
refuse connections (a temporary failure) or recipients (a permanent one).
"""

import contextlib
import email
import socketserver
import threading
from email import policy
from unittest.mock import patch

from odoo.tests import TransactionCase


def send_cron_triggers(env):
    """The pending triggers of ROMS's sending cron once this transaction commits:
    its precommit hooks run first, as at commit, where the cron is woken for the
    messages the transaction left queued (``roms.message._wake_sender_at_commit``)."""
    env.cr.flush()
    cron = env.ref("roms_crm.ir_cron_roms_send_messages")
    return env["ir.cron.trigger"].sudo().search([("cron_id", "=", cron.id)])


class LoopbackSMTPServer:
    """A minimal SMTP server speaking enough RFC 5321 for ``smtplib``.

    ``mode``: ``accept`` (record and accept), ``down`` (421 at the greeting: the
    client cannot connect), ``reject`` (550 on every recipient)."""

    def __init__(self):
        self.messages = []
        self.mode = "accept"
        owner = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, text):
                self.wfile.write(text.encode() + b"\r\n")

            def handle(self):
                if owner.mode == "down":
                    self.reply("421 4.3.2 Service not available, try later")
                    return
                self.reply("220 loopback ESMTP")
                recipients = []
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    command = line.decode(errors="replace").strip()
                    verb = command.split(" ", 1)[0].upper()
                    if verb == "EHLO":
                        self.reply("250-loopback")
                        self.reply("250 8BITMIME")
                    elif verb == "HELO":
                        self.reply("250 loopback")
                    elif verb == "MAIL":
                        recipients = []
                        self.reply("250 2.1.0 OK")
                    elif verb == "RCPT":
                        if owner.mode == "reject":
                            self.reply("550 5.1.1 Mailbox unavailable")
                        else:
                            recipients.append(command.split(":", 1)[1].strip(" <>"))
                            self.reply("250 2.1.5 OK")
                    elif verb == "DATA":
                        self.reply("354 End data with <CR><LF>.<CR><LF>")
                        data = []
                        while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                            data.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                        owner.messages.append(
                            (
                                recipients,
                                email.message_from_bytes(
                                    b"".join(data), policy=policy.default
                                ),
                            )
                        )
                        self.reply("250 2.0.0 queued")
                    elif verb in ("RSET", "NOOP"):
                        self.reply("250 OK")
                    elif verb == "QUIT":
                        self.reply("221 bye")
                        return
                    else:
                        self.reply("502 5.5.2 Command not recognized")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def recipients(self):
        return [rcpt for rcpts, _message in self.messages for rcpt in rcpts]


class MessagingCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.smtp = LoopbackSMTPServer()
        cls.smtp.start()
        cls.addClassCleanup(cls.smtp.stop)
        cls.env.company.email = "toko@example.com"
        cls.env["ir.mail_server"].search([]).active = False
        cls.mail_server = cls.env["ir.mail_server"].create(
            {
                "name": "Loopback",
                "smtp_host": "127.0.0.1",
                "smtp_port": cls.smtp.port,
                "smtp_encryption": "none",
                "sequence": 1,
            }
        )
        cls.Message = cls.env["roms.message"]
        # messages queued by other data (demo orders) are not these tests' business
        cls.Message.search([]).unlink()
        set_param = cls.env["ir.config_parameter"].sudo().set_param
        set_param("roms_crm.message_retry_minutes", "5")
        set_param("roms_crm.message_max_attempts", "3")
        set_param("roms_crm.rate_limit_email", "0")

    def setUp(self):
        super().setUp()
        self.smtp.messages.clear()
        self.smtp.mode = "accept"

    @contextlib.contextmanager
    def smtp_server(self):
        """Let Odoo really talk SMTP (to the loopback server) inside this block."""
        with patch("odoo.modules.module.current_test", None):
            yield self.smtp

    @classmethod
    def make_customer(cls, name, email_address=None, mobile=None):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "roms_category": "customer",
                "email": email_address,
                "mobile": mobile,
            }
        )

    def queue(self, partners, kind="manual", body="Halo {name}"):
        return self.Message.create(
            [
                {
                    "partner_id": partner.id,
                    "kind": kind,
                    "body": body.replace("{name}", partner.name),
                }
                for partner in partners
            ]
        )
