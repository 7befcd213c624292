from werkzeug.urls import url_encode

from odoo import api, fields, models
from odoo.tools.misc import formatLang, hmac

# Customers confirm their bank transfers on the order's portal page (on unless
# the shop turns it off: a shop paid online or cash on delivery has no use for it).
PORTAL_CONFIRMATION_PARAM = "roms_crm.portal_payment_confirmation"
# Payment methods whose money never comes as a transfer from the customer.
NO_TRANSFER_METHODS = ("cod", "marketplace")


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # read through sudo by the order's portal page and the chat; only ROMS users
    # see the records, so Odoo's own sales users can still read whole orders
    roms_payment_confirmation_ids = fields.One2many(
        "roms.payment.confirmation",
        "order_id",
        string="Payment Confirmations",
        groups="roms_crm.group_roms_cs",
    )

    # ------------------------------------------------------------------
    # Payments with Odoo's payment app (providers enabled by the shop)
    # ------------------------------------------------------------------

    def _roms_amount_received(self):
        """What was paid on this order: its done or authorized online payments
        (Odoo's ``amount_paid``) or, when more, what was paid in Accounting on its
        posted customer invoices, credit notes deducted. The larger of the two,
        not their sum: an online payment also pays the invoice it creates."""
        self.ensure_one()
        invoiced_paid = 0.0
        for move in self.invoice_ids.filtered(lambda move: move.state == "posted"):
            paid = move.amount_total - move.amount_residual
            invoiced_paid += -paid if move.move_type == "out_refund" else paid
        return max(self.amount_paid, invoiced_paid)

    def _roms_amount_due(self):
        """What remains to pay on this order."""
        self.ensure_one()
        return self.currency_id.round(self.amount_total - self._roms_amount_received())

    def _roms_amount_due_typed(self):
        """What remains to pay as the page's language writes it, without the
        currency ("1.149.000" in Indonesian): the default of the transfer
        confirmation form, read back by ``bounds.typed_amount``."""
        self.ensure_one()
        return formatLang(
            self.env,
            self._roms_amount_due(),
            digits=self.currency_id.decimal_places,
        )

    def _roms_awaits_payment(self):
        """The order is open, not paid and something remains to pay."""
        self.ensure_one()
        return (
            self.state in ("draft", "sent", "sale")
            and self.roms_payment_status not in ("paid", "refunded")
            and self.currency_id.compare_amounts(self._roms_amount_due(), 0) > 0
        )

    @api.model
    def _roms_portal_confirmation_enabled(self):
        """The shop takes bank transfer confirmations on the portal (setting)."""
        return self.env["ir.config_parameter"]._roms_param(
            PORTAL_CONFIRMATION_PARAM, True
        )

    def _roms_awaits_transfer(self):
        """The order's portal page offers the transfer confirmation form: the
        shop takes them, the order awaits a payment and is not paid on delivery
        or at a marketplace."""
        self.ensure_one()
        return (
            self._roms_portal_confirmation_enabled()
            and self.roms_payment_method not in NO_TRANSFER_METHODS
            and self._roms_awaits_payment()
        )

    def _roms_payment_providers(self):
        """The payment providers the shop enabled for this order's company."""
        self.ensure_one()
        return (
            self.env["payment.provider"]
            .sudo()
            .search(
                [
                    ("state", "in", ("enabled", "test")),
                    ("company_id", "=", self.company_id.id),
                ]
            )
        )

    def _roms_payment_link(self):
        """``{payment_link}``: Odoo's payment page for what remains to pay, signed
        for this order's customer and amount as Sales' *Generate a Payment Link*
        signs it (``/payment/pay`` checks it); empty when nothing is due or no
        provider is enabled. Built here rather than with the wizard, whose token
        needs an HTTP request: reminders and confirmations are rendered by crons."""
        self.ensure_one()
        if not self._roms_awaits_payment() or not self._roms_payment_providers():
            return ""
        values = self._get_default_payment_link_values()
        amount = self.currency_id.round(values["amount"])
        token = hmac(
            self.env(su=True),
            "generate_access_token",
            "|".join(
                str(v) for v in (values["partner_id"], amount, values["currency_id"])
            ),
        )
        query = url_encode(
            {"amount": amount, "access_token": token, "sale_order_id": self.id}
        )
        return f"{self.get_base_url()}/payment/pay?{query}"

    def _roms_payment_received(self, comment):
        """A payment of these orders was received (an online payment done, a
        transfer verified): the payment status follows what was paid, a paid
        quotation is confirmed, a paid order waiting at Pending moves to Processed
        with ``comment`` in its history, and the customer is told
        (:meth:`_roms_on_payment_received`)."""
        for order in self:
            paid = order.roms_payment_status == "paid" or (
                order.currency_id.compare_amounts(order.amount_paid, order.amount_total)
                >= 0
            )
            order.roms_payment_status = "paid" if paid else "partial"
            if not paid:
                continue
            if order.state in ("draft", "sent"):
                order.action_confirm()
            if order.state == "sale" and order.roms_stage == "pending":
                order._roms_set_stage("processed", comment=comment)
        self._roms_on_payment_received()

    def _roms_on_payment_received(self):
        """Hook: a payment of these orders was received. Messaging queues the
        Payment Received message."""
        return True
