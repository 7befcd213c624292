import re

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ...tools.locks import claim_rows


class ResPartner(models.Model):
    _inherit = "res.partner"

    # ------------------------------------------------------------------
    # Resellers: personal discount (through a pricelist) and portal access
    # ------------------------------------------------------------------

    # Categories that may have a personal discount, and that may log in to the portal.
    _roms_discount_categories = ("reseller", "dropshipper")
    _roms_portal_categories = ("reseller", "dropshipper", "agent", "distributor")

    roms_discount_percent = fields.Float(
        string="Discount (%)",
        digits=(5, 2),
        copy=False,
        tracking=True,
        inverse="_inverse_roms_discount_percent",
        help="Personal discount of a reseller or dropshipper on the sales price of "
        "every product. It is given through a pricelist shared by the customers with "
        "the same discount, so quotations and portal prices show it; 0 returns the "
        "customer to the default pricelist.",
    )
    roms_portal_user_id = fields.Many2one(
        "res.users",
        string="Portal User",
        compute="_compute_roms_portal_user_id",
        compute_sudo=True,
        help="The user this customer logs in to the customer portal with.",
    )

    @api.constrains("roms_discount_percent", "roms_category")
    def _check_roms_discount_percent(self):
        for partner in self:
            percent = partner.roms_discount_percent
            if not 0 <= percent <= 100:
                raise ValidationError(
                    self.env._(
                        "The discount of %(partner)s must be between 0 and 100 %%.",
                        partner=partner.display_name,
                    )
                )
            if percent and partner.roms_category not in self._roms_discount_categories:
                raise ValidationError(
                    self.env._(
                        "Only resellers and dropshippers can have a discount: set the "
                        "discount of %(partner)s to 0 first.",
                        partner=partner.display_name,
                    )
                )

    @api.onchange("roms_category")
    def _onchange_roms_category_discount(self):
        if self.roms_category not in self._roms_discount_categories:
            self.roms_discount_percent = 0

    def _inverse_roms_discount_percent(self):
        # Checked here too: a pricelist must not be created for a refused value.
        self._check_roms_discount_percent()
        for percent, partners in self.grouped("roms_discount_percent").items():
            if not percent:
                partners = partners.filtered(
                    lambda p: self._roms_is_discount_pricelist(
                        p.specific_property_product_pricelist
                    )
                )
                if not partners:
                    continue
            self._roms_check_discount_rights()
            pricelist = (
                self._roms_get_discount_pricelist(percent)
                if percent
                else self.env["product.pricelist"]
            )
            partners._roms_set_pricelist(pricelist)

    def _roms_check_discount_rights(self):
        if not (self.env.su or self.env.user.has_group("roms_crm.group_roms_admin")):
            raise AccessError(
                self.env._("Only ROMS administrators can change a customer's discount.")
            )

    def _roms_set_pricelist(self, pricelist):
        """Sell to these customers with ``pricelist`` in the current company; an
        empty one returns them to the default pricelist."""
        self.specific_property_product_pricelist = pricelist

    @api.model
    def _roms_get_discount_pricelist(self, percent):
        """Return the pricelist giving ``percent`` % off the sales price of every
        product in the current company and its currency: an existing one, shared by
        every customer with that discount, or a new one."""
        company = self.env.company
        items = (
            self.env["product.pricelist.item"]
            .sudo()
            .search(
                [
                    ("applied_on", "=", "3_global"),
                    ("compute_price", "=", "percentage"),
                    ("base", "=", "list_price"),
                    ("percent_price", "=", percent),
                    ("pricelist_id.active", "=", True),
                    ("pricelist_id.company_id", "=", company.id),
                    ("pricelist_id.currency_id", "=", company.currency_id.id),
                ]
            )
        )
        pricelist = items.pricelist_id.filtered(
            self._roms_is_discount_pricelist
        ).sorted("id")[:1]
        if not pricelist:
            self._roms_enable_pricelists()
            pricelist = (
                self.env["product.pricelist"]
                .sudo()
                .create(self._roms_discount_pricelist_vals(percent))
            )
        return pricelist.sudo(False)

    @api.model
    def _roms_is_discount_pricelist(self, pricelist):
        """Whether ``pricelist`` only takes a percentage off the sales price of every
        product, at any quantity and date: the kind of pricelist a discount uses."""
        pricelist = pricelist.sudo()
        item = pricelist.item_ids
        return (
            len(pricelist) == 1
            and len(item) == 1
            and not pricelist.country_group_ids
            and item.applied_on == "3_global"
            and item.compute_price == "percentage"
            and item.base == "list_price"
            and item.min_quantity <= 1
            and not item.date_start
            and not item.date_end
        )

    @api.model
    def _roms_discount_pricelist_vals(self, percent):
        company = self.env.company
        label = f"{percent:g}"
        return {
            "name": self.env._("Reseller −%(percent)s %%", percent=label),
            "company_id": company.id,
            "currency_id": company.currency_id.id,
            # After the default pricelist, which customers without one fall back to.
            "sequence": 100,
            "item_ids": [
                fields.Command.create(
                    {
                        "applied_on": "3_global",
                        "compute_price": "percentage",
                        "base": "list_price",
                        "percent_price": percent,
                    }
                )
            ],
        }

    @api.model
    def _roms_enable_pricelists(self):
        """Turn Odoo's pricelists on (Sales › Settings › Pricelists) when they are
        off, as Odoo does when a second currency is activated: it gives each company
        its default pricelist, in the company's currency, for customers without a
        discount. Customers' pricelists apply either way, but with the setting off
        the pricelists are hidden and saving the settings archives them."""
        group_pricelist = self.env.ref("product.group_product_pricelist")
        group_user = self.env.ref("base.group_user").sudo()
        if group_pricelist not in group_user.implied_ids:
            group_user._apply_group(group_pricelist)
            self.env.company.sudo()._activate_or_create_pricelists()

    @api.depends("user_ids")
    def _compute_roms_portal_user_id(self):
        for partner in self:
            partner.roms_portal_user_id = partner.user_ids.filtered(
                lambda user: user._is_portal()
            )[:1]

    def _roms_check_portal_grant(self):
        """Only ROMS administrators grant portal access, and only to resellers,
        dropshippers, agents and distributors."""
        if not (self.env.su or self.env.user.has_group("roms_crm.group_roms_admin")):
            raise AccessError(
                self.env._("Only ROMS administrators can grant portal access.")
            )
        for partner in self:
            if partner.roms_category not in self._roms_portal_categories:
                raise UserError(
                    self.env._(
                        "Portal access is for resellers, dropshippers, agents and "
                        "distributors, and %(partner)s is none of them.",
                        partner=partner.display_name,
                    )
                )

    def action_roms_grant_portal(self):
        """Open Odoo's portal access wizard on this customer: granting access there
        emails them an invitation with a link to choose their password."""
        self.ensure_one()
        self._roms_check_portal_grant()
        wizard = self.env["portal.wizard"].create(
            {"partner_ids": [fields.Command.set(self.ids)]}
        )
        return wizard._action_open_modal()

    def action_roms_portal_password(self):
        """Open the wizard where the administrator gives this customer a portal
        login and password, without any email."""
        self.ensure_one()
        self._roms_check_portal_grant()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Set Portal Password"),
            "res_model": "roms.portal.password",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.id},
        }

    # ------------------------------------------------------------------
    # The reseller cart seen from the contact of a logged-in reseller: their
    # cart, where it may ship, and ordering a past order again
    # ------------------------------------------------------------------

    def _roms_reseller_cart(self, create=False):
        """The open portal cart of this contact (sudo): their draft order flagged
        ``roms_portal_cart``. With ``create``, a new one when there is none, in the
        current company, with the reseller's salesperson.

        Two first "add to cart" at the same moment (two tabs, a double tap) make
        one cart: the contact's row is claimed before the cart is created, the
        second request waits for the first one and, retried by Odoo, finds its
        cart (it stopped on the unique index of the open carts)."""
        self.ensure_one()
        SaleOrder = self.env["sale.order"].sudo()
        cart = SaleOrder.search(
            [
                ("partner_id", "=", self.id),
                ("roms_portal_cart", "=", True),
                ("state", "=", "draft"),
            ],
            limit=1,
        )
        if not cart and create:
            claim_rows(self.sudo())
            cart = SaleOrder.create(
                {
                    "partner_id": self.id,
                    "company_id": self.env.company.id,
                    "user_id": self.sudo().commercial_partner_id.user_id.id,
                    "roms_portal_cart": True,
                    "roms_source": "portal",
                }
            )
        return cart

    def _roms_delivery_addresses(self):
        """The addresses this contact's cart may ship to (sudo): their company,
        themselves and the company's delivery addresses."""
        self.ensure_one()
        reseller = self.commercial_partner_id.sudo()
        addresses = self.sudo().search(
            [("id", "child_of", reseller.id), ("type", "=", "delivery")]
        )
        return reseller | self.sudo() | addresses

    def _roms_one_line_address(self):
        """The address on one line, for a choice in a form: the lines of
        ``_display_address`` (the country's address format) joined by commas,
        without the empty parts a missing street2, city or zip leaves behind."""
        self.ensure_one()
        parts = re.split(r"[\n,]", self._display_address(without_company=False))
        parts = [" ".join(part.split()) for part in parts]
        return ", ".join(part for part in parts if part) or self.name or ""

    def _roms_reseller_reorder(self, order):
        """Put the products of ``order`` (one of the reseller's) in this contact's
        cart again, at today's prices; products no longer in the catalogue are
        skipped.

        :return: (the number of products added, the products skipped)
        """
        self.ensure_one()
        quantities, skipped = order._roms_reorder_quantities()
        if quantities:
            self._roms_reseller_cart(create=True)._roms_cart_add(
                quantities, check_stock=False
            )
        return len(quantities), skipped
