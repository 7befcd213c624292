from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

ROMS_STAGES = [
    ("pending", "Pending"),
    ("processed", "Processed"),
    ("shipped", "Shipped"),
    ("delivered", "Delivered"),
    ("cancelled", "Cancelled"),
]


# The fulfilment chain: each stage's next one. Cancelling is possible from every
# stage before delivered; delivered and cancelled are final (Odoo's "Set to
# Quotation" reopens a cancelled order as pending). Other moves are corrections.
ROMS_STAGE_CHAIN = ("pending", "processed", "shipped", "delivered")
ROMS_OPEN_STAGES = ("pending", "processed", "shipped")


class RomsStageError(UserError):
    """A stage move or tracking change the fulfilment rules refuse; ``code`` is
    the order API's error code."""

    def __init__(self, message, code="invalid_transition"):
        super().__init__(message)
        self.code = code


ABANDONED_CART_HOURS_PARAM = "roms_crm.abandoned_cart_hours"
DEFAULT_ABANDONED_CART_HOURS = 24


class SaleOrder(models.Model):
    _inherit = "sale.order"

    roms_stage = fields.Selection(
        ROMS_STAGES,
        string="Fulfilment Stage",
        default="pending",
        required=True,
        copy=False,
        index=True,
        tracking=True,
        group_expand=True,
    )
    roms_delivered_date = fields.Datetime(
        string="Delivered On",
        copy=False,
        index=True,
        help="When the order reached the customer; repeat-order reminders count "
        "from here.",
    )
    roms_external_id = fields.Char(
        string="External Order ID",
        copy=False,
        index="btree_not_null",
        help="The order's id in the web shop or marketplace it came from.",
    )
    roms_source = fields.Char(
        string="Order Source Code",
        copy=False,
        help="Where the order came from: backend, portal, woocommerce, shopify…",
    )
    roms_source_label = fields.Char(
        string="Order Source",
        compute="_compute_roms_source_label",
        help="Where the order came from, in words: the source's name when ROMS "
        "knows it, else the code the integration sent.",
    )
    roms_tracking_number = fields.Char(
        string="Tracking Number",
        copy=False,
        tracking=True,
    )
    roms_no_returns = fields.Boolean(
        string="No Returns",
        copy=False,
        tracking=True,
        help="The shop does not take this order back: refund requests for it are "
        "refused (the override of the order's history).",
    )

    roms_stage_history_ids = fields.One2many(
        "roms.order.stage.history",
        "order_id",
        string="Fulfilment History",
        readonly=True,
    )
    roms_new_order_done = fields.Boolean(
        string="New-order Event Fired",
        copy=False,
        readonly=True,
        help="Set when the order was first confirmed and the new-order automation "
        "(thank-you message, loyalty points) ran; it never runs twice.",
    )
    # refund requests are ROMS CS work: Odoo's salespeople, who cannot read them,
    # still open and read the order
    roms_refund_request_ids = fields.One2many(
        "roms.refund.request",
        "order_id",
        string="Refund Requests",
        readonly=True,
        groups="roms_crm.group_roms_cs",
    )
    roms_refund_count = fields.Integer(
        string="Refunds",
        compute="_compute_roms_refund_count",
        groups="roms_crm.group_roms_cs",
    )

    _sql_constraints = [
        (
            "roms_external_id_source_uniq",
            "unique(roms_external_id, roms_source)",
            "An order with this external id already exists for this source.",
        ),
    ]

    # abandoned carts (see their section below)
    roms_is_abandoned = fields.Boolean(
        # not eCommerce's "Abandoned Cart" (website_sale), which a shop may have too
        string="Abandoned Cart (ROMS)",
        compute="_compute_roms_abandoned",
        search="_search_roms_is_abandoned",
    )
    roms_cart_age_hours = fields.Integer(
        string="Age (hours)", compute="_compute_roms_abandoned"
    )
    roms_cart_summary = fields.Char(
        string="Contents", compute="_compute_roms_cart_summary"
    )
    roms_partner_phone = fields.Char(
        string="Phone", compute="_compute_roms_partner_phone"
    )

    def _creation_message(self):
        """The chatter's first line in the reader's words: mail's "%s created"
        with the model's name read "Sales Order dibuat" in Indonesian."""
        self.ensure_one()
        return self.env._("Sales order created")

    @api.depends("roms_source")
    def _compute_roms_source_label(self):
        labels = self._roms_source_labels()
        for order in self:
            source = order.roms_source
            order.roms_source_label = source and labels.get(source.lower(), source)

    @api.model
    def _roms_source_labels(self):
        """The names of the order sources ROMS knows, by code (lower case)."""
        return {
            "backend": self.env._("Back office"),
            "portal": self.env._("Reseller portal"),
            "whatsapp": "WhatsApp",
            "api": "API",
            "woocommerce": "WooCommerce",
            "shopify": "Shopify",
            "shopee": "Shopee",
            "tokopedia": "Tokopedia",
            "tiktok": "TikTok Shop",
            "lazada": "Lazada",
            "instagram": "Instagram",
            "website": self.env._("Website"),
        }

    @api.depends("roms_refund_request_ids")
    def _compute_roms_refund_count(self):
        for order in self:
            order.roms_refund_count = len(order.roms_refund_request_ids)

    def action_roms_refund_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "roms_crm.roms_refund_request_action"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"default_order_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Fulfilment stage: follows Odoo where Odoo knows, set by hand otherwise
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        orders._roms_log_stage(False)
        return orders

    def write(self, vals):
        if "roms_tracking_number" in vals:
            self._roms_check_tracking_change(vals["roms_tracking_number"])
        if "roms_stage" not in vals:
            result = super().write(vals)
            if "roms_tracking_number" in vals:
                self._roms_note_tracking()
            return result
        previous = {order: order.roms_stage for order in self}
        if vals["roms_stage"] == "delivered" and "roms_delivered_date" not in vals:
            vals = dict(vals, roms_delivered_date=fields.Datetime.now())
        leaving = self.filtered(lambda o: o.roms_stage == "delivered")
        if vals["roms_stage"] != "delivered" and leaving:
            # reminders count from delivery: an order no longer delivered has none
            super(SaleOrder, leaving).write({"roms_delivered_date": False})
        result = super().write(vals)
        for old_stage, orders in self.grouped(lambda o: previous[o]).items():
            orders.filtered(lambda o, s=old_stage: o.roms_stage != s)._roms_log_stage(
                old_stage
            )
        if "roms_tracking_number" in vals:
            self._roms_note_tracking()
        return result

    def _roms_note_tracking(self):
        """A tracking number set while the stage stays goes on the order's latest
        history row (the stage it was set in), when that row has none and no
        row holds it yet. A stage change that brings its own tracking number
        (_roms_set_stage) puts it on its own row instead."""
        if self.env.context.get("roms_stage_tracking_number"):
            return
        tracked = self.filtered("roms_tracking_number")
        if not tracked:
            return
        rows = (
            self.env["roms.order.stage.history"]
            .sudo()
            .search([("order_id", "in", tracked.ids)], order="id desc")
        )
        latest, recorded = {}, {}
        for row in rows:
            latest.setdefault(row.order_id.id, row)
            recorded.setdefault(row.order_id.id, set()).add(row.tracking_number)
        for order in tracked:
            row = latest.get(order.id)
            if (
                row
                and not row.tracking_number
                and order.roms_tracking_number not in recorded[order.id]
            ):
                row.tracking_number = order.roms_tracking_number

    def _roms_log_stage(self, previous_stage):
        """Add a history line for the current stage of these orders. The comment,
        tracking number and notification come from the context of the change; a
        tracking number the order got by another way (typed on the order, sent
        by the API with the stage) goes on the first line after it was set."""
        context = self.env.context
        tracked = (
            self.browse()
            if context.get("roms_stage_tracking_number")
            else self.filtered("roms_tracking_number")
        )
        recorded = (
            {
                order.id: set(numbers)
                for order, numbers in self.env["roms.order.stage.history"]
                .sudo()
                ._read_group(
                    [("order_id", "in", tracked.ids), ("tracking_number", "!=", False)],
                    ["order_id"],
                    ["tracking_number:array_agg"],
                )
            }
            if tracked
            else {}
        )
        vals_list = []
        for order in self:
            tracking = context.get("roms_stage_tracking_number")
            if not tracking and order.roms_tracking_number not in recorded.get(
                order.id, ()
            ):
                tracking = order.roms_tracking_number
            vals_list.append(
                {
                    "order_id": order.id,
                    "stage": order.roms_stage,
                    "previous_stage": previous_stage,
                    "comment": context.get("roms_stage_comment"),
                    "tracking_number": tracking or False,
                    "customer_notified": bool(context.get("roms_stage_notify")),
                    "is_correction": bool(context.get("roms_stage_correction")),
                    "by_courier": bool(context.get("roms_stage_courier")),
                }
            )
        self.env["roms.order.stage.history"].sudo().create(vals_list)

    def _roms_check_tracking_change(self, tracking_number):
        """Tracking numbers change only on open orders (not delivered, not
        cancelled): raise otherwise."""
        for order in self:
            if order.roms_stage not in ROMS_OPEN_STAGES and (
                tracking_number or False
            ) != (order.roms_tracking_number or False):
                raise RomsStageError(
                    self.env._(
                        "Order %(order)s is %(stage)s: its tracking number can no "
                        "longer change.",
                        order=order.name,
                        stage=dict(
                            self._fields["roms_stage"]._description_selection(self.env)
                        )[order.roms_stage],
                    ),
                    code="order_closed",
                )

    def _roms_stage_allowed(self, stage, skip=True):
        """Whether this order may move to ``stage`` without a correction: the
        next stage of the chain (any later one with ``skip``), cancelled before
        delivered, or its current stage (nothing to do)."""
        self.ensure_one()
        current = self.roms_stage
        if stage == current:
            return True
        if current not in ROMS_OPEN_STAGES:
            return False
        if stage == "cancelled":
            return True
        position = ROMS_STAGE_CHAIN.index(current)
        later = ROMS_STAGE_CHAIN[position + 1 :]
        return stage in (later if skip else later[:1])

    def _roms_check_stage_moves(self, stage, skip=True, correction=False):
        """Raise :class:`RomsStageError` for an order that may not move to
        ``stage``. ``correction`` (a reason) lets a ROMS administrator make any
        other move, except out of cancelled (Odoo's "Set to Quotation" does)."""
        labels = dict(self._fields["roms_stage"]._description_selection(self.env))
        for order in self:
            if order.roms_stage == "cancelled" and stage != "cancelled":
                raise RomsStageError(
                    self.env._(
                        "Order %(order)s is cancelled: set it back to a quotation "
                        "before moving it on.",
                        order=order.name,
                    )
                )
            if order._roms_stage_allowed(stage, skip=skip):
                continue
            if correction and (
                self.env.su or self.env.user.has_group("roms_crm.group_roms_admin")
            ):
                continue
            raise RomsStageError(
                self.env._(
                    "Order %(order)s cannot go from %(current)s to %(stage)s: the "
                    "stages follow Pending → Processed → Shipped → Delivered, and "
                    "an order can be cancelled until it is delivered. A ROMS "
                    "administrator can correct a stage with a reason.",
                    order=order.name,
                    current=labels[order.roms_stage],
                    stage=labels[stage],
                )
            )

    def _roms_set_stage(
        self,
        stage,
        comment=False,
        tracking_number=False,
        notify=False,
        skip=True,
        correction=False,
        courier=False,
        delivered_date=None,
    ):
        """Move these orders to a fulfilment stage, the one way to do it by hand,
        from the portal or from the API.

        Only moves of the fulfilment chain are allowed (see
        :meth:`_roms_stage_allowed`; ``skip=False`` allows one step forward at a
        time, as the API does); with ``correction`` a ROMS administrator may make
        any other move, and the comment (the reason) is required. Confirms pending
        quotations moved forward and cancels through Odoo for "cancelled", so
        Odoo's state stays consistent. Records the change in the history with
        the comment (``courier``: the courier's tracking moved it), and notifies
        the customer when asked. ``delivered_date`` is when a delivered order
        reached the customer (now by default).
        """
        if stage not in dict(ROMS_STAGES):
            raise UserError(
                self.env._("Unknown fulfilment stage %(stage)s.", stage=stage)
            )
        if correction and not (comment or "").strip():
            raise UserError(
                self.env._("Give the reason for correcting the fulfilment stage.")
            )
        self._roms_check_stage_moves(stage, skip=skip, correction=correction)
        if tracking_number:
            self._roms_check_tracking_change(tracking_number)
        context = {
            "roms_stage_comment": comment or False,
            "roms_stage_tracking_number": tracking_number or False,
            "roms_stage_notify": notify,
            "roms_stage_correction": bool(correction),
            "roms_stage_courier": bool(courier),
        }
        orders = self.with_context(**context)
        if tracking_number:
            orders.filtered(lambda o: o.roms_tracking_number != tracking_number).write(
                {"roms_tracking_number": tracking_number}
            )
        if stage == "cancelled":
            orders.filtered(lambda o: o.state != "cancel")._action_cancel()
        else:
            to_confirm = orders.filtered(lambda o: o.state in ("draft", "sent"))
            if stage != "pending" and to_confirm:
                # the confirmation is its own step of the history, without the
                # comment meant for the requested stage
                to_confirm.with_context(
                    roms_stage_comment=False,
                    roms_stage_tracking_number=False,
                    roms_stage_notify=False,
                    roms_stage_correction=False,
                    roms_stage_courier=False,
                ).action_confirm()
        vals = {"roms_stage": stage}
        if stage == "delivered" and delivered_date:
            vals["roms_delivered_date"] = delivered_date
        orders.filtered(lambda o: o.roms_stage != stage).write(vals)
        if notify:
            orders._roms_notify_stage(stage, comment)
        return True

    def _roms_notify_stage(self, stage, comment):
        """Hook: tell the customers about a stage change. Messaging (the ROMS
        message queue) implements it; see models/messaging/sale_order.py."""
        return True

    def _action_confirm(self):
        result = super()._action_confirm()
        self.filtered(lambda o: o.roms_stage == "pending").write(
            {"roms_stage": "processed"}
        )
        new_orders = self.filtered(lambda o: not o.roms_new_order_done)
        if new_orders:
            new_orders.write({"roms_new_order_done": True})
            new_orders._roms_on_new_order()
        return result

    def _roms_on_new_order(self):
        """The new-order event: runs exactly once per order, at its first
        confirmation, whatever the channel (backend, portal, API). A hook:
        messaging queues the order confirmation (the thank-you message) and
        roms_loyalty awards points."""
        return True

    def _action_cancel(self):
        result = super()._action_cancel()
        self.filtered(lambda o: o.roms_stage != "cancelled").write(
            {"roms_stage": "cancelled"}
        )
        return result

    def action_draft(self):
        result = super().action_draft()
        self.filtered(lambda o: o.roms_stage == "cancelled").write(
            {"roms_stage": "pending"}
        )
        return result

    def _roms_sync_shipped(self):
        """Outgoing deliveries done: processed orders become shipped."""
        for order in self.filtered(lambda o: o.roms_stage in ("pending", "processed")):
            outgoing = order.picking_ids.filtered(
                lambda p: p.picking_type_code == "outgoing" and p.state != "cancel"
            )
            if outgoing and all(picking.state == "done" for picking in outgoing):
                order.roms_stage = "shipped"

    def _roms_delivered_to(self, user):
        """Whether this is a confirmed order delivered to ``user``'s customer:
        one they may ask a refund for or review the products of."""
        self.ensure_one()
        return (
            self.partner_id.commercial_partner_id == user.commercial_partner_id
            and self.state == "sale"
            and self.roms_stage == "delivered"
        )

    def _roms_delivered_to_partner(self, partner):
        """Whether this is a confirmed order delivered to ``partner``'s
        customer."""
        self.ensure_one()
        return (
            bool(partner)
            and self.partner_id.commercial_partner_id == partner.commercial_partner_id
            and self.state == "sale"
            and self.roms_stage == "delivered"
        )

    def _roms_reviewer(self, user):
        """Who reviews this order's products on its portal page: the logged-in
        user's contact, or for a visitor (the page opened with the order's
        access token, as the review request links it) the order's customer."""
        self.ensure_one()
        return self.partner_id if user._is_public() else user.partner_id

    def _roms_portal_tz(self, user):
        """The time zone of this order's portal page for ``user``: theirs when
        logged in with one; for a visitor (the public user, who has none, on
        the order's token link) the customer's, else the shop's."""
        self.ensure_one()
        if not user._is_public() and user.tz:
            return user.tz
        return self.partner_id.sudo().tz or self.env["res.partner"]._roms_tz()

    def _roms_portal_url(self, anchor, **params):
        """The order's portal page at ``anchor``, with ``params`` (what the page
        tells the customer, e.g. ``refund_sent=1``) in its query."""
        self.ensure_one()
        return self.get_portal_url(
            query_string="".join(f"&{key}={val}" for key, val in params.items()),
            anchor=anchor,
        )

    def action_roms_change_stage(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "roms_crm.roms_order_stage_wizard_action"
        )
        action["context"] = {
            "default_order_ids": self.ids,
            "default_stage": self.env.context.get("roms_next_stage")
            or self[:1].roms_stage,
        }
        return action

    # ------------------------------------------------------------------
    # Abandoned carts: quotations never confirmed after a configurable number
    # of hours (roms_crm.abandoned_cart_hours, 24 by default), counted from the
    # quotation date. Not stored: the list is right whenever it is opened.
    # ------------------------------------------------------------------

    @api.model
    def _roms_abandoned_cutoff(self):
        """The quotation date before which an unconfirmed quotation is abandoned."""
        hours = self.env["ir.config_parameter"]._roms_param(
            ABANDONED_CART_HOURS_PARAM, DEFAULT_ABANDONED_CART_HOURS
        )
        return fields.Datetime.now() - timedelta(hours=max(hours, 0))

    @api.depends("state", "date_order")
    def _compute_roms_abandoned(self):
        cutoff = self._roms_abandoned_cutoff()
        now = fields.Datetime.now()
        for order in self:
            open_quote = order.state in ("draft", "sent") and order.date_order
            order.roms_is_abandoned = bool(open_quote and order.date_order <= cutoff)
            order.roms_cart_age_hours = (
                int((now - order.date_order).total_seconds() // 3600)
                if open_quote
                else 0
            )

    def _search_roms_is_abandoned(self, operator, value):
        if operator not in ("=", "!="):
            raise UserError(self.env._("Unsupported search on abandoned carts."))
        abandoned = (operator == "=") == bool(value)
        cutoff = self._roms_abandoned_cutoff()
        if abandoned:
            return [("state", "in", ("draft", "sent")), ("date_order", "<=", cutoff)]
        return [
            "|",
            ("state", "not in", ("draft", "sent")),
            ("date_order", ">", cutoff),
        ]

    @api.depends("order_line.product_uom_qty", "order_line.product_id")
    def _compute_roms_cart_summary(self):
        for order in self:
            parts = [
                f"{line.product_uom_qty:g} × {line.product_id.display_name}"
                for line in order.order_line
                if not line.display_type and line.product_id
            ]
            summary = ", ".join(parts)
            order.roms_cart_summary = (
                summary if len(summary) <= 120 else summary[:119] + "…"
            )

    @api.depends(
        "partner_id.roms_whatsapp_number", "partner_id.mobile", "partner_id.phone"
    )
    def _compute_roms_partner_phone(self):
        for order in self:
            partner = order.partner_id
            order.roms_partner_phone = (
                partner.roms_whatsapp_number or partner.mobile or partner.phone
            )
