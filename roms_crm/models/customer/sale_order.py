from odoo import models

# Fields of a confirmed order that its customer's statistics depend on.
ROMS_STATS_FIELDS = frozenset({"date_order", "partner_id", "currency_rate"})


class SaleOrder(models.Model):
    """The customer statistics follow the orders that count: confirming,
    cancelling and editing a confirmed order refresh its customers' figures."""

    _inherit = "sale.order"

    def write(self, vals):
        if ROMS_STATS_FIELDS.isdisjoint(vals):
            return super().write(vals)
        # statistics follow edits of confirmed orders: old and new customer
        counted = self.filtered(lambda o: o.state == "sale")
        old_customers = counted.partner_id
        result = super().write(vals)
        counted._roms_update_customer_stats(old_customers)
        return result

    def _action_confirm(self):
        result = super()._action_confirm()
        self._roms_update_customer_stats()
        return result

    def _action_cancel(self):
        was_confirmed = self.filtered(lambda order: order.state == "sale")
        result = super()._action_cancel()
        was_confirmed._roms_update_customer_stats()
        return result

    def _roms_update_customer_stats(self, partners=None):
        """Bring the statistics and segments of these orders' customers (and of
        ``partners``, e.g. an order's previous customer) up to date, in the same
        transaction, in a number of queries independent of their order history."""
        if not (self or partners) or self.env.context.get("roms_defer_customer_stats"):
            return  # nothing to do, or the caller refreshes them once it is done
        customers = self.partner_id | (partners or self.env["res.partner"])
        customers = customers.commercial_partner_id
        customers |= customers.child_ids
        customers.filtered("roms_category")._roms_update_stats()
