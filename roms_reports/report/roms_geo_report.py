from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.roms_crm.models.customer.res_partner import ROMS_CATEGORIES


class RomsGeoReport(models.Model):
    """Confirmed orders by where the customer lives: the province and the
    normalised city (typed city names mapped to the regions data), so that one
    city is one row. "Customers" counts distinct customers."""

    _name = "roms.geo.report"
    _description = "Customers and Sales by Region"
    _auto = False
    _rec_name = "order_id"
    _order = "date_order desc, id desc"

    order_id = fields.Many2one("sale.order", readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customers", readonly=True, aggregator="count_distinct"
    )
    date_order = fields.Datetime(string="Order Date", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    roms_category = fields.Selection(
        ROMS_CATEGORIES, string="Customer Category", readonly=True
    )
    city_id = fields.Many2one("res.city", string="City/Regency", readonly=True)
    province_id = fields.Many2one("res.country.state", readonly=True)
    segment_id = fields.Many2one(
        "roms.segment", string="Primary Segment", readonly=True
    )
    segment_ids = fields.Many2many(
        related="partner_id.roms_segment_ids", string="Customer Segments"
    )
    order_count = fields.Integer(string="Orders", readonly=True)
    amount = fields.Monetary(
        string="Sales", readonly=True, currency_field="currency_id"
    )

    @property
    def _table_query(self):
        Order = self.env["sale.order"]
        return SQL(
            """
            SELECT so.id AS id,
                   so.id AS order_id,
                   so.partner_id AS partner_id,
                   so.date_order AS date_order,
                   so.company_id AS company_id,
                   p.roms_category AS roms_category,
                   p.roms_city_id AS city_id,
                   COALESCE(c.state_id, p.state_id) AS province_id,
                   seg.segment_id AS segment_id,
                   1 AS order_count,
                   %(amount)s AS amount
              FROM sale_order so
              JOIN res_partner p ON p.id = so.partner_id
              LEFT JOIN res_city c ON c.id = p.roms_city_id
              LEFT JOIN LATERAL (%(primary_segment)s) seg ON TRUE
             WHERE %(counts)s
            """,
            amount=Order._roms_amount_company_sql("so"),
            primary_segment=self.env["res.partner"]._roms_primary_segment_sql("p"),
            counts=Order._roms_counting_order_sql("so"),
        )
