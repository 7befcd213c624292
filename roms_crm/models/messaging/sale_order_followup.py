"""Follow-ups of orders that stop by themselves: abandoned-cart recovery and the
review request. Both are off until the shop turns them on (a number of hours or
days in the settings), both go through the message queue, and a unique index on
the queue makes every message of them happen once, whatever runs concurrently.

Cart recovery (marketing: the frequency cap applies): a quotation or portal cart
idle for N hours gets the Cart Recovery template with its link, optionally a
second message M hours after the first. Neither goes once the order is confirmed,
paid or cancelled, or the customer has written to the shop or opted out.

Review request: N days after an order was delivered, one message with the link to
rate its products (the order's page, signed with its access token). Classified
apart from marketing: one per order, about an order the customer received, so the
frequency cap does not count it, but it is a request, not a service message, so
opted-out customers never get it.
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, create_index

CART_RECOVERY_HOURS_PARAM = "roms_crm.cart_recovery_hours"
CART_RECOVERY_SECOND_HOURS_PARAM = "roms_crm.cart_recovery_second_hours"
REVIEW_REQUEST_DAYS_PARAM = "roms_crm.review_request_days"
FOLLOWUP_BATCH_PARAM = "roms_crm.followup_batch_size"
# messages that fell due up to this long ago are still sent (server down)
FOLLOWUP_LOOKBACK = timedelta(days=2)
DEFAULT_FOLLOWUP_BATCH = 500
SENT_STATES = ("sent", "delivered", "read")


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def init(self):
        # the cart-recovery scan walks the open quotations by date only
        create_index(
            self.env.cr,
            "sale_order_roms_open_quotation_date_idx",
            "sale_order",
            ["date_order", "id"],
            where="state IN ('draft', 'sent')",
        )
        return super().init()

    # ------------------------------------------------------------ settings

    @api.model
    def _roms_on_new_order(self):
        # a cart the customer confirmed after its recovery message: ordered
        # through that message's link
        result = super()._roms_on_new_order()
        recoveries = (
            self.env["roms.message"]
            .sudo()
            .search(
                [
                    ("kind", "=", "cart_recovery"),
                    ("res_model", "=", "sale.order"),
                    ("res_id", "in", self.ids),
                    ("state", "in", ("sent", "delivered", "read")),
                ],
                order="sent_at desc, id desc",
            )
        )
        for order in self.sudo().filtered(lambda o: not o.roms_message_id):
            message = recoveries.filtered(lambda m, o=order: m.res_id == o.id)[:1]
            if message:
                order._roms_attribute_to_message(message, "recovery_link")
        return result

    def _roms_followup_setting(self, key):
        """A follow-up setting as a non-negative number (0: off)."""
        return max(self.env["ir.config_parameter"]._roms_param(key, 0), 0)

    # --------------------------------------------------------- cart recovery

    @api.model
    def _roms_cart_recovery_query(self, now, limit=None):
        """Due cart-recovery messages: (order id, step) pairs, in one query.

        Step 1: an open quotation (draft or sent) whose date is N hours ago
        (within the lookback), with no recovery message yet. Step 2: M hours
        after step 1 was sent, the quotation still open. Both only while the
        order is not paid and the customer has neither written since (the
        quotation's date, step 1's sending) nor opted out."""
        first = self._roms_followup_setting(CART_RECOVERY_HOURS_PARAM)
        second = self._roms_followup_setting(CART_RECOVERY_SECOND_HOURS_PARAM)
        Message = self.env["roms.message"]
        parts = []
        if first:
            since = now - timedelta(hours=first)
            parts.append(
                SQL(
                    """
                SELECT o.id AS order_id, 1 AS step
                  FROM sale_order o
                  JOIN res_partner p ON p.id = o.partner_id
                 WHERE o.state IN ('draft', 'sent')
                   AND o.date_order <= %(since)s
                   AND o.date_order > %(oldest)s
                   AND o.roms_payment_status IS DISTINCT FROM 'paid'
                   AND NOT EXISTS (SELECT 1 FROM roms_message m
                                    WHERE m.kind = 'cart_recovery'
                                      AND m.res_id = o.id)
                   AND NOT %(opted_out)s
                   AND NOT %(replied)s""",
                    since=since,
                    oldest=since - FOLLOWUP_LOOKBACK,
                    opted_out=Message._opted_out_sql("p"),
                    replied=Message._replied_since_sql("p", SQL("o.date_order")),
                )
            )
        if first and second:
            since = now - timedelta(hours=second)
            parts.append(
                SQL(
                    """
                SELECT o.id AS order_id, 2 AS step
                  FROM roms_message m1
                  JOIN sale_order o ON o.id = m1.res_id
                  JOIN res_partner p ON p.id = o.partner_id
                 WHERE m1.kind = 'cart_recovery' AND m1.step = 1
                   AND m1.state IN %(sent)s
                   AND m1.sent_at <= %(since)s
                   AND m1.sent_at > %(oldest)s
                   AND o.state IN ('draft', 'sent')
                   AND o.roms_payment_status IS DISTINCT FROM 'paid'
                   AND NOT EXISTS (SELECT 1 FROM roms_message m2
                                    WHERE m2.kind = 'cart_recovery'
                                      AND m2.res_id = o.id AND m2.step = 2)
                   AND NOT %(opted_out)s
                   AND NOT %(replied)s""",
                    sent=SENT_STATES,
                    since=since,
                    oldest=since - FOLLOWUP_LOOKBACK,
                    opted_out=Message._opted_out_sql("p"),
                    replied=Message._replied_since_sql("p", SQL("m1.sent_at")),
                )
            )
        if not parts:
            return None
        return SQL(
            "%s ORDER BY order_id, step %s",
            SQL(" UNION ALL ").join(parts),
            SQL("LIMIT %s", limit) if limit else SQL(),
        )

    @api.model
    def _roms_due_cart_recoveries(self, now=None, limit=None):
        """[(order id, step)] of the cart-recovery messages due now."""
        query = self._roms_cart_recovery_query(now or fields.Datetime.now(), limit)
        if query is None:
            return []
        self._roms_flush_followup_fields()
        return self.env.execute_query(query)

    @api.model
    def _roms_queue_cart_recoveries(self, pairs):
        """Queue the recovery messages of ``pairs`` (order id, step), frequency
        cap applied; a pair queued meanwhile by another worker is skipped."""
        template = self._roms_message_template("cart_recovery")
        if not pairs or not template:
            return self.env["roms.message"]
        orders = self.sudo().browse([order_id for order_id, _step in pairs])
        vals_list = [
            orders.browse(order_id)._roms_followup_vals(
                "cart_recovery", template, step=step
            )
            for order_id, step in pairs
        ]
        Message = self.env["roms.message"]
        Message._apply_frequency_cap(vals_list)
        return Message._create_skipping_duplicates(vals_list)

    # --------------------------------------------------------- review request

    @api.model
    def _roms_review_request_query(self, now, limit=None):
        """Due review requests: ids of the orders delivered N days ago (within the
        lookback) that count (not cancelled, not refunded), with no review request
        and no review yet, whose customer has not opted out."""
        days = self._roms_followup_setting(REVIEW_REQUEST_DAYS_PARAM)
        if not days:
            return None
        since = now - timedelta(days=days)
        return SQL(
            """
            SELECT o.id
              FROM sale_order o
              JOIN res_partner p ON p.id = o.partner_id
             WHERE %(delivered)s
               AND o.roms_delivered_date <= %(since)s
               AND o.roms_delivered_date > %(oldest)s
               AND NOT %(refunded)s
               AND NOT EXISTS (SELECT 1 FROM roms_message m
                                WHERE m.kind = 'review_request' AND m.res_id = o.id)
               AND NOT EXISTS (SELECT 1 FROM roms_product_review rv
                                WHERE rv.order_id = o.id)
               AND NOT %(opted_out)s
             ORDER BY o.id
             %(limit)s""",
            delivered=self.env["roms.reminder.rule"]._delivered_sql("o"),
            since=since,
            oldest=since - FOLLOWUP_LOOKBACK,
            refunded=self._roms_refunded_order_sql("o"),
            opted_out=self.env["roms.message"]._opted_out_sql("p"),
            limit=SQL("LIMIT %s", limit) if limit else SQL(),
        )

    @api.model
    def _roms_due_review_requests(self, now=None, limit=None):
        query = self._roms_review_request_query(now or fields.Datetime.now(), limit)
        if query is None:
            return self.browse()
        self._roms_flush_followup_fields()
        self.env["roms.product.review"].flush_model(["order_id"])
        return self.sudo().browse([row[0] for row in self.env.execute_query(query)])

    def _roms_queue_review_requests(self):
        """Queue one review request per order of ``self`` (never twice: the
        queue's unique index)."""
        template = self._roms_message_template("review_request")
        if not self or not template:
            return self.env["roms.message"]
        vals_list = [
            order._roms_followup_vals("review_request", template) for order in self
        ]
        return self.env["roms.message"]._create_skipping_duplicates(vals_list)

    # ------------------------------------------------------------------ both

    @api.model
    def _roms_flush_followup_fields(self):
        self.flush_model(
            [
                "state",
                "date_order",
                "partner_id",
                "roms_payment_status",
                "roms_stage",
                "roms_delivered_date",
            ]
        )
        self.env["roms.message"].flush_model()
        self.env["roms.refund.request"].flush_model(["order_id", "state"])

    def _roms_followup_vals(self, kind, template, step=0):
        """The queue row of a follow-up message about this order."""
        self.ensure_one()
        Message = self.env["roms.message"]
        partner = self.partner_id
        lang = partner.lang or self.env.lang
        channel = Message._default_channel(partner)
        recipient = Message._recipient(partner, channel)
        vals = {
            "partner_id": partner.id,
            "channel": channel,
            "kind": kind,
            "step": step,
            "template_id": template.id,
            "body": template.with_context(lang=lang)._render(
                partner=partner.with_context(lang=lang),
                order=self.with_context(lang=lang),
            ),
            "res_model": "sale.order",
            "res_id": self.id,
            "recipient": recipient or False,
            "state": "queued",
        }
        # without a recipient, kept (the follow-up is done) but never sent
        return self.env["roms.message"]._complete_queue_vals(
            vals, template, recipient, channel
        )

    @api.model
    def _cron_roms_followups(self, batch_size=None, now=None):
        """Queue one batch of due cart recoveries and review requests, report
        progress and return what was queued; the runner calls again while some
        remain."""
        batch_size = batch_size or self.env["ir.config_parameter"]._roms_param(
            FOLLOWUP_BATCH_PARAM, DEFAULT_FOLLOWUP_BATCH
        )
        carts = self._roms_due_cart_recoveries(now=now, limit=batch_size + 1)
        queued = self._roms_queue_cart_recoveries(carts[:batch_size])
        reviews = self._roms_due_review_requests(now=now, limit=batch_size + 1)
        queued |= reviews[:batch_size]._roms_queue_review_requests()
        more = len(carts) > batch_size or len(reviews) > batch_size
        self.env["ir.cron"]._notify_progress(done=len(queued), remaining=int(more))
        return queued
