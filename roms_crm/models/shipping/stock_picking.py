import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ...tools import bounds
from ...tools.biteship import (
    DELIVERED_STATUSES,
    EXCEPTION_STATUSES,
    FINAL_STATUSES,
    SHIPPED_STATUSES,
    STATUS_RANK,
    BiteshipError,
)

_logger = logging.getLogger(__name__)

POLL_HOURS_PARAM = "roms_crm.biteship_poll_hours"
DEFAULT_POLL_HOURS = 24
#: shipments polled per cron run (the rest wait for the next run)
POLL_BATCH = 200


class StockPicking(models.Model):
    _inherit = "stock.picking"

    roms_biteship_order_id = fields.Char(
        string="Biteship Order", copy=False, index="btree_not_null", readonly=True
    )
    roms_biteship_tracking_id = fields.Char(
        string="Biteship Tracking", copy=False, readonly=True
    )
    roms_biteship_waybill = fields.Char(string="Waybill", copy=False, readonly=True)
    roms_biteship_link = fields.Char(string="Tracking Page", copy=False, readonly=True)
    roms_biteship_status = fields.Char(
        string="Courier Status", copy=False, readonly=True
    )
    roms_biteship_event_date = fields.Datetime(
        string="Last Courier Update", copy=False, readonly=True
    )

    # ------------------------------------------------------------------
    # Booking
    # ------------------------------------------------------------------

    def _send_confirmation_email(self):
        # Biteship pickings are booked on validation when the carrier creates
        # shipments, whatever the operation type's label printing setting
        for picking in self:
            carrier = picking.carrier_id
            if (
                carrier.delivery_type == "biteship"
                and carrier.integration_level == "rate_and_ship"
                and picking.picking_type_code == "outgoing"
                and not picking.carrier_tracking_ref
                and not picking.roms_biteship_order_id
            ):
                picking.sudo().send_to_shipper()
        return super()._send_confirmation_email()

    def _roms_biteship_store_booking(self, data):
        """Keep what Biteship answered to a booking: its order id, tracking id,
        waybill (resi) and tracking page."""
        self.ensure_one()
        courier = data.get("courier") if isinstance(data.get("courier"), dict) else {}
        order_id = _ident(data.get("id"))
        if not order_id:
            raise UserError(
                self.env._("Biteship's answer to the booking has no order id.")
            )
        self.write(
            {
                "roms_biteship_order_id": order_id,
                "roms_biteship_tracking_id": _ident(courier.get("tracking_id")),
                "roms_biteship_waybill": _ident(courier.get("waybill_id")),
                "roms_biteship_link": _link(courier.get("link")),
                "roms_biteship_status": _ident(data.get("status")) or "confirmed",
                "roms_biteship_event_date": fields.Datetime.now(),
            }
        )
        if self.roms_biteship_waybill:
            self.sale_id._roms_courier_tracking(self.roms_biteship_waybill)

    # ------------------------------------------------------------------
    # Courier events (webhook and polling)
    # ------------------------------------------------------------------

    def _roms_biteship_apply(self, status, waybill=None, link=None, moment=None):
        """Apply a courier status to this booked picking and its order.

        Statuses only go forward (a replayed or late event of an earlier status is
        ignored); picked/dropping off → Shipped, delivered → Delivered at the
        courier's time (reminders count from it), returned/cancelled by the courier
        → an exception on the order for a person, never an automatic cancel.
        Returns True when something changed."""
        self.ensure_one()
        now = fields.Datetime.now()
        changed = False
        if waybill and waybill != self.roms_biteship_waybill:
            self.roms_biteship_waybill = waybill
            if not self.carrier_tracking_ref:
                self.carrier_tracking_ref = waybill
            self.sale_id._roms_courier_tracking(waybill)
            changed = True
        if link and not self.roms_biteship_link:
            self.roms_biteship_link = link
            changed = True
        if status not in STATUS_RANK:
            return changed
        current = STATUS_RANK.get(self.roms_biteship_status or "", 0)
        if STATUS_RANK[status] <= current:
            return changed
        if self.roms_biteship_status in FINAL_STATUSES:
            return changed
        self.write({"roms_biteship_status": status, "roms_biteship_event_date": now})
        order = self.sale_id
        if not order:
            return True
        if status in SHIPPED_STATUSES:
            order._roms_courier_moves(self, "shipped")
        elif status in DELIVERED_STATUSES:
            moment = min(moment or now, now)
            if order.date_order and moment < order.date_order:
                moment = now
            order._roms_courier_moves(self, "delivered", delivered_date=moment)
        elif status in EXCEPTION_STATUSES:
            order._roms_courier_exception(self, status)
        return True

    @api.model
    def _roms_biteship_poll(self):
        """Cron: ask Biteship for the tracking of shipments whose webhook went
        quiet for the configured hours (``roms_crm.biteship_poll_hours``)."""
        hours = self.env["ir.config_parameter"]._roms_param(
            POLL_HOURS_PARAM, DEFAULT_POLL_HOURS
        )
        cutoff = fields.Datetime.now() - timedelta(hours=max(hours, 1))
        pickings = self.search(
            [
                ("roms_biteship_order_id", "!=", False),
                ("roms_biteship_status", "not in", FINAL_STATUSES),
                ("roms_biteship_event_date", "<=", cutoff),
            ],
            limit=POLL_BATCH,
            order="roms_biteship_event_date",
        )
        for picking in pickings:
            picking._roms_biteship_refresh()
            if not self.env.context.get("roms_no_commit"):
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return len(pickings)

    def _roms_biteship_refresh(self):
        """Read this shipment's tracking from Biteship and apply its history."""
        self.ensure_one()
        carrier = self.carrier_id
        tracking_id = self.roms_biteship_tracking_id
        if carrier.delivery_type != "biteship" or not tracking_id:
            return False
        try:
            data = carrier._roms_biteship_client().tracking(tracking_id)
        except BiteshipError as error:
            _logger.info("Biteship tracking of %s failed: %s", self.name, error)
            # try again after the next interval, not at every run
            self.roms_biteship_event_date = fields.Datetime.now()
            return False
        history = data.get("history") if isinstance(data.get("history"), list) else []
        changed = False
        for entry in history:
            if isinstance(entry, dict):
                changed |= self._roms_biteship_apply(
                    _ident(entry.get("status")),
                    moment=_moment(entry.get("updated_at")),
                )
        changed |= self._roms_biteship_apply(
            _ident(data.get("status")),
            waybill=_ident(data.get("waybill_id")),
            link=_link(data.get("link")),
        )
        if not changed:
            self.roms_biteship_event_date = fields.Datetime.now()
        return changed


def _ident(value, limit=64):
    """A Biteship id or code: short text without control characters, or ''."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return ""
    try:
        return bounds.clean_text(value, limit) or ""
    except bounds.BoundsError:
        return ""


def _link(value):
    link = _ident(value, 1024)
    return link if link.startswith("https://") else ""


def _moment(value):
    """A Biteship timestamp (ISO 8601 with offset) as naive UTC, or None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return bounds.parse_datetime(value)
    except bounds.BoundsError:
        return None
