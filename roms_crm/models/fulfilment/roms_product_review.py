from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ...tools import bounds
from ...tools.locks import claim_rows

REVIEW_STATES = [
    ("pending", "Pending"),
    ("published", "Published"),
    ("rejected", "Rejected"),
]


class RomsProductReview(models.Model):
    """A customer's review of a product: a rating from 1 to 5 and a text.

    Reviews from the portal wait for moderation (pending); only published ones count
    in the product's average. One review per product and customer.
    """

    _name = "roms.product.review"
    _description = "Product Review"
    _order = "create_date desc, id desc"

    product_tmpl_id = fields.Many2one(
        "product.template",
        string="Product",
        required=True,
        index=True,
        ondelete="cascade",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
    )
    rating = fields.Integer(required=True, default=5, help="From 1 to 5 stars.")
    text = fields.Text(string="Review")
    state = fields.Selection(
        REVIEW_STATES, string="Status", default="pending", required=True, index=True
    )
    source = fields.Selection(
        [("manual", "Manual"), ("portal", "Portal")],
        default="manual",
        required=True,
        readonly=True,
    )
    order_id = fields.Many2one(
        "sale.order", index="btree_not_null", ondelete="set null"
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True)

    _sql_constraints = [
        (
            "product_partner_uniq",
            "unique(product_tmpl_id, partner_id)",
            "This customer has already reviewed this product.",
        ),
    ]

    @api.constrains("text")
    def _check_text_length(self):
        """Bounded also over RPC: at most 2,000 characters."""
        self.env["roms.bounds"]._constrain_text(
            self, "text", bounds.NOTE_LENGTH, self.env._("The review")
        )

    @api.constrains("rating")
    def _check_rating(self):
        for review in self:
            if not 1 <= review.rating <= 5:
                raise ValidationError(self.env._("A rating is from 1 to 5 stars."))

    @api.depends("product_tmpl_id", "partner_id")
    def _compute_display_name(self):
        for review in self:
            review.display_name = " – ".join(
                name
                for name in (review.product_tmpl_id.name, review.partner_id.name)
                if name
            )

    @api.model_create_multi
    def create(self, vals_list):
        reviews = super().create(vals_list)
        reviews._sync_rating()
        return reviews

    def write(self, vals):
        result = super().write(vals)
        if {"state", "rating", "text", "partner_id", "product_tmpl_id"} & set(vals):
            self._sync_rating()
        return result

    def unlink(self):
        self.filtered(lambda r: r.state == "published").with_context(
            roms_review_unlink=True
        )._sync_rating()
        return super().unlink()

    @api.model
    def _create_from_portal(self, order, values):
        """Create (sudo) the review a customer sent from the page of ``order``
        (sudo): once per product and customer, even when the form comes twice
        at once (a double tap, or the product reviewed from the pages of two
        of the customer's orders): the second request waits for the first one,
        then finds its review. What is claimed is the reviewer, the customer of
        the unique constraint, not the order: two orders would not make the
        second request wait.

        :raise UserError: the customer has already reviewed the product.
        """
        claim_rows(self.env["res.partner"].sudo().browse(values["partner_id"]))
        if self.sudo().search_count(
            [
                ("product_tmpl_id", "=", values["product_tmpl_id"]),
                ("partner_id", "=", values["partner_id"]),
            ],
            limit=1,
        ):
            raise UserError(
                self.env._("This customer has already reviewed this product.")
            )
        return self.sudo().create(values)

    def action_publish(self):
        self.write({"state": "published"})
        return True

    def action_reject(self):
        self.write({"state": "rejected"})
        return True

    def action_reset_pending(self):
        self.write({"state": "pending"})
        return True

    # ------------------------------------------------------------------
    # Compatibility with Odoo's product ratings
    # ------------------------------------------------------------------

    def _sync_rating(self):
        """Mirror published reviews as Odoo ratings (``rating.rating``) on the product.

        ROMS does not depend on ``rating`` or ``website_sale``: the reviews are the
        source of truth and this hook does nothing until ``website_sale`` is
        installed, which makes ``product.template`` a ``rating.mixin`` and shows
        ``rating.rating`` records as the stars of the shop. Then a published
        review has one rating record (same product, customer, value and text,
        ``consumed`` and public so that the shop counts it) and a review that is
        no longer published — or deleted — has none. Existing reviews are
        mirrored by calling this method on them after installing the shop, e.g.
        ``env["roms.product.review"].search([])._sync_rating()``.
        """
        if "rating.rating" not in self.env or "rating_ids" not in (
            self.env["product.template"]._fields
        ):
            return False
        Rating = self.env["rating.rating"].sudo()
        model = self.env["ir.model"]._get("product.template")
        unlinking = self.env.context.get("roms_review_unlink")
        for review in self:
            existing = Rating.search(
                [
                    ("res_model", "=", "product.template"),
                    ("res_id", "=", review.product_tmpl_id.id),
                    ("partner_id", "=", review.partner_id.id),
                ],
                limit=1,
            )
            if unlinking or review.state != "published":
                existing.unlink()
                continue
            vals = {
                "res_model_id": model.id,
                "res_id": review.product_tmpl_id.id,
                "partner_id": review.partner_id.id,
                "rating": review.rating,
                "feedback": review.text or False,
                "consumed": True,
            }
            if existing:
                existing.write(vals)
            else:
                Rating.create(vals)
        return True
