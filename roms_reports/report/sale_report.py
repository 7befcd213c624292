from odoo import fields, models

from odoo.addons.roms_crm.models.customer.res_partner import ROMS_CATEGORIES
from odoo.addons.roms_crm.models.fulfilment.sale_order import ROMS_STAGES
from odoo.addons.roms_crm.models.order_api.sale_order import (
    PAYMENT_METHODS,
    PAYMENT_STATUSES,
)


class SaleReport(models.Model):
    """Odoo's sales analysis with the ROMS dimensions.

    A customer can carry several segments; joining the many2many would repeat each
    order line once per segment and inflate every sum. The report shows the
    customer's *primary* segment instead (``res.partner._roms_primary_segment_sql``):
    the first of their segments in the segments' order (sequence). To see all the
    sales of one segment's members, filter on "Customer Segments" (a search over
    the customer's segments, which does not duplicate lines)."""

    _inherit = "sale.report"

    roms_category = fields.Selection(
        ROMS_CATEGORIES, string="Customer Category", readonly=True
    )
    roms_segment_id = fields.Many2one(
        "roms.segment", string="Primary Segment", readonly=True
    )
    roms_segment_ids = fields.Many2many(
        related="partner_id.roms_segment_ids", string="Customer Segments"
    )
    roms_city_id = fields.Many2one("res.city", string="City/Regency", readonly=True)
    roms_province_id = fields.Many2one(
        "res.country.state", string="Province", readonly=True
    )
    roms_stage = fields.Selection(ROMS_STAGES, string="Fulfilment Stage", readonly=True)
    roms_payment_status = fields.Selection(
        PAYMENT_STATUSES, string="Payment Status", readonly=True
    )
    roms_payment_method = fields.Selection(
        PAYMENT_METHODS, string="Payment Method", readonly=True
    )

    def _select_additional_fields(self):
        res = super()._select_additional_fields()
        res["roms_category"] = "partner.roms_category"
        res["roms_segment_id"] = "roms_segment.segment_id"
        res["roms_city_id"] = "partner.roms_city_id"
        res["roms_province_id"] = "COALESCE(roms_city.state_id, partner.state_id)"
        res["roms_stage"] = "s.roms_stage"
        res["roms_payment_status"] = "s.roms_payment_status"
        res["roms_payment_method"] = "s.roms_payment_method"
        return res

    def _from_sale(self):
        # sale.report composes its query as text (as core does with its
        # currency table)
        primary_segment = self.env.cr.mogrify(
            self.env["res.partner"]._roms_primary_segment_sql("partner")
        ).decode(self.env.cr.connection.encoding)
        return f"""{super()._from_sale()}
            LEFT JOIN res_city roms_city ON roms_city.id = partner.roms_city_id
            LEFT JOIN LATERAL ({primary_segment}) roms_segment ON TRUE
        """

    def _group_by_sale(self):
        return f"""{super()._group_by_sale()},
            partner.roms_category,
            roms_segment.segment_id,
            partner.roms_city_id,
            roms_city.state_id,
            s.roms_stage,
            s.roms_payment_status,
            s.roms_payment_method
        """
