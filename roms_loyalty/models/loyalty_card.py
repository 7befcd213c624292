from odoo import api, models
from odoo.tools import SQL


class LoyaltyCard(models.Model):
    _inherit = "loyalty.card"

    @api.model_create_multi
    def create(self, vals_list):
        cards = super().create(vals_list)
        self.env["res.partner"].invalidate_model(["roms_loyalty_points"])
        return cards

    def write(self, vals):
        result = super().write(vals)
        if {"points", "partner_id", "program_id"} & set(vals):
            # the customer's total is computed from the cards, not stored
            self.env["res.partner"].invalidate_model(["roms_loyalty_points"])
        return result

    def _roms_lock(self, touch=False):
        """Lock these cards' rows until the end of the transaction, so that two
        transactions never spend or take back the same points at once. A
        transaction that started before another one changed a card fails with a
        serialization error (and is retried by Odoo) instead of overdrawing it."""
        if not self:
            return self
        self.env.execute_query(
            SQL(
                "SELECT id FROM loyalty_card WHERE id IN %s ORDER BY id FOR UPDATE",
                tuple(self.ids),
            )
        )
        if touch:
            # a real update: a transaction that read the card before this one
            # commits cannot lock it any more (serialization failure), so two
            # redemptions at once are serialized even when the balance is unchanged
            self.env.execute_query(
                SQL(
                    "UPDATE loyalty_card SET write_date = now() at time zone 'UTC' "
                    "WHERE id IN %s",
                    tuple(self.ids),
                )
            )
        self.invalidate_recordset(["points", "write_date"])
        return self
