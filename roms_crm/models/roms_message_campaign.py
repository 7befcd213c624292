from odoo import api, fields, models
from odoo.tools import SQL


class RomsMessage(models.Model):
    _inherit = "roms.message"

    broadcast_id = fields.Many2one(
        "roms.broadcast", string="Broadcast", ondelete="cascade", readonly=True
    )
    reminder_rule_id = fields.Many2one(
        "roms.reminder.rule",
        string="Reminder Rule",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )

    @api.model
    def _roms_opted_out_sql(self, partner):
        """SQL condition: the customer of the res_partner alias ``partner`` opted
        out. The same rule as ``res.partner.roms_opt_out`` (an active
        ``mail.blacklist`` e-mail or ``phone.blacklist`` number), written as two
        index probes per customer for the set-based reminder and broadcast
        queries."""
        self.env["mail.blacklist"].flush_model(["email", "active"])
        self.env["phone.blacklist"].flush_model(["number", "active"])
        return SQL(
            """(EXISTS (SELECT 1 FROM mail_blacklist bl
                         WHERE bl.active AND bl.email = %(email)s)
                OR EXISTS (SELECT 1 FROM phone_blacklist pb
                            WHERE pb.active AND pb.number = %(number)s))""",
            email=SQL.identifier(partner, "email_normalized"),
            number=SQL.identifier(partner, "roms_whatsapp_number"),
        )

    def init(self):
        super().init()
        cr = self.env.cr
        # Never two reminders for one (rule, order line), never one broadcast
        # twice to a customer or to an address, whatever runs concurrently.
        for name, columns, where in (
            (
                "roms_message_reminder_line_uniq",
                "reminder_rule_id, sale_order_line_id",
                "reminder_rule_id IS NOT NULL AND sale_order_line_id IS NOT NULL",
            ),
            (
                "roms_message_broadcast_partner_uniq",
                "broadcast_id, partner_id",
                "broadcast_id IS NOT NULL",
            ),
            (
                "roms_message_broadcast_recipient_uniq",
                "broadcast_id, recipient",
                "broadcast_id IS NOT NULL AND recipient IS NOT NULL",
            ),
        ):
            cr.execute(
                SQL(
                    "CREATE UNIQUE INDEX IF NOT EXISTS %s ON roms_message (%s) "
                    "WHERE %s",
                    SQL.identifier(name),
                    SQL(columns),
                    SQL(where),
                )
            )

    def _roms_process(self, commit=False):
        """After each batch the queue sends, check the failure share of the
        running broadcasts it sent for (automatic pause)."""
        done = super()._roms_process(commit=commit)
        broadcasts = self.broadcast_id.filtered(lambda b: b.state == "sending")
        if broadcasts:
            broadcasts.sudo()._roms_check_failures()
        return done
