"""The personal reorder link of a reminder: one customer, the reminded lines.

The link is the credential: ``/roms/reorder/<id>/<token>`` with a random token
compared in constant time. It opens, without a login, one page that orders the
link's products again for its customer, once, before it expires; it gives access
to nothing else (no portal page, no other order, no other customer).
"""

import re
import secrets
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.tools import SQL, consteq, plaintext2html

from ...tools import bounds
from .sale_order import RomsCartError

DAYS_PARAM = "roms_crm.reorder_link_days"
DEFAULT_DAYS = 14
# Links expired or used this long ago are deleted by the autovacuum.
KEEP_DAYS = 180
# a link's id in a message's body (its URL: /roms/reorder/<id>/<token>)
LINK_ID_RE = re.compile(r"/roms/reorder/([0-9]{1,10})/")


class RomsReorderLink(models.Model):
    _name = "roms.reorder.link"
    _description = "ROMS Personal Reorder Link"
    _order = "id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, readonly=True
    )
    line_ids = fields.Many2many(
        "sale.order.line",
        "roms_reorder_link_line_rel",
        "link_id",
        "line_id",
        string="Reminded Lines",
        readonly=True,
    )
    line_key = fields.Char(
        readonly=True,
        index=True,
        help="The reminded lines' ids, sorted: finds the open link of the same "
        "lines again.",
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    token = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        groups="base.group_system",
        default=lambda self: secrets.token_urlsafe(32),
    )
    expires_at = fields.Datetime(string="Expires", required=True, readonly=True)
    opened_at = fields.Datetime(
        string="First Opened", readonly=True, help="When the customer first opened it."
    )
    message_id = fields.Many2one(
        "roms.message",
        string="Sent In",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The latest message that carried this link: its order is attributed "
        "to it, its first opening marks the message clicked.",
    )
    order_id = fields.Many2one(
        "sale.order",
        string="Order Placed",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The order the customer placed with this link; a link orders once.",
    )

    # ------------------------------------------------------------- creation

    @api.model
    def _link_days(self):
        days = self.env["ir.config_parameter"]._roms_param(DAYS_PARAM, DEFAULT_DAYS)
        return min(max(days, 1), 365)

    @api.model
    def _line_key(self, lines):
        return ",".join(str(line_id) for line_id in sorted(lines.ids))

    @api.model
    def _placed_since(self, partner, lines, since):
        """The order ``partner`` placed after ``since`` with a link for
        ``lines`` (an empty recordset when none, sudo)."""
        lines = lines.filtered(lambda line: line.product_id and not line.display_type)
        if not partner or not lines:
            return self.env["sale.order"].sudo()
        link = self.sudo().search(
            [
                ("partner_id", "=", partner.id),
                ("line_key", "=", self._line_key(lines)),
                ("order_id", "!=", False),
                ("order_id.create_date", ">=", since),
            ],
            order="id desc",
            limit=1,
        )
        return link.order_id

    @api.model
    def _get_or_create(self, partner, lines):
        """The open link of ``partner`` for ``lines`` (sale order lines of one
        company), a new one when there is none (sudo)."""
        lines = lines.filtered(lambda line: line.product_id and not line.display_type)
        if not partner or not lines:
            return self.browse()
        key = self._line_key(lines)
        Link = self.sudo()
        now = fields.Datetime.now()
        link = Link.search(
            [
                ("partner_id", "=", partner.id),
                ("line_key", "=", key),
                ("order_id", "=", False),
                ("expires_at", ">", now + timedelta(days=1)),
            ],
            limit=1,
        )
        return link or Link.create(
            {
                "partner_id": partner.id,
                "line_ids": [Command.set(lines.ids)],
                "line_key": key,
                "company_id": lines[0].company_id.id,
                "expires_at": now + timedelta(days=self._link_days()),
            }
        )

    @api.model
    def _chat_url(self):
        """Where a customer whose link no longer works can reach the shop (the
        current company): a call to its phone by default; the WhatsApp channel
        opens a chat instead."""
        phone = self.env.company.phone or ""
        digits = "".join(char for char in phone if char.isdigit() or char == "+")
        return f"tel:{digits}" if digits else ""

    def _url(self):
        self.ensure_one()
        link = self.sudo()
        return f"{link.partner_id.get_base_url()}/roms/reorder/{link.id}/{link.token}"

    # ---------------------------------------------------------------- access

    @api.model
    def _from_token(self, link_id, token):
        """The link (sudo) whose id and token these are, or an empty recordset."""
        if not isinstance(link_id, int) or not 0 < link_id < 2**31:
            return self.sudo().browse()
        link = self.sudo().browse(link_id).exists()
        if link and token and consteq(str(token), link.token):
            return link
        return self.sudo().browse()

    def _status(self):
        """``open``, ``used`` (an order was placed with it) or ``expired``."""
        self.ensure_one()
        if self.order_id:
            return "used"
        if self.expires_at <= fields.Datetime.now():
            return "expired"
        return "open"

    def _mark_opened(self):
        """The customer opened the link: its first opening is kept on the link
        and, as a click, on the message that carried it."""
        now = fields.Datetime.now()
        for link in self.sudo():
            if not link.opened_at:
                link.opened_at = now
            if link.message_id and not link.message_id.clicked_at:
                link.message_id.clicked_at = now

    @api.model
    def _bind_messages(self, messages):
        """Tie the links that ``messages`` carry (their URL in the body) to them:
        each link then belongs to the latest message that carried it. A link of
        another customer than the message's is never tied to it."""
        carried = {}
        for message in messages:  # in creation order: the latest one wins
            for link_id in map(int, LINK_ID_RE.findall(message.body or "")):
                if 0 < link_id < 2**31:
                    carried[link_id] = message
        if not carried:
            return
        links = self.sudo().browse(list(carried)).exists()
        for link in links:
            message = carried[link.id]
            if link.partner_id == message.partner_id and link.message_id != message:
                link.message_id = message

    # -------------------------------------------------------------- products

    def _sold_products(self, products):
        """The variants among ``products`` the shop still sells to this link's
        customer (active, sold, of the link's company or shared)."""
        self.ensure_one()
        return (
            self.env["product.product"]
            .sudo()
            .search(
                [
                    ("id", "in", products.ids),
                    ("sale_ok", "=", True),
                    ("company_id", "in", [False, self.company_id.id]),
                ]
            )
        )

    def _offer(self):
        """What the page offers: (a list of dicts ``product``, ``qty`` (the
        reminded quantity in the product's unit), ``price`` (today's unit price for
        this customer), the products no longer sold)."""
        self.ensure_one()
        lines = self.line_ids.sudo()
        sold = self._sold_products(lines.product_id)
        quantities = {}
        for line in lines:
            if line.product_id in sold:
                qty = line.product_uom._compute_quantity(
                    line.product_uom_qty, line.product_id.uom_id
                )
                quantities[line.product_id] = quantities.get(line.product_id, 0) + qty
        partner = self.partner_id.sudo().with_company(self.company_id)
        pricelist = partner.property_product_pricelist
        products = sold.with_company(self.company_id).with_context(
            lang=partner.lang or self.env.lang
        )
        prices = (
            pricelist._get_products_price(products, 1.0)
            if pricelist
            else {product.id: product.lst_price for product in products}
        )
        offer = [
            {
                "product": product,
                "qty": max(quantities[product], 1.0),
                "price": prices.get(product.id, product.lst_price),
            }
            for product in products.sorted("display_name")
        ]
        return offer, lines.product_id - sold

    def _addresses(self):
        """Where the customer may have this order shipped (sudo)."""
        self.ensure_one()
        return self.partner_id.sudo()._roms_delivery_addresses()

    # ----------------------------------------------------------------- order

    @api.model
    def _order_state_setting(self):
        """Quotation or confirmed order: the reseller cart's setting."""
        return self.env["sale.order"]._roms_portal_settings()["order_state"]

    def _place(self, quantities, address, note=None, confirm=None):
        """Order ``quantities`` ({product: quantity in the product's unit}) for this
        link's customer, shipped to ``address``, with ``note``: a quotation or a
        confirmed order per the reseller cart's setting (``confirm``: True or False
        decides instead), at today's prices.

        :raise RomsCartError: the link is used or expired (``used``,
            ``expired``), nothing is ordered (``empty``), a product is not one of
            the link's or no longer sold (``unavailable``), the address is not the
            customer's (``address``), the note is too long (``note``) or the stock
            is short when the shop refuses that (``stock``). Nothing was written.
        :return: the order (sudo)
        """
        self.ensure_one()
        link = self.sudo()
        # One order per link, even with two requests at once: the second waits
        # here, then sees the first one's order.
        self.env.cr.execute(
            SQL("SELECT id FROM roms_reorder_link WHERE id = %s FOR UPDATE", link.id)
        )
        link.invalidate_recordset(["order_id"])
        status = link._status()
        if status != "open":
            raise RomsCartError(self.env._("This link can no longer be used."), status)
        offered = {entry["product"] for entry in link._offer()[0]}
        quantities = {p: qty for p, qty in quantities.items() if qty > 0}
        if not quantities:
            raise RomsCartError(self.env._("Choose at least one product."), "empty")
        if any(product not in offered for product in quantities):
            raise RomsCartError(
                self.env._("Some products are no longer sold."), "unavailable"
            )
        if address not in link._addresses():
            raise RomsCartError(self.env._("Choose one of your addresses."), "address")
        try:
            note = bounds.clean_text(note, bounds.NOTE_LENGTH, multiline=True) or ""
        except bounds.BoundsError as error:
            raise RomsCartError(
                self.env._("Your note is too long (2,000 characters at most)."),
                "note",
            ) from error
        SaleOrder = self.env["sale.order"].sudo().with_company(link.company_id)
        partner = link.partner_id.sudo()
        with self.env.cr.savepoint():
            order = SaleOrder.create(
                {
                    "partner_id": partner.id,
                    "partner_shipping_id": address.id,
                    "company_id": link.company_id.id,
                    "user_id": partner.commercial_partner_id.user_id.id,
                    "roms_source": "reorder_link",
                    "note": plaintext2html(note) if note else False,
                    "order_line": [
                        Command.create(
                            {"product_id": product.id, "product_uom_qty": qty}
                        )
                        for product, qty in quantities.items()
                    ],
                }
            )
            over = order._roms_over_stock_lines()
            if over:
                order._roms_cart_check_stock()
                order._roms_cart_post_over_stock(over)
                order.roms_over_stock = True
            link._prepare_placed_order(order)
            order.message_subscribe(partner_ids=partner.ids)
            order.message_post(
                body=self.env._("Ordered by the customer with their reorder link."),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
            if confirm is None:
                confirm = self._order_state_setting() != "quotation"
            if not confirm:
                order.action_quotation_sent()
            else:
                order.action_confirm()
            link.order_id = order
            if link.message_id and not self.env.context.get("roms_attribution_skip"):
                order._roms_attribute_to_message(link.message_id, "reorder_link")
        return order

    def _prepare_placed_order(self, order):
        """Hook: complete ``order`` (sudo), just created from this link, before it
        is confirmed or sent; raise a RomsCartError to order nothing."""

    @api.autovacuum
    def _gc_links(self):
        """Delete the links that expired long ago and ordered nothing."""
        limit = fields.Datetime.now() - timedelta(days=KEEP_DAYS)
        self.sudo().search(
            [("expires_at", "<", limit), ("order_id", "=", False)]
        ).unlink()
