from odoo import api, models
from odoo.tools import SQL

# Fields of a confirmed order that its customer's statistics depend on.
ROMS_STATS_FIELDS = frozenset({"date_order", "partner_id", "currency_rate"})

# The value of the context key roms_defer_customer_stats that puts the refresh
# off (SaleOrder._roms_defer_customer_stats). Only this object does: XML-RPC and
# JSON-RPC carry plain data, so no caller's context can hold it, and one saying
# roms_defer_customer_stats=True gets the statistics refreshed at once.
_DEFER_STATS = object()


class SaleOrder(models.Model):
    """The customer statistics follow the orders that count: confirming,
    cancelling and editing a confirmed order refresh its customers' figures.

    Also the vocabulary every ROMS query counts orders with: "an order that
    counts", "a refunded order" and "its amount in company currency", each
    written once as SQL on a table alias (README › Architecture)."""

    _inherit = "sale.order"

    def write(self, vals):
        if ROMS_STATS_FIELDS.isdisjoint(vals):
            return super().write(vals)
        # statistics follow edits of confirmed orders: old and new customer
        counted = self._roms_counting_orders()
        old_customers = counted.partner_id
        result = super().write(vals)
        counted._roms_update_customer_stats(old_customers)
        return result

    def _action_confirm(self):
        result = super()._action_confirm()
        self._roms_update_customer_stats()
        return result

    def _action_cancel(self):
        was_confirmed = self._roms_counting_orders()
        result = super()._action_cancel()
        was_confirmed._roms_update_customer_stats()
        return result

    def _roms_defer_customer_stats(self):
        """These orders in an environment where confirming, cancelling or
        editing them leaves their customers' statistics as they are, for ROMS's
        own code that refreshes them once it is done (the order API confirms a
        back-dated order, then writes its date: one refresh, by that date).
        Private to the server's code: see ``_DEFER_STATS``."""
        return self.with_context(roms_defer_customer_stats=_DEFER_STATS)

    def _roms_update_customer_stats(self, partners=None):
        """Bring the statistics and segments of these orders' customers (and of
        ``partners``, e.g. an order's previous customer) up to date, in the same
        transaction, in a number of queries independent of their order history."""
        if not (self or partners):
            return
        if self.env.context.get("roms_defer_customer_stats") is _DEFER_STATS:
            return  # the caller refreshes them once it is done
        customers = self.partner_id | (partners or self.env["res.partner"])
        customers = customers.commercial_partner_id
        customers |= customers.child_ids
        customers.filtered("roms_category")._roms_update_stats()

    # ------------------------------------------------------------------
    # The vocabulary of orders that count
    # ------------------------------------------------------------------

    @api.model
    def _roms_counting_order_sql(self, alias):
        """SQL condition: the sale_order row ``alias`` is an order that counts.

        An order counts once it is confirmed and for as long as it is not
        cancelled: state ``sale`` (Odoo 18 has no ``done`` state; a locked order
        stays ``sale``). Quotations and cancelled orders never count. A refunded
        order still counts (it was bought): the customer statistics take its
        refunded amount off the spend (``res.partner._roms_stats_refunds_sql``),
        and the reminder scan skips it (``_roms_refunded_order_sql``).

        Used by the customer statistics, the reminder scan (purchase history,
        re-orders), the dashboard, the top customers, every report and the
        bench floors; ``_roms_counting_order_domain`` is its ORM twin and
        ``_roms_counting_orders`` its Python one.
        """
        return SQL(
            "%s = 'sale'",
            SQL.identifier(alias, "state", to_flush=self._fields["state"]),
        )

    @api.model
    def _roms_counting_order_domain(self):
        """The orders that count (``_roms_counting_order_sql``) as an ORM domain,
        for the actions that open what a figure counted. Also valid on
        ``sale.report``, whose lines carry their order's state."""
        return [("state", "=", "sale")]

    def _roms_counting_orders(self):
        """These orders that count (``_roms_counting_order_sql``), in Python: the
        statistics' triggers refresh the customers of these orders."""
        return self.filtered(lambda order: order.state == "sale")

    @api.model
    def _roms_refunded_order_sql(self, alias, column="id"):
        """SQL condition: the order whose id is ``alias.column`` (a sale_order
        row by default, or any row holding an order id) has a refund marked
        refunded, whole or partial. Such an order still counts; the reminder scan
        does not remind about it."""
        Refund = self.env["roms.refund.request"]
        return SQL(
            """EXISTS (SELECT 1 FROM roms_refund_request roms_refund
                        WHERE %s = %s AND %s = 'refunded')""",
            SQL.identifier(
                "roms_refund", "order_id", to_flush=Refund._fields["order_id"]
            ),
            SQL.identifier(alias, column),
            SQL.identifier("roms_refund", "state", to_flush=Refund._fields["state"]),
        )

    @api.model
    def _roms_amount_company_sql(self, alias, amount=None):
        """SQL expression: an amount of the sale_order row ``alias`` in the
        company currency, by default its total (``amount_total``).

        ``amount`` is another amount in the order's currency (a refund of the
        order): it is converted with the order's own rate, as the order. The
        order's ``currency_rate`` (order currency per company currency, fixed at
        the order date) divides it; a missing or zero rate means the order is in
        the company currency.
        """
        if amount is None:
            amount = SQL.identifier(
                alias, "amount_total", to_flush=self._fields["amount_total"]
            )
        return SQL(
            "%s / COALESCE(NULLIF(%s, 0), 1)",
            amount,
            SQL.identifier(
                alias, "currency_rate", to_flush=self._fields["currency_rate"]
            ),
        )
