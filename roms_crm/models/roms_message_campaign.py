from odoo import fields, models
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
