from odoo import fields, models
from odoo.tools import html2plaintext

# The payment status a web shop reports with its order (order API).
PAYMENT_STATUSES = [
    ("unpaid", "Unpaid"),
    ("partial", "Partially Paid"),
    ("paid", "Paid"),
    ("refunded", "Refunded"),
]

PAYMENT_METHODS = [
    ("cod", "Cash on Delivery"),
    ("bank_transfer", "Bank Transfer"),
    ("ewallet", "E-Wallet"),
    ("marketplace", "Marketplace"),
]


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # ------------------------------------------------------------------
    # Order API (see roms.api)
    # ------------------------------------------------------------------

    roms_payment_status = fields.Selection(
        PAYMENT_STATUSES,
        string="Payment Status",
        copy=False,
        index=True,
        help="The payment status reported by the web shop the order came from.",
    )
    roms_payment_method = fields.Selection(
        PAYMENT_METHODS,
        string="Payment Method",
        copy=False,
        index=True,
        help="How the customer pays: filled by hand or by the order API.",
    )

    def _roms_api_payload(self):
        """The order as the API returns it."""
        self.ensure_one()
        partner = self.partner_id

        def when(value):
            return (
                value and fields.Datetime.to_datetime(value).isoformat() + "Z" or None
            )

        return {
            "id": self.id,
            "name": self.name,
            "external_id": self.roms_external_id,
            "source": self.roms_source,
            "status": self.roms_stage,
            "state": self.state,
            "payment_status": self.roms_payment_status or None,
            "payment_method": self.roms_payment_method or None,
            "date_order": when(self.date_order),
            "delivered_date": when(self.roms_delivered_date),
            "tracking_number": self.roms_tracking_number or None,
            "shipping": {
                "courier": self.roms_courier_id.code,
                "service": self.roms_courier_service or None,
                "cost": sum(
                    self.order_line.filtered("is_delivery").mapped("price_unit")
                ),
                "tracking_link": self.roms_tracking_link or None,
            }
            if self.roms_courier_id
            else None,
            "currency": self.currency_id.name,
            "amount_untaxed": self.amount_untaxed,
            "amount_tax": self.amount_tax,
            "amount_total": self.amount_total,
            "note": html2plaintext(self.note) if self.note else None,
            # the customer's id and name only: an integration that matched a
            # customer by phone or email must not learn their other contact data
            "customer": {"id": partner.id, "name": partner.name},
            "lines": [
                {
                    "sku": line.product_id.default_code or None,
                    "product": line.product_id.display_name,
                    "quantity": line.product_uom_qty,
                    "price_unit": line.price_unit,
                    "subtotal": line.price_subtotal,
                }
                for line in self.order_line.filtered(lambda l: not l.display_type)
            ],
            "history": [
                {
                    "status": entry.stage,
                    "date": when(entry.date),
                    "comment": entry.comment or None,
                    "tracking_number": entry.tracking_number or None,
                }
                for entry in self.roms_stage_history_ids.sorted("id")
            ],
        }

    def _roms_api_shipping_line(self, carrier, cost):
        """The delivery line of an order the API created with a courier: the
        carrier's product at the cost the customer paid."""
        self.ensure_one()
        self.sudo().set_delivery_line(carrier, cost)
