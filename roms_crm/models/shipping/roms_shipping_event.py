import json
import logging
import math
import threading

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, split_every

from ...tools import bounds

_logger = logging.getLogger(__name__)

CRON_XMLID = "roms_crm.ir_cron_roms_shipping_event"
BATCH_SIZE_PARAM = "roms_crm.shipping_event_batch_size"
DEFAULT_BATCH_SIZE = 200
MAX_ATTEMPTS = 5
KEEP_DAYS = 30
#: what is kept of a webhook's document: its first keys, short scalar values
PAYLOAD_KEYS = 40
PAYLOAD_TEXT = 256


def bounded_payload(payload):
    """The webhook's document as kept on the row, for a person to read: at most
    PAYLOAD_KEYS top-level keys, scalar values only, texts cut to PAYLOAD_TEXT
    characters (nested objects are summarised, never stored whole). What
    Python's JSON reads but PostgreSQL's jsonb refuses goes: a NUL or a lone
    surrogate in a text or a key, an infinite number (``1e400``)."""
    kept = {}
    for key, value in list(payload.items())[:PAYLOAD_KEYS]:
        key = bounds.storable_text(str(key)[:64])
        if isinstance(value, float) and not math.isfinite(value):
            kept[key] = None
        elif value is None or isinstance(value, (bool, int, float)):
            kept[key] = value
        elif isinstance(value, str):
            kept[key] = bounds.storable_text(value[:PAYLOAD_TEXT])
        else:
            kept[key] = f"<{type(value).__name__}>"
    return kept


class RomsShippingEvent(models.Model):
    """Courier events of booked shipments as Biteship's webhook sends them.

    The webhook only checks the signature and the document, stores the event here
    (one INSERT; a replay of an event already stored writes nothing) and answers;
    a cron, triggered at once, applies the events afterwards, shipment by shipment
    in the courier's order (``stock.picking._roms_biteship_apply``: statuses only
    go forward)."""

    _name = "roms.shipping.event"
    _description = "Courier Event"
    _order = "id desc"
    _rec_name = "biteship_order_id"

    carrier_id = fields.Many2one(
        "delivery.carrier", string="Shipping Method", ondelete="set null", readonly=True
    )
    biteship_order_id = fields.Char(required=True, readonly=True)
    event = fields.Selection(
        [
            ("order.status", "Status"),
            ("order.waybill_id", "Waybill"),
            ("order.price", "Price"),
        ],
        required=True,
        readonly=True,
    )
    #: what makes an event of a shipment the same event again (a replay)
    event_key = fields.Char(required=True, readonly=True)
    status = fields.Char(string="Courier Status", readonly=True)
    waybill = fields.Char(readonly=True)
    link = fields.Char(string="Tracking Page", readonly=True)
    price = fields.Float(readonly=True)
    courier_date = fields.Datetime(
        string="Courier Time", readonly=True, help="When the courier says it happened."
    )
    payload = fields.Json(readonly=True)
    payload_text = fields.Text(string="Document", compute="_compute_payload_text")
    state = fields.Selection(
        [
            ("pending", "To Apply"),
            ("done", "Applied"),
            ("ignored", "Unknown Shipment"),
            ("failed", "Failed"),
        ],
        default="pending",
        required=True,
        readonly=True,
        index=True,
    )
    picking_id = fields.Many2one(
        "stock.picking", string="Delivery", ondelete="set null", readonly=True
    )
    sale_id = fields.Many2one(related="picking_id.sale_id", string="Order")
    attempts = fields.Integer(readonly=True)
    error = fields.Text(readonly=True)

    _sql_constraints = [
        (
            "event_unique",
            "unique(biteship_order_id, event_key)",
            "This courier event was already received.",
        ),
    ]

    @api.depends("payload")
    def _compute_payload_text(self):
        for event in self:
            event.payload_text = (
                json.dumps(event.payload, indent=2, ensure_ascii=False)
                if event.payload
                else False
            )

    # Webhook side: one statement per event, replays do nothing
    # ------------------------------------------------------------------

    @api.model
    def _event_key(self, values, carrier_id=None):
        """What makes an event of a shipment a replay: the same change, signed
        by the same carrier (``carrier_id``). An event signed by another
        Biteship account's carrier, which changes nothing (``_signed_for``),
        never takes the place of the genuine one."""
        event = values["event"]
        if event == "order.status":
            key = f"status:{values.get('status') or ''}"
        elif event == "order.waybill_id":
            key = f"waybill:{values.get('waybill') or ''}"
        else:
            key = f"price:{values.get('price') or 0:.2f}"
        return f"{carrier_id}/{key}" if carrier_id else key

    @api.model
    def _enqueue(self, carrier_id, values, payload):
        """Store one verified event (``values``: biteship_order_id, event, status,
        waybill, link, price, courier_date, bounded by the caller) and wake the
        cron up unless a due trigger already waits for it. Return whether the event
        was new. One statement: the INSERT (``ON CONFLICT DO NOTHING`` for a
        replay) and the look for a due trigger."""
        cron_id = self.env["ir.model.data"]._xmlid_to_res_id(CRON_XMLID)
        now = fields.Datetime.now()
        [(inserted, due)] = self.env.execute_query(
            SQL(
                """WITH new AS (
                    INSERT INTO roms_shipping_event
                           (carrier_id, biteship_order_id, event, event_key, status,
                            waybill, link, price, courier_date, payload, state,
                            attempts, create_uid, write_uid, create_date, write_date)
                    VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, 'pending',
                            0, %s, %s, %s, %s)
               ON CONFLICT (biteship_order_id, event_key) DO NOTHING
                 RETURNING id
                )
                SELECT EXISTS(SELECT 1 FROM new),
                       EXISTS(SELECT 1 FROM ir_cron_trigger
                               WHERE cron_id = %s AND call_at <= %s)""",
                carrier_id,
                values["biteship_order_id"],
                values["event"],
                self._event_key(values, carrier_id),
                values.get("status") or None,
                values.get("waybill") or None,
                values.get("link") or None,
                values.get("price") or 0.0,
                values.get("courier_date"),
                json.dumps(payload),
                self.env.uid,
                self.env.uid,
                now,
                now,
                cron_id,
                now,
            )
        )
        if inserted and not due:
            self.env["ir.cron"].browse(cron_id)._trigger()
        return inserted

    # Cron side: apply the events shipment by shipment, in the courier's order
    # ------------------------------------------------------------------

    def _claim(self, limit):
        """Pending events, locked for this run: grouped by shipment, each
        shipment's in the courier's order (an event cannot have happened after it
        arrived: a courier time in the future counts as its arrival)."""
        rows = self.env.execute_query(
            SQL(
                """SELECT id FROM roms_shipping_event
                    WHERE state = 'pending'
                 ORDER BY biteship_order_id,
                          LEAST(COALESCE(courier_date, create_date), create_date), id
                    LIMIT %s
               FOR UPDATE SKIP LOCKED""",
                limit,
            )
        )
        return self.browse([row[0] for row in rows])

    @api.model
    def _cron_process(self, batch_size=None):
        """Apply one batch of pending courier events; the cron runner calls again
        while some remain. Return how many rows were handled."""
        events_sudo = self.sudo()
        events_sudo.flush_model()
        limit = batch_size or self.env["ir.config_parameter"]._roms_param(
            BATCH_SIZE_PARAM, DEFAULT_BATCH_SIZE
        )
        events = events_sudo._claim(max(limit, 1))
        shipments = list(set(events.mapped("biteship_order_id")))
        pickings = events.env["stock.picking"].search(
            [("roms_biteship_order_id", "in", shipments)]
        )
        by_shipment = {p.roms_biteship_order_id: p for p in pickings}
        for event in events:
            event._run(by_shipment.get(event.biteship_order_id))
        if not getattr(threading.current_thread(), "testing", False):
            # the orders show their new stages at once
            self.env.cr.commit()  # pylint: disable=invalid-commit
        remaining = events_sudo.search_count([("state", "=", "pending")])
        self.env["ir.cron"]._notify_progress(done=len(events), remaining=remaining)
        return len(events)

    def _signed_for(self, picking):
        """Whether the carrier whose secret signed this event may move
        ``picking``'s shipment: the picking's own carrier, or a carrier of the
        same Biteship account (the same signature header and secret). The secret
        of another account (another company's carrier) moves nothing of this
        one."""
        self.ensure_one()
        signer, carrier = self.carrier_id.sudo(), picking.carrier_id.sudo()
        if not signer or not carrier:
            return False
        if signer == carrier:
            return True
        return bool(carrier.roms_biteship_webhook_secret) and (
            (signer.roms_biteship_webhook_header or "").strip(),
            signer.roms_biteship_webhook_secret,
        ) == (
            (carrier.roms_biteship_webhook_header or "").strip(),
            carrier.roms_biteship_webhook_secret,
        )

    def _run(self, picking):
        """Apply this event in a savepoint: a failure is recorded on the row
        (retried until MAX_ATTEMPTS) and never blocks the others."""
        self.ensure_one()
        if not picking:
            _logger.info(
                "Biteship event %s: unknown shipment %r ignored",
                self.id,
                self.biteship_order_id,
            )
            self.write({"state": "ignored", "error": False})
            return
        if not self._signed_for(picking):
            _logger.warning(
                "Biteship event %s: signed by carrier %s, not by the carrier of "
                "shipment %r: ignored",
                self.id,
                self.carrier_id.id,
                self.biteship_order_id,
            )
            self.write({"state": "ignored", "error": False})
            return
        try:
            with self.env.cr.savepoint():
                self._apply(picking)
                self.write({"state": "done", "picking_id": picking.id, "error": False})
        except Exception as error:  # noqa: BLE001 — any failure is recorded
            self.env.invalidate_all()  # the savepoint's writes are rolled back
            _logger.warning(
                "Biteship event %s of shipment %s: %s",
                self.id,
                self.biteship_order_id,
                error,
            )
            attempts = self.attempts + 1
            vals = {
                "attempts": attempts,
                "error": str(error)[:2000],
                "picking_id": picking.id,
            }
            if attempts >= MAX_ATTEMPTS or isinstance(error, UserError):
                vals["state"] = "failed"
            self.write(vals)

    def _apply(self, picking):
        """What the event tells, on its shipment (one event of a shipment at a
        time: the polling cron may look at the same one)."""
        self.env.cr.execute(
            SQL("SELECT id FROM stock_picking WHERE id = %s FOR UPDATE", picking.id)
        )
        picking.invalidate_recordset()
        if self.event == "order.price":
            picking.carrier_price = self.price
            return
        picking._roms_biteship_apply(
            self.status if self.event == "order.status" else "",
            waybill=self.waybill or None,
            link=self.link or None,
            moment=self.courier_date or None,
        )

    def action_retry(self):
        """Apply failed events again (after the cause was mended)."""
        failed = self.filtered(lambda e: e.state == "failed")
        failed.write({"state": "pending", "attempts": 0})
        if failed:
            self.env.ref(CRON_XMLID).sudo()._trigger()
        return True

    @api.autovacuum
    def _gc_applied(self):
        """Handled rows are kept KEEP_DAYS days (replays of them write nothing),
        then removed."""
        limit = fields.Datetime.subtract(fields.Datetime.now(), days=KEEP_DAYS)
        old = self.sudo().search(
            [("state", "!=", "pending"), ("create_date", "<", limit)]
        )
        for ids in split_every(10000, old.ids):
            self.sudo().browse(ids).unlink()
