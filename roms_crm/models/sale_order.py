from datetime import timedelta

from odoo import fields, models

ROMS_STAGES = [
    ("pending", "Pending"),
    ("processed", "Processed"),
    ("shipped", "Shipped"),
    ("delivered", "Delivered"),
    ("cancelled", "Cancelled"),
]


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
        string="Order Source",
        copy=False,
        help="Where the order came from: backend, portal, woocommerce, shopify…",
    )
    roms_tracking_number = fields.Char(
        string="Tracking Number",
        copy=False,
        tracking=True,
    )

    _sql_constraints = [
        (
            "roms_external_id_source_uniq",
            "unique(roms_external_id, roms_source)",
            "An order with this external id already exists for this source.",
        ),
    ]

    def _action_confirm(self):
        result = super()._action_confirm()
        self._roms_update_customer_stats()
        return result

    def _action_cancel(self):
        was_confirmed = self.filtered(lambda order: order.state == "sale")
        result = super()._action_cancel()
        was_confirmed._roms_update_customer_stats()
        return result

    def _roms_update_customer_stats(self):
        """Bring the statistics and segments of these orders' customers up to date,
        in the same transaction, in a number of queries independent of their
        order history."""
        customers = self.partner_id.commercial_partner_id
        customers |= customers.child_ids
        customers.filtered("roms_category")._roms_update_stats()

    def _roms_demo_fulfil(self, stage, tracking_number=False, transit_days=1):
        """Take demo quotations to a fulfilment stage. Used by demo data only.

        Confirms, ships or cancels the orders the way the shop would, then
        backdates it all to the ``date_order`` of the demo data (confirming
        resets it to now): the parcel leaves the day after the order and
        reaches the customer ``transit_days`` later.

        :param str stage: a ROMS_STAGES key other than ``pending``
        :param str tracking_number: the courier's, for shipped and delivered
        :param int transit_days: days from shipping to delivery
        """
        now = fields.Datetime.now()
        for order in self:
            date_order = order.date_order
            shipped_on = min(date_order + timedelta(days=1), now)
            vals = {"date_order": date_order, "roms_stage": stage}
            order.action_confirm()
            if stage in ("shipped", "delivered"):
                pickings = order.picking_ids.filtered(
                    lambda p: p.state not in ("done", "cancel")
                )
                for move in pickings.move_ids:
                    move.quantity = move.product_uom_qty
                pickings.move_ids.picked = True
                pickings.with_context(skip_sms=True).button_validate()
                if any(picking.state != "done" for picking in pickings):
                    raise ValueError(f"Demo order {order.name}: delivery not validated")
                pickings.date_done = shipped_on
                pickings.move_ids.date = shipped_on
                pickings.move_ids.move_line_ids.date = shipped_on
                vals["roms_tracking_number"] = tracking_number
            if stage == "delivered":
                vals["roms_delivered_date"] = min(
                    shipped_on + timedelta(days=transit_days), now
                )
            if stage == "cancelled":
                order._action_cancel()
            order.write(vals)
