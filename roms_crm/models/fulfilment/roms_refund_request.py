from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

from ...tools import bounds

REFUND_STATES = [
    ("requested", "Requested"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("refunded", "Refunded"),
]

# state -> states it may move to
REFUND_TRANSITIONS = {
    "requested": {"approved", "rejected"},
    "approved": {"refunded", "rejected", "requested"},
    "rejected": {"requested"},
    "refunded": {"approved"},
}


class RomsRefundRequest(models.Model):
    """A refund marking: ROMS records the request and its decision, and
    subtracts refunded amounts from the customer's statistics. It never moves
    money or stock; the shop refunds the payment and adjusts stock itself."""

    _name = "roms.refund.request"
    _description = "Refund Request"
    _inherit = ["mail.thread"]
    _order = "requested_date desc, id desc"

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    order_id = fields.Many2one(
        "sale.order",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        domain=[("state", "=", "sale")],
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        related="order_id.partner_id",
        store=True,
        index=True,
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True)
    currency_id = fields.Many2one(related="order_id.currency_id", store=True)
    line_ids = fields.One2many(
        "roms.refund.request.line", "request_id", string="Lines", copy=True
    )
    amount = fields.Monetary(
        string="Refund Amount",
        compute="_compute_amount",
        store=True,
        readonly=False,
        tracking=True,
        help="Defaults to the value of the lines; never above what was paid for them.",
    )
    reason = fields.Text(required=True)
    state = fields.Selection(
        REFUND_STATES,
        string="Status",
        default="requested",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    source = fields.Selection(
        [("backend", "Backend"), ("portal", "Portal")],
        default="backend",
        required=True,
        readonly=True,
    )
    requested_by_id = fields.Many2one(
        "res.users",
        default=lambda self: self.env.user,
        readonly=True,
        copy=False,
    )
    requested_date = fields.Datetime(
        string="Requested On", default=fields.Datetime.now, readonly=True, copy=False
    )
    decided_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    decided_date = fields.Datetime(string="Decided On", readonly=True, copy=False)
    refunded_date = fields.Datetime(string="Refunded On", readonly=True, copy=False)

    @api.model
    def _roms_photo_limits(self):
        """(bytes of a photo, photos of a request) the portal's form takes: its
        page tells the browser, which refuses more before sending anything."""
        return bounds.PHOTO_BYTES, bounds.PHOTO_COUNT

    @api.depends("line_ids.amount")
    def _compute_amount(self):
        for request in self:
            request.amount = sum(request.line_ids.mapped("amount"))

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------

    @api.constrains("reason")
    def _check_reason_length(self):
        """Bounded also over RPC: at most 2,000 characters."""
        self.env["roms.bounds"]._constrain_text(
            self, "reason", bounds.NOTE_LENGTH, self.env._("The reason")
        )

    @api.constrains("order_id")
    def _check_order(self):
        for request in self:
            if request.order_id.roms_no_returns:
                raise ValidationError(
                    self.env._(
                        "Order %(order)s was sold without returns: it cannot be "
                        "refunded.",
                        order=request.order_id.name,
                    )
                )
            if request.order_id.state != "sale":
                raise ValidationError(
                    self.env._(
                        "Only confirmed orders can be refunded; %(order)s is not "
                        "confirmed.",
                        order=request.order_id.name,
                    )
                )

    @api.constrains("amount", "line_ids", "state")
    def _check_amount(self):
        for request in self:
            rounding = request.currency_id.rounding or 0.01
            if not request.line_ids:
                raise ValidationError(
                    self.env._("A refund request needs at least one order line.")
                )
            if float_compare(request.amount, 0, precision_rounding=rounding) <= 0:
                raise ValidationError(
                    self.env._("The refund amount must be above zero.")
                )
            paid = sum(request.line_ids.mapped("amount"))
            if float_compare(request.amount, paid, precision_rounding=rounding) > 0:
                raise ValidationError(
                    self.env._(
                        "The refund amount %(amount)s is above what was paid for "
                        "these lines (%(paid)s).",
                        amount=request.currency_id.format(request.amount),
                        paid=request.currency_id.format(paid),
                    )
                )
        self.line_ids._check_refundable()

    # ------------------------------------------------------------------
    # CRUD and workflow
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"].sudo().next_by_code("roms.refund.request")
                    or "/"
                )
        requests = super().create(vals_list)
        requests.filtered(lambda r: r.state == "refunded")._refresh_stats()
        return requests

    def write(self, vals):
        new_state = vals.get("state")
        if new_state:
            for request in self:
                if (
                    new_state != request.state
                    and new_state not in (REFUND_TRANSITIONS[request.state])
                ):
                    raise UserError(
                        self.env._(
                            "Refund request %(name)s cannot go from %(old)s to "
                            "%(new)s.",
                            name=request.name,
                            old=dict(REFUND_STATES)[request.state],
                            new=dict(REFUND_STATES)[new_state],
                        )
                    )
        was_refunded = self.filtered(lambda r: r.state == "refunded")
        previous_orders = was_refunded.order_id
        result = super().write(vals)
        if {"state", "amount", "line_ids", "order_id"} & set(vals):
            refunded = was_refunded | self.filtered(lambda r: r.state == "refunded")
            refunded._refresh_stats(extra_orders=previous_orders)
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_only_requested(self):
        if any(request.state != "requested" for request in self):
            raise UserError(
                self.env._("Only refund requests still requested can be deleted.")
            )

    def _attach_customer_photos(self, photos, author):
        """Post the customer's photos of the goods on the request, where the shop
        reads it: ``photos`` are [(file name, bytes, mimetype)] already checked
        (see ``bounds.photo``); each file is named after its real format."""
        self.ensure_one()
        extensions = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
        attachments = []
        for name, data, mimetype in photos:
            stem = name.rsplit(".", 1)[0] if "." in name else name
            filename = f"{stem or 'photo'}.{extensions[mimetype]}"
            attachments.append((filename, data, {"mimetype": mimetype}))
        self.message_post(
            body=self.env._(
                "%(count)s photo(s) of the goods sent with the request.",
                count=len(attachments),
            ),
            author_id=author.id,
            attachments=attachments,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    def _refresh_stats(self, extra_orders=None):
        """Refunded amounts are subtracted from the customers' statistics."""
        orders = self.order_id | (extra_orders or self.env["sale.order"])
        if orders:
            self.env["roms.refund.request"].flush_model(["state", "amount"])
            orders.sudo()._roms_update_customer_stats()

    def _move_to(self, state, **vals):
        self.write(dict(vals, state=state))
        return True

    def action_approve(self):
        return self._move_to(
            "approved",
            decided_by_id=self.env.user.id,
            decided_date=fields.Datetime.now(),
        )

    def action_reject(self):
        return self._move_to(
            "rejected",
            decided_by_id=self.env.user.id,
            decided_date=fields.Datetime.now(),
        )

    def action_mark_refunded(self):
        return self._move_to("refunded", refunded_date=fields.Datetime.now())

    def action_undo_refund(self):
        return self._move_to("approved", refunded_date=False)

    def action_reset(self):
        return self._move_to("requested", decided_by_id=False, decided_date=False)

    def action_open_stock_adjustment(self):
        """Inventory › Physical Inventory, on the refunded products."""
        self.ensure_one()
        action = self.env["stock.quant"].action_view_inventory()
        products = self.line_ids.product_id
        if products:
            action["domain"] = list(action.get("domain") or []) + [
                ("product_id", "in", products.ids)
            ]
            action["context"] = dict(
                action.get("context") or {}, search_default_my_count=False
            )
        return action
