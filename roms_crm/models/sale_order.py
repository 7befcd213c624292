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
