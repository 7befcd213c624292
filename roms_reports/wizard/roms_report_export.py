import base64
from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.roms_crm.tools.xlsx import workbook_bytes

BATCH = 5000


class RomsReportExport(models.TransientModel):
    """Export a ROMS report to Excel for a period."""

    _name = "roms.report.export"
    _inherit = ["roms.date.range.mixin", "roms.download.mixin"]
    _description = "Export a Report to Excel"

    report = fields.Selection(
        [
            ("top_customers", "Top Customers"),
            ("geography", "Customers and Sales by Region"),
            ("sales", "Sales Analysis"),
            ("stock", "Stock"),
            ("retention", "Retention"),
        ],
        required=True,
        default="sales",
    )
    date_from = fields.Date(
        string="From",
        default=lambda self: self.env["roms.dashboard"]._today().replace(day=1),
    )
    date_to = fields.Date(
        string="To", default=lambda self: self.env["roms.dashboard"]._today()
    )
    rank_by = fields.Selection(
        [("count", "Order Count"), ("amount", "Spend")],
        default="amount",
    )
    geo_level = fields.Selection(
        [("province", "Province"), ("city", "City/Regency")],
        string="Per",
        default="city",
    )
    segment_id = fields.Many2one("roms.segment")
    company_ids = fields.Many2many(
        "res.company",
        string="Companies",
        default=lambda self: self.env.companies,
        help="The companies selected when the export was asked for.",
    )
    needs_period = fields.Boolean(compute="_compute_needs_period")
    file = fields.Binary(
        compute="_compute_file",
        help="The .xlsx file of the export, made when it is downloaded.",
    )
    file_name = fields.Char(compute="_compute_file_name")

    @api.depends("report")
    def _compute_needs_period(self):
        for export in self:
            export.needs_period = export.report not in ("stock", "retention")

    @api.depends("report", "date_from", "date_to")
    def _compute_file_name(self):
        labels = dict(self._fields["report"]._description_selection(self.env))
        for export in self:
            suffix = (
                f" {export.date_from}_{export.date_to}" if export.needs_period else ""
            )
            export.file_name = f"{labels.get(export.report, '')}{suffix}.xlsx"

    @api.depends("report", "date_from", "date_to", "rank_by", "geo_level", "segment_id")
    def _compute_file(self):
        for export in self:
            export.file = base64.b64encode(export._xlsx()[1])

    @api.constrains("date_from", "date_to", "report")
    def _check_period(self):
        """A report over a period needs both ends (the mixin checks their order)."""
        for export in self:
            if not export.needs_period:
                continue
            if not export.date_from or not export.date_to:
                raise ValidationError(self.env._("Choose the period to export."))

    def action_export(self):
        self.ensure_one()
        return self._download_action("file", self.file_name)

    def _download_url(self, field_name, file_name):
        # the file is made when it is asked for, at the route of the reports
        # (controllers/main.py), which answers with _download_response
        self.ensure_one()
        return f"/roms_reports/export/{self.id}"

    # ------------------------------------------------------------------
    # The file
    # ------------------------------------------------------------------

    def _xlsx(self):
        """``(file name, .xlsx bytes)``."""
        self.ensure_one()
        companies = self.company_ids & self.env.user.company_ids
        export = (
            self.with_context(allowed_company_ids=companies.ids) if companies else self
        )
        sheets = getattr(export, f"_sheets_{self.report}")()
        return self.file_name, workbook_bytes(sheets)

    def _period_domain(self, field):
        dashboard = self.env["roms.dashboard"]
        return [
            (field, ">=", dashboard._day_start(self.date_from)),
            (field, "<", dashboard._day_start(self.date_to + timedelta(days=1))),
        ]

    def _local(self, value):
        """A UTC datetime of the database as the shop's local time."""
        if not value:
            return None
        tz = self.env["res.partner"]._roms_tz()
        return fields.Datetime.context_timestamp(
            self.with_context(tz=tz), value
        ).replace(tzinfo=None)

    def _sheets_top_customers(self):
        wizard = self.env["roms.top.customers"].new(
            {
                "date_from": self.date_from,
                "date_to": self.date_to,
                "rank_by": self.rank_by,
            }
        )
        ranking = wizard._rank()
        partners = self.env["res.partner"].browse([r["partner_id"] for r in ranking])
        partners.fetch(["name", "roms_whatsapp_number", "roms_segment_ids"])
        columns = [
            (self.env._("Rank"), "int"),
            (self.env._("Customer"), "text"),
            (self.env._("WhatsApp"), "text"),
            (self.env._("Segments"), "text"),
            (self.env._("Orders"), "int"),
            (self.env._("Spend"), "money"),
        ]
        rows = (
            (
                r["rank"],
                partner.name,
                partner.roms_whatsapp_number or "",
                ", ".join(partner.roms_segment_ids.mapped("name")),
                r["order_count"],
                r["amount"],
            )
            for r, partner in zip(ranking, partners, strict=True)
        )
        return [(self.env._("Top Customers"), columns, rows)]

    def _sheets_geography(self):
        Report = self.env["roms.geo.report"]
        domain = self._period_domain("date_order")
        if self.segment_id:
            domain.append(("segment_ids", "in", self.segment_id.ids))
        groupby = (
            ["province_id"]
            if self.geo_level == "province"
            else ["province_id", "city_id"]
        )
        groups = Report._read_group(
            domain,
            groupby,
            ["partner_id:count_distinct", "order_count:sum", "amount:sum"],
            order="amount:sum desc",
        )
        columns = [(self.env._("Province"), "text")]
        if self.geo_level == "city":
            columns.append((self.env._("City/Regency"), "text"))
        columns += [
            (self.env._("Customers"), "int"),
            (self.env._("Orders"), "int"),
            (self.env._("Sales"), "money"),
        ]
        unknown = self.env._("Unknown")
        rows = (
            tuple(rec.name or unknown for rec in group[: len(groupby)])
            + tuple(group[len(groupby) :])
            for group in groups
        )
        return [(self.env._("By Region"), columns, rows)]

    def _sheets_sales(self):
        Report = self.env["sale.report"]
        domain = [
            *self.env["sale.order"]._roms_counting_order_domain(),
            *self._period_domain("date"),
        ]
        names = [
            "date",
            "name",
            "partner_id",
            "roms_category",
            "roms_segment_id",
            "roms_city_id",
            "roms_province_id",
            "product_id",
            "categ_id",
            "product_uom_qty",
            "price_subtotal",
            "price_total",
            "roms_stage",
            "roms_payment_status",
            "roms_payment_method",
        ]
        columns = [
            (self.env._("Date"), "datetime"),
            (self.env._("Order"), "text"),
            (self.env._("Customer"), "text"),
            (self.env._("Customer Category"), "text"),
            (self.env._("Primary Segment"), "text"),
            (self.env._("City/Regency"), "text"),
            (self.env._("Province"), "text"),
            (self.env._("Product"), "text"),
            (self.env._("Product Category"), "text"),
            (self.env._("Quantity"), "float"),
            (self.env._("Untaxed"), "money"),
            (self.env._("Total"), "money"),
            (self.env._("Fulfilment Stage"), "text"),
            (self.env._("Payment Status"), "text"),
            (self.env._("Payment Method"), "text"),
        ]
        selections = {
            name: dict(Report._fields[name]._description_selection(self.env))
            for name in (
                "roms_category",
                "roms_stage",
                "roms_payment_status",
                "roms_payment_method",
            )
        }

        def rows():
            offset = 0
            while True:
                batch = Report.search_fetch(
                    domain, names, offset=offset, limit=BATCH, order="date, id"
                )
                if not batch:
                    return
                for rec in batch:
                    yield (
                        self._local(rec.date),
                        rec.name,
                        rec.partner_id.name,
                        selections["roms_category"].get(rec.roms_category, ""),
                        rec.roms_segment_id.name or "",
                        rec.roms_city_id.name or "",
                        rec.roms_province_id.name or "",
                        rec.product_id.display_name,
                        rec.categ_id.display_name or "",
                        rec.product_uom_qty,
                        rec.price_subtotal,
                        rec.price_total,
                        selections["roms_stage"].get(rec.roms_stage, ""),
                        selections["roms_payment_status"].get(
                            rec.roms_payment_status, ""
                        ),
                        selections["roms_payment_method"].get(
                            rec.roms_payment_method, ""
                        ),
                    )
                offset += BATCH
                Report.env.invalidate_all()

        return [(self.env._("Sales"), columns, rows())]

    def _sheets_stock(self):
        records = self.env["roms.stock.report"].search([])  # pylint: disable=no-search-all
        columns = [
            (self.env._("Product"), "text"),
            (self.env._("On Hand"), "float"),
            (self.env._("Forecast"), "float"),
            (self.env._("Low-Stock Threshold"), "float"),
            (self.env._("Sold (30 Days)"), "float"),
            (self.env._("Sales per Day"), "float"),
            (self.env._("Days of Cover"), "float"),
            (self.env._("Low Stock"), "text"),
        ]
        yes, no = self.env._("Yes"), self.env._("No")
        rows = (
            (
                rec.product_id.display_name,
                rec.qty_on_hand,
                rec.qty_forecast,
                rec.threshold,
                rec.qty_sold,
                rec.daily_rate,
                rec.days_of_cover if rec.qty_sold else None,
                yes if rec.is_low else no,
            )
            for rec in records
        )
        return [(self.env._("Stock"), columns, rows)]

    def _sheets_retention(self):
        repeat = self.env["roms.repeat.report"].search([], order="month")  # pylint: disable=no-search-all
        sheets = [
            (
                self.env._("Repeat Rate"),
                [
                    (self.env._("Month"), "date"),
                    (self.env._("Customers"), "int"),
                    (self.env._("New Customers"), "int"),
                    (self.env._("Returning Customers"), "int"),
                    (self.env._("Repeat Rate (%)"), "percent"),
                ],
                [
                    (
                        datetime.combine(r.month, time.min),
                        r.customer_count,
                        r.new_count,
                        r.returning_count,
                        r.repeat_rate,
                    )
                    for r in repeat
                ],
            )
        ]
        matrix = self.env["roms.cohort.report"]._matrix()
        offsets = max((max(cells) for _m, _s, cells in matrix), default=0)
        sheets.append(
            (
                self.env._("Cohorts"),
                [(self.env._("Cohort"), "date"), (self.env._("New Customers"), "int")]
                + [
                    (self.env._("Month %(number)s", number=n), "percent")
                    for n in range(1, offsets + 1)
                ],
                [
                    (datetime.combine(month, time.min), size)
                    + tuple(cells.get(n, 0.0) for n in range(1, offsets + 1))
                    for month, size, cells in matrix
                ],
            )
        )
        sheets.extend(self._sheets_funnel())
        return sheets

    def _sheets_funnel(self):
        """The reminder funnel (roms_crm's reminders)."""
        records = self.env["roms.reminder.funnel.report"].search([])  # pylint: disable=no-search-all
        return [
            (
                self.env._("Reminder Funnel"),
                [
                    (self.env._("Reminder Rule"), "text"),
                    (self.env._("Reminders Sent"), "int"),
                    (self.env._("Links Opened"), "int"),
                    (self.env._("Ordered from the Reminder"), "int"),
                    (self.env._("Influenced Orders"), "int"),
                    (self.env._("Re-orders"), "int"),
                    (self.env._("Conversion (%)"), "percent"),
                    (self.env._("Re-order Sales"), "money"),
                ],
                [
                    (
                        r.rule_id.display_name,
                        r.sent_count,
                        r.clicked_count,
                        r.attributed_count,
                        r.influenced_count,
                        r.reorder_count,
                        r.conversion,
                        r.reorder_amount,
                    )
                    for r in records
                ],
            )
        ]
