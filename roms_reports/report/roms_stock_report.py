from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

SALES_DAYS = 30


class RomsStockReport(models.Model):
    """Stock per product with the days it lasts at the last 30 days' sales rate;
    the products under their low-stock threshold first. A product that still has
    stock and did not sell is not low: nothing is running it down."""

    _name = "roms.stock.report"
    _description = "Stock Report"
    _auto = False
    _rec_name = "product_id"
    _order = "is_low desc, days_of_cover, product_id"

    product_id = fields.Many2one("product.product", readonly=True)
    product_tmpl_id = fields.Many2one(
        "product.template", string="Product Template", readonly=True
    )
    categ_id = fields.Many2one(
        "product.category", string="Product Category", readonly=True
    )
    qty_on_hand = fields.Float(string="On Hand", readonly=True)
    qty_forecast = fields.Float(string="Forecast", readonly=True)
    threshold = fields.Float(string="Low-Stock Threshold", readonly=True)
    qty_sold = fields.Float(
        string="Sold (30 Days)",
        readonly=True,
        help="Quantity sold in the last 30 days.",
    )
    daily_rate = fields.Float(
        string="Sales per Day", readonly=True, digits=(16, 2), aggregator="sum"
    )
    days_of_cover = fields.Float(
        string="Days of Cover",
        readonly=True,
        digits=(16, 1),
        aggregator="min",
        help="How many days the stock on hand lasts at the last 30 days' sales "
        "rate; “—” when nothing was sold.",
    )
    is_low = fields.Boolean(
        string="Low Stock",
        readonly=True,
        help="Under its low-stock threshold and selling (or out of stock).",
    )

    @api.model
    def _since(self):
        return fields.Datetime.now() - timedelta(days=SALES_DAYS)

    @property
    def _table_query(self):
        return SQL(
            """
            WITH quants AS (
                SELECT q.product_id, sum(q.quantity) AS qty
                  FROM stock_quant q
                  JOIN stock_location l ON l.id = q.location_id
                 WHERE l.usage = 'internal'
                 GROUP BY q.product_id
            ), moves AS (
                SELECT m.product_id,
                       sum(m.product_qty) FILTER (
                           WHERE ld.usage = 'internal' AND ls.usage != 'internal'
                       ) AS incoming,
                       sum(m.product_qty) FILTER (
                           WHERE ls.usage = 'internal' AND ld.usage != 'internal'
                       ) AS outgoing
                  FROM stock_move m
                  JOIN stock_location ls ON ls.id = m.location_id
                  JOIN stock_location ld ON ld.id = m.location_dest_id
                 WHERE m.state NOT IN ('draft', 'done', 'cancel')
                 GROUP BY m.product_id
            ), sold AS (
                SELECT l.product_id,
                       sum(l.product_uom_qty / lu.factor * tu.factor) AS qty
                  FROM sale_order_line l
                  JOIN sale_order so ON so.id = l.order_id
                  JOIN product_product pp ON pp.id = l.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  JOIN uom_uom lu ON lu.id = l.product_uom
                  JOIN uom_uom tu ON tu.id = pt.uom_id
                 WHERE %(counts)s AND so.date_order >= %(since)s
                   AND l.display_type IS NULL
                 GROUP BY l.product_id
            )
            SELECT p.id AS id,
                   p.id AS product_id,
                   t.id AS product_tmpl_id,
                   t.categ_id AS categ_id,
                   COALESCE(q.qty, 0) AS qty_on_hand,
                   COALESCE(q.qty, 0) + COALESCE(m.incoming, 0)
                       - COALESCE(m.outgoing, 0) AS qty_forecast,
                   COALESCE(t.roms_low_stock_threshold, 0) AS threshold,
                   COALESCE(s.qty, 0) AS qty_sold,
                   COALESCE(s.qty, 0) / %(days)s AS daily_rate,
                   CASE WHEN s.qty > 0
                        THEN GREATEST(COALESCE(q.qty, 0), 0) / (s.qty / %(days)s)
                   END AS days_of_cover,
                   COALESCE(t.roms_low_stock_threshold > 0
                            AND COALESCE(q.qty, 0) < t.roms_low_stock_threshold
                            AND (s.qty > 0 OR COALESCE(q.qty, 0) <= 0),
                            FALSE) AS is_low
              FROM product_product p
              JOIN product_template t ON t.id = p.product_tmpl_id
              LEFT JOIN quants q ON q.product_id = p.id
              LEFT JOIN moves m ON m.product_id = p.id
              LEFT JOIN sold s ON s.product_id = p.id
             WHERE t.is_storable AND p.active AND t.active
            """,
            counts=self.env["sale.order"]._roms_counting_order_sql("so"),
            since=self._since(),
            days=float(SALES_DAYS),
        )
