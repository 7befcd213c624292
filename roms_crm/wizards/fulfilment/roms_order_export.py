from datetime import datetime, time, timedelta

import pytz

from odoo import fields, models
from odoo.tools.misc import split_every
from odoo.tools.translate import LazyTranslate

from ...models.fulfilment.sale_order import ROMS_STAGES
from ...tools.xlsx import Column, Sheet, workbook_bytes

_lt = LazyTranslate(__name__)

EXPORT_TZ = "Asia/Jakarta"
# Orders read (with their lines) per batch: the memory stays flat whatever the size
# of the export.
ORDER_BATCH_SIZE = 500

PAYMENT_STATES = [
    ("not_paid", _lt("Not Paid")),
    ("partial", _lt("Partially Paid")),
    ("paid", _lt("Paid")),
]

# (key, label, kind of column as tools/xlsx.py writes it, width)
ORDER_COLUMNS = [
    ("order", _lt("Order"), "text", 16),
    ("date", _lt("Date"), "datetime", 18),
    ("customer", _lt("Customer"), "text", 28),
    ("phone", _lt("Phone"), "code", 18),
    ("city", _lt("City"), "text", 20),
    ("product", _lt("Product"), "text", 36),
    ("sku", _lt("SKU"), "code", 14),
    ("quantity", _lt("Quantity"), "number", 10),
    ("price", _lt("Price"), "float", 14),
    ("subtotal", _lt("Subtotal"), "float", 16),
    ("stage", _lt("Stage"), "text", 14),
    ("payment", _lt("Payment Status"), "text", 16),
]


class RomsOrderExportWizard(models.TransientModel):
    """Export order lines to Excel, one row per line, with filters on the order
    date, fulfilment stage and payment status of the order's invoices."""

    _name = "roms.order.export.wizard"
    _inherit = ["roms.date.range.mixin"]
    _description = "Export Orders to Excel"

    stage_pending = fields.Boolean(string="Pending")
    stage_processed = fields.Boolean(string="Processed")
    stage_shipped = fields.Boolean(string="Shipped")
    stage_delivered = fields.Boolean(string="Delivered")
    stage_cancelled = fields.Boolean(string="Cancelled")
    payment_not_paid = fields.Boolean(string="Not Paid")
    payment_partial = fields.Boolean(string="Partially Paid")
    payment_paid = fields.Boolean(string="Paid")

    # ------------------------------------------------------------------
    # Filters
    # ------------------------------------------------------------------

    def _selected_stages(self):
        return [stage for stage, _label in ROMS_STAGES if self[f"stage_{stage}"]]

    def _selected_payment_states(self):
        return [state for state, _label in PAYMENT_STATES if self[f"payment_{state}"]]

    @staticmethod
    def _local_day_start_utc(day):
        """Midnight of ``day`` in Jakarta, as a naive UTC datetime."""
        local = pytz.timezone(EXPORT_TZ).localize(datetime.combine(day, time.min))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def _order_domain(self):
        domain = []
        if self.date_from:
            domain.append(
                ("date_order", ">=", self._local_day_start_utc(self.date_from))
            )
        if self.date_to:
            domain.append(
                (
                    "date_order",
                    "<",
                    self._local_day_start_utc(self.date_to + timedelta(days=1)),
                )
            )
        stages = self._selected_stages()
        if stages:
            domain.append(("roms_stage", "in", stages))
        return domain

    def _payment_states(self, order_ids):
        """{order id: 'not_paid' | 'partial' | 'paid'} from the posted customer
        invoices of the orders (credit notes aside). An order without a posted
        invoice is not paid."""
        result = dict.fromkeys(order_ids, "not_paid")
        for ids in split_every(ORDER_BATCH_SIZE * 10, order_ids):
            self.env.cr.execute(
                """
                SELECT sol.order_id, array_agg(DISTINCT am.payment_state)
                  FROM sale_order_line sol
                  JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
                  JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                  JOIN account_move am ON am.id = aml.move_id
                 WHERE sol.order_id = ANY(%s)
                   AND am.state = 'posted'
                   AND am.move_type = 'out_invoice'
                 GROUP BY sol.order_id
                """,
                [list(ids)],
            )
            for order_id, states in self.env.cr.fetchall():
                paid = {"paid", "in_payment", "reversed"}
                if all(state in paid for state in states):
                    result[order_id] = "paid"
                elif any(state in paid or state == "partial" for state in states):
                    result[order_id] = "partial"
        return result

    # ------------------------------------------------------------------
    # Export
    # ------------------------------------------------------------------

    def action_export(self):
        self.ensure_one()
        self.env["sale.order"].check_access("read")
        content = self._export_xlsx()
        file_name = "orders_{}.xlsx".format(
            fields.Date.context_today(self).strftime("%Y%m%d")
        )
        return self.env["roms.customer.export"]._download(content, file_name)

    def _export_xlsx(self):
        """The .xlsx file of the export, as bytes. Rows are written as they come
        (xlsxwriter's constant memory mode) and orders read in batches."""
        orders = self.env["sale.order"].search(
            self._order_domain(), order="date_order, id"
        )
        order_ids = orders.ids
        payment_states = self._payment_states(order_ids)
        wanted_payments = self._selected_payment_states()
        if wanted_payments:
            order_ids = [i for i in order_ids if payment_states[i] in wanted_payments]

        stage_labels = dict(
            self.env["sale.order"]
            ._fields["roms_stage"]
            ._description_selection(self.env)
        )
        payment_labels = {key: self.env._(label) for key, label in PAYMENT_STATES}
        tz = pytz.timezone(EXPORT_TZ)
        Line = self.env["sale.order.line"].with_context(display_default_code=False)

        def rows():
            for ids in split_every(ORDER_BATCH_SIZE, order_ids):
                lines = Line.search_fetch(
                    [("order_id", "in", list(ids)), ("display_type", "=", False)],
                    [
                        "order_id",
                        "product_id",
                        "name",
                        "product_uom_qty",
                        "price_unit",
                        "price_subtotal",
                    ],
                    order="order_id, sequence, id",
                )
                # Lines come by order id: put them back in the order of the export.
                position = {order_id: index for index, order_id in enumerate(ids)}
                for line in lines.sorted(
                    lambda line, pos=position: (
                        pos[line.order_id.id],
                        line.sequence,
                        line.id,
                    )
                ):
                    order = line.order_id
                    partner = order.partner_id
                    values = {
                        "order": order.name,
                        "date": pytz.utc.localize(order.date_order).astimezone(tz),
                        "customer": partner.name,
                        "phone": partner.roms_whatsapp_number
                        or partner.mobile
                        or partner.phone,
                        "city": partner.city_id.name or partner.city,
                        "product": line.product_id.display_name or line.name,
                        "sku": line.product_id.default_code,
                        "quantity": line.product_uom_qty,
                        "price": line.price_unit,
                        "subtotal": line.price_subtotal,
                        "stage": stage_labels.get(order.roms_stage),
                        "payment": payment_labels.get(payment_states[order.id]),
                    }
                    yield tuple(values[key] for key, *_rest in ORDER_COLUMNS)
                # Keep the memory flat on large exports.
                self.env.invalidate_all()

        columns = [
            Column(self.env._(label), kind, width)
            for _key, label, kind, width in ORDER_COLUMNS
        ]
        return workbook_bytes([Sheet(self.env._("Orders"), columns, rows())])
