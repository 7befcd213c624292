from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

RULE_TYPES = [
    ("big_spender", "Total spend above an amount"),
    ("loyal", "More orders than a number"),
    ("inactive", "No order for more days than a number"),
    ("new_member", "Joined fewer days ago than a number"),
    ("regular", "None of the other segments"),
    ("domain", "Custom rule"),
]


class RomsSegment(models.Model):
    """A customer segment: a named rule over customer fields.

    Membership is stored in ``res.partner.roms_segment_ids`` and recomputed
    set-based (one search per segment and batch of customers) by the daily
    statistics cron, when an order of the customer is confirmed or cancelled, and
    for everyone when a rule changes.
    """

    _name = "roms.segment"
    _description = "Customer Segment"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Stable identifier used by integrations and reports, e.g. big_spender.",
    )
    sequence = fields.Integer(default=10)
    color = fields.Integer(string="Colour")
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    rule_type = fields.Selection(
        RULE_TYPES,
        string="Rule",
        required=True,
        default="domain",
    )
    threshold = fields.Float(
        help="The amount (Rupiah), number of orders or number of days of the rule.",
    )
    domain = fields.Char(
        string="Custom Rule",
        default="[]",
        help="Which customers belong to the segment, as a filter on customer fields.",
    )
    partner_count = fields.Integer(string="Customers", compute="_compute_partner_count")

    _sql_constraints = [
        ("code_uniq", "unique(code)", "Another segment already has this code."),
    ]

    @api.constrains("rule_type", "threshold", "domain")
    def _check_rule(self):
        for segment in self:
            if segment.rule_type not in ("regular", "domain") and segment.threshold < 0:
                raise ValidationError(
                    self.env._(
                        "The threshold of segment %(name)s cannot be negative.",
                        name=segment.name,
                    )
                )
            if segment.rule_type == "domain":
                try:
                    self.env["res.partner"].search_count(segment._get_domain(), limit=1)
                except Exception as error:
                    raise ValidationError(
                        self.env._(
                            "The rule of segment %(name)s is not valid: %(error)s",
                            name=segment.name,
                            error=error,
                        )
                    ) from error

    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("roms_segment_ids", "in", self.ids)],
                ["roms_segment_ids"],
                ["__count"],
            )
        )
        for segment in self:
            segment.partner_count = counts.get(segment, 0)

    # ------------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------------

    @api.model
    def _today(self):
        """Today in the shop's time zone (the segments' reference day)."""
        return self.env["res.partner"]._roms_today()

    def _get_domain(self):
        """The customers this segment holds, as a domain over res.partner.

        Boundaries are strict: a total of exactly the amount, exactly the number
        of orders, a last order exactly the number of days ago are outside.
        """
        self.ensure_one()
        today = self._today()
        if self.rule_type == "big_spender":
            return [("roms_total_spent", ">", self.threshold)]
        if self.rule_type == "loyal":
            return [("roms_order_count", ">", self.threshold)]
        if self.rule_type == "inactive":
            cutoff = today - relativedelta(days=int(self.threshold))
            # Customers who never ordered count from the day they joined.
            return [
                "|",
                ("roms_last_order_date", "<", cutoff),
                "&",
                ("roms_last_order_date", "=", False),
                ("roms_join_date", "<", cutoff),
            ]
        if self.rule_type == "new_member":
            cutoff = today - relativedelta(days=int(self.threshold))
            return [("roms_join_date", ">", cutoff)]
        if self.rule_type == "domain":
            return safe_eval(self.domain or "[]", {"today": today})
        return []  # regular: handled by _assign

    @api.model
    def _assign(self, partners):
        """Recompute the segments of ``partners`` (ROMS customers) in a few queries.

        One DELETE, then one INSERT … SELECT per active rule segment over the
        batch and one for Regular: the ids never travel through Python.
        """
        if not partners:
            return
        Partner = self.env["res.partner"].with_context(active_test=False)
        segments = self.search([])  # pylint: disable=no-search-all
        Partner.flush_model()
        self.flush_model()
        batch = [("id", "in", partners.ids), ("roms_category", "!=", False)]
        self.env.execute_query(
            SQL(
                "DELETE FROM roms_partner_segment_rel WHERE partner_id = ANY(%s)",
                partners.ids,
            )
        )
        for segment in segments.filtered(lambda s: s.rule_type != "regular"):
            query = Partner._search(expression.AND([batch, segment._get_domain()]))
            self.env.execute_query(
                SQL(
                    "INSERT INTO roms_partner_segment_rel (partner_id, segment_id) %s",
                    query.select(
                        SQL.identifier(query.table, "id"), SQL("%s", segment.id)
                    ),
                )
            )
        for segment in segments.filtered(lambda s: s.rule_type == "regular"):
            query = Partner._search(batch)
            self.env.execute_query(
                SQL(
                    """INSERT INTO roms_partner_segment_rel (partner_id, segment_id)
                       SELECT id, %s FROM (%s) AS batch
                        WHERE NOT EXISTS (SELECT 1 FROM roms_partner_segment_rel r
                                           WHERE r.partner_id = batch.id)""",
                    segment.id,
                    query.select(),
                )
            )
        partners.invalidate_recordset(["roms_segment_ids"])
        segments.invalidate_recordset(["partner_count"])

    @api.model_create_multi
    def create(self, vals_list):
        segments = super().create(vals_list)
        self._assign_all()
        return segments

    def write(self, vals):
        result = super().write(vals)
        if {"rule_type", "threshold", "domain", "active"} & vals.keys():
            self._assign_all()
        return result

    @api.model
    def _assign_all(self):
        customers = (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search([("roms_category", "!=", False)])
        )
        for batch in customers.grouped(lambda p: p.id // 5000).values():
            self._assign(batch)

    def action_view_partners(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "roms_crm.res_partner_action_customers"
        )
        action["domain"] = [("roms_segment_ids", "in", self.ids)]
        action["context"] = {}
        action["name"] = self.name
        return action
