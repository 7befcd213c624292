"""A customer's confirmation of a bank transfer, with its proof, waiting for the
shop to check its bank account (the seeds' order flow: an order stays Pending
until the customer has paid and confirmed, then the admin sets Processing)."""

import base64
from datetime import datetime, time

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.mimetypes import guess_mimetype

from ...tools import bounds
from ...tools.locks import claim_rows

PROOF_TYPES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "application/pdf": "pdf",
}
MAX_PROOF_BYTES = 5 * 1024 * 1024
BANK_LENGTH = 64


class RomsPaymentError(UserError):
    """A payment confirmation refused, nothing written; ``code`` names the reason
    for the portal page: ``disabled``, ``bank``, ``amount``, ``date``,
    ``proof``, ``proof_size``, ``proof_type``, ``order`` or ``duplicate``."""

    def __init__(self, message, code):
        super().__init__(message)
        self.code = code


class RomsPaymentConfirmation(models.Model):
    _name = "roms.payment.confirmation"
    _description = "Payment Confirmation"
    _order = "state_sequence, id desc"
    _rec_name = "order_id"

    order_id = fields.Many2one(
        "sale.order", required=True, index=True, ondelete="cascade", readonly=True
    )
    partner_id = fields.Many2one(
        related="order_id.partner_id", string="Customer", store=True
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True)
    currency_id = fields.Many2one(related="order_id.currency_id")
    order_amount = fields.Monetary(
        related="order_id.amount_total", string="Order Total"
    )
    bank = fields.Char(help="The bank (and account holder) the customer paid from.")
    amount = fields.Monetary(string="Amount Transferred")
    paid_on = fields.Date(string="Transfer Date")
    proof = fields.Binary(attachment=True)
    proof_name = fields.Char(string="Proof File Name")
    proof_mimetype = fields.Char(string="Proof Type")
    proof_is_image = fields.Boolean(compute="_compute_proof_is_image")
    source = fields.Selection(
        [("portal", "Portal"), ("whatsapp", "WhatsApp"), ("backend", "Backend")],
        default="backend",
        required=True,
        readonly=True,
    )
    state = fields.Selection(
        [
            ("submitted", "To Verify"),
            ("verified", "Verified"),
            ("rejected", "Rejected"),
        ],
        default="submitted",
        required=True,
        index=True,
        readonly=True,
    )
    state_sequence = fields.Integer(compute="_compute_state_sequence", store=True)
    reject_reason = fields.Text(
        help="Told to the customer, who is asked to confirm the payment again."
    )
    checked_by_id = fields.Many2one("res.users", readonly=True)
    checked_at = fields.Datetime(string="Checked On", readonly=True)

    @api.model
    def _roms_max_proof_bytes(self):
        """What a proof may weigh: the portal's form tells the browser, which
        refuses a larger file before sending it."""
        return MAX_PROOF_BYTES

    @api.constrains("bank", "reject_reason")
    def _check_texts(self):
        Bounds = self.env["roms.bounds"]
        Bounds._constrain_text(self, "bank", BANK_LENGTH, self.env._("The bank"), False)
        Bounds._constrain_text(
            self, "reject_reason", bounds.NOTE_LENGTH, self.env._("The reason")
        )

    @api.constrains("amount")
    def _check_amount(self):
        for confirmation in self:
            try:
                self.env["roms.bounds"]._check_price(confirmation.amount)
            except bounds.BoundsError as error:
                raise ValidationError(str(error)) from error

    @api.depends("state")
    def _compute_state_sequence(self):
        order = {"submitted": 0, "rejected": 1, "verified": 2}
        for confirmation in self:
            confirmation.state_sequence = order.get(confirmation.state, 3)

    @api.depends("proof_mimetype")
    def _compute_proof_is_image(self):
        for confirmation in self:
            mimetype = confirmation.proof_mimetype or ""
            confirmation.proof_is_image = mimetype.startswith("image/")

    # ------------------------------------------------------------ intake

    @api.model
    def _check_proof(self, data, filename=None):
        """``data`` (bytes) as a proof: its type read from the content (a JPEG,
        PNG or WebP picture, or a PDF) and its size (5 MB at most).

        :return: (base64 data, file name, mimetype)
        :raise RomsPaymentError: empty, too large or of another type.
        """
        if not data:
            raise RomsPaymentError(
                self.env._("Attach a photo or a PDF of the transfer."), "proof"
            )
        if len(data) > MAX_PROOF_BYTES:
            raise RomsPaymentError(
                self.env._("The proof is too large (5 MB at most)."), "proof_size"
            )
        mimetype = guess_mimetype(data, default="")
        if mimetype not in PROOF_TYPES:
            raise RomsPaymentError(
                self.env._("The proof must be a photo (JPEG, PNG, WebP) or a PDF."),
                "proof_type",
            )
        try:
            name = bounds.clean_text(filename, 128, name=True) or ""
        except bounds.BoundsError:
            name = ""
        extension = PROOF_TYPES[mimetype]
        if not name.lower().endswith(f".{extension}"):
            name = f"bukti-transfer.{extension}"
        return base64.b64encode(data), name, mimetype

    @api.model
    def _from_form(self, order, bank, amount, paid_on, proof, filename, source):
        """Create the confirmation a customer typed for ``order`` (sudo): every
        value is checked first, nothing is written when one is wrong or when the
        shop does not take confirmations on the portal.

        :raise RomsPaymentError: with the reason's code.
        """
        if not order._roms_portal_confirmation_enabled():
            raise RomsPaymentError(
                self.env._("This shop does not take payment confirmations here."),
                "disabled",
            )
        if not order._roms_awaits_transfer():
            raise RomsPaymentError(
                self.env._("This order does not wait for a payment."), "order"
            )
        try:
            bank = bounds.clean_text(bank, BANK_LENGTH, name=True)
        except bounds.BoundsError:
            bank = None
        if not bank:
            raise RomsPaymentError(
                self.env._("Tell us the bank you paid from."), "bank"
            )
        # as typed in the page's language: "1.149.000" in Indonesian
        lang = self.env["res.lang"]._get_data(code=self.env.lang or "en_US")
        try:
            amount = self.env["roms.bounds"]._check_price(
                bounds.typed_amount(amount, lang.thousands_sep, lang.decimal_point),
                parse=True,
            )
        except bounds.BoundsError:
            amount = 0
        # in the order's currency: "0.000000001" is no transfer of Rp 0
        amount = order.currency_id.round(amount) if amount else 0
        if not amount or amount <= 0:
            raise RomsPaymentError(
                self.env._("The amount transferred is not valid."), "amount"
            )
        try:
            day = fields.Date.to_date(bounds.clean_text(paid_on, 10) or "")
            self.env["roms.bounds"]._check_datetime(datetime.combine(day, time()))
        except (bounds.BoundsError, ValueError, TypeError):
            day = None
        if not day or day > self.env["res.partner"]._roms_latest_today():
            raise RomsPaymentError(
                self.env._("The transfer date is not valid."), "date"
            )
        data, name, mimetype = self._check_proof(proof, filename)
        # the same transfer sent twice (a double tap, at the same moment too):
        # the second one waits for the first, then finds it
        claim_rows(order)
        if self.sudo().search_count(
            [
                ("order_id", "=", order.id),
                ("state", "=", "submitted"),
                ("bank", "=", bank),
                ("amount", "=", amount),
                ("paid_on", "=", day),
            ],
            limit=1,
        ):
            raise RomsPaymentError(
                self.env._("This transfer was already sent: we are checking it."),
                "duplicate",
            )
        return self.sudo().create(
            {
                "order_id": order.id,
                "bank": bank,
                "amount": amount,
                "paid_on": day,
                "proof": data,
                "proof_name": name,
                "proof_mimetype": mimetype,
                "source": source,
            }
        )

    # ----------------------------------------------------------- actions

    def _check_submitted(self):
        if not (self.env.su or self.env.user.has_group("roms_crm.group_roms_admin")):
            raise AccessError(self.env._("Only ROMS administrators verify payments."))
        if any(confirmation.state != "submitted" for confirmation in self):
            raise UserError(self.env._("Only confirmations to verify can be checked."))

    def action_verify(self):
        """The money is in the bank: the order is paid, moves to Processing and
        the customer is told."""
        self._check_submitted()
        self.write(
            {
                "state": "verified",
                "checked_by_id": self.env.user.id,
                "checked_at": fields.Datetime.now(),
            }
        )
        for confirmation in self:
            order = confirmation.order_id.sudo()
            vals = {"roms_payment_status": "paid"}
            if not order.roms_payment_method:
                vals["roms_payment_method"] = "bank_transfer"
            order.write(vals)
            order._roms_payment_received(
                self.env._(
                    "Bank transfer verified (%(bank)s, %(date)s).",
                    bank=confirmation.bank,
                    date=confirmation.paid_on,
                )
            )
        return True

    def action_reject(self):
        """The money is not there: the customer is asked again, with the reason."""
        self._check_submitted()
        if any(not (c.reject_reason or "").strip() for c in self):
            raise UserError(
                self.env._("Write the reason first: the customer will read it.")
            )
        self.write(
            {
                "state": "rejected",
                "checked_by_id": self.env.user.id,
                "checked_at": fields.Datetime.now(),
            }
        )
        self._on_rejected()
        return True

    def _on_rejected(self):
        """Hook: these confirmations were rejected. Messaging asks the customers
        again."""
        return True

    def action_open_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.order_id.id,
            "view_mode": "form",
        }
