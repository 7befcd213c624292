"""Message templates: plain text with ``{variable}`` placeholders.

Rendering is plain substitution of known names by their values: the body is never
evaluated, formatted (``str.format``) or compiled, so a body such as
``{customer_name.__class__}`` is just refused at save as an unknown variable.
"""

import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

TEMPLATE_TYPES = [
    ("order_confirmation", "Order Confirmation"),
    ("reminder", "Reminder"),
    ("broadcast", "Broadcast"),
    ("quick_reply", "Quick Reply"),
    ("greeting", "Greeting"),
    ("payment_info", "Payment Info"),
    ("payment_received", "Payment Received"),
    ("shipping", "Shipping Confirmation"),
    ("cart_recovery", "Cart Recovery"),
    ("review_request", "Review Request"),
    ("other", "Other"),
]

# a placeholder: an opening brace, a name, a closing brace; any other brace is an error
TOKEN_RE = re.compile(r"\{([^{}]*)\}|[{}]")
NAME_RE = re.compile(r"[a-z_]+")


def template_variables(body):
    """The variables of a message body in the order they appear, and whether
    every brace belongs to one: ``("Halo {name}", ...)`` → ``(["name"], True)``.
    The one parser of ``{variable}`` placeholders, for templates, broadcasts and
    the WhatsApp template parameters."""
    names, balanced = [], True
    for match in TOKEN_RE.finditer(body or ""):
        if match.group(1) is None:
            balanced = False
        else:
            names.append(match.group(1))
    return names, balanced


def format_rupiah(amount):
    """``1250000`` → ``"Rp 1.250.000"`` (Indonesian thousands separator, no cents)."""
    value = round(amount or 0)
    sign = "-" if value < 0 else ""
    return f"{sign}Rp {abs(value):,}".replace(",", ".")


class LazyValue:
    """A variable's value computed only when a body uses it (``str()``): a
    personal link is made for the messages that carry it, not for every render."""

    def __init__(self, compute):
        self._compute = compute
        self._value = None

    def __str__(self):
        if self._value is None:
            self._value = self._compute() or ""
        return self._value

    def __bool__(self):
        return bool(str(self))


class RomsMessageTemplate(models.Model):
    _name = "roms.message.template"
    _description = "ROMS Message Template"
    _order = "template_type, sequence, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    template_type = fields.Selection(
        TEMPLATE_TYPES, string="Type", required=True, default="other", index=True
    )
    body = fields.Text(
        required=True,
        translate=True,
        help="Plain text. Variables: {customer_name} (or {name}), {product_name}, "
        "{recommendation}, {order_number}, {order_total}, {tracking_number}, "
        "{reorder_link}, {payment_link}, {order_link}, {review_link}.",
    )
    attachment_id = fields.Many2one("ir.attachment", ondelete="set null")
    variables_help = fields.Char(
        string="Available Variables", compute="_compute_variables_help"
    )
    preview_partner_id = fields.Many2one(
        "res.partner",
        string="Preview Customer",
        compute="_compute_preview_records",
        readonly=False,
        store=False,
    )
    preview_order_id = fields.Many2one(
        "sale.order",
        compute="_compute_preview_records",
        readonly=False,
        store=False,
    )
    preview = fields.Text(compute="_compute_preview")
    preview_is_sample = fields.Boolean(compute="_compute_preview")

    # --------------------------------------------------------------- hooks

    @api.model
    def _allowed_variables(self):
        """The variable names a body may use. Extend with ``super() | {...}``."""
        return {
            "customer_name",
            "name",
            "product_name",
            "recommendation",
            "order_number",
            "order_total",
            "tracking_number",
            "reorder_link",
            "payment_link",
            "order_link",
            "review_link",
        }

    @api.model
    def _render_values(self, partner, order, product):
        """The values of the variables for these records (any may be empty).
        Extend with ``super()`` and add keys."""
        partner = partner or (order.partner_id if order else self.env["res.partner"])
        if product and product._name == "product.product":
            product_tmpl = product.product_tmpl_id
        else:
            product_tmpl = product or self.env["product.template"]
        customer_name = partner.name or ""
        return {
            "customer_name": customer_name,
            "name": customer_name,
            "product_name": product.name if product else "",
            "recommendation": product_tmpl.roms_cross_sell_text or "",
            "order_number": order.name if order else "",
            "order_total": self._format_amount(order) if order else "",
            "tracking_number": (order.roms_tracking_number or "") if order else "",
            "reorder_link": LazyValue(
                lambda: self._reorder_link_url(partner, order, product)
            ),
            "payment_link": LazyValue(lambda: self._payment_link_url(order)),
            "order_link": LazyValue(lambda: self._order_link_url(order)),
            "review_link": LazyValue(
                lambda: self._order_link_url(order, "roms_reviews")
            ),
        }

    @api.model
    def _order_link_url(self, order, anchor=None):
        """``{order_link}``: the order's page, signed with its access token (no
        login needed: a quotation to accept, a cart to finish); with ``anchor``
        ``roms_reviews`` (``{review_link}``) its product reviews form."""
        if not order:
            return ""
        order = order.sudo()
        if self.env.context.get("roms_template_preview"):
            # a preview makes no access token
            return f"{order.get_base_url()}/my/orders/{order.id}?access_token=…"
        url = order._roms_portal_url(anchor) if anchor else order.get_portal_url()
        return f"{order.get_base_url()}{url}"

    @api.model
    def _payment_link_url(self, order):
        """``{payment_link}``: Odoo's payment page of what remains to pay on
        ``order``; empty when nothing is due."""
        if not order:
            return ""
        if self.env.context.get("roms_template_preview"):
            return f"{order.get_base_url()}/payment/pay?…"
        return order.sudo()._roms_payment_link()

    @api.model
    def _reorder_link_url(self, partner, order, product):
        """``{reorder_link}``: the customer's personal link ordering again the
        lines of ``order`` (those of ``product`` when given); a sample in the
        template's preview, where no link is made."""
        if not order:
            return ""
        if self.env.context.get("roms_template_preview"):
            return f"{order.get_base_url()}/roms/reorder/…"
        lines = order._roms_product_lines()
        if product:
            lines = lines.filtered(
                lambda line: product in (line.product_id, line.product_template_id)
            )
        link = self.env["roms.reorder.link"]._get_or_create(
            partner or order.partner_id, lines
        )
        return link._url() if link else ""

    @api.model
    def _format_amount(self, order):
        if order.currency_id.name in ("IDR", False):
            return format_rupiah(order.amount_total)
        amount = order.currency_id.round(order.amount_total)
        return f"{order.currency_id.symbol or order.currency_id.name} {amount:,.2f}"

    # ---------------------------------------------------------- validation

    @api.model
    def _template_errors(self, body):
        """The problems of a body: unknown variables, unbalanced braces."""
        allowed = self._allowed_variables()
        errors = []
        for match in TOKEN_RE.finditer(body or ""):
            name = match.group(1)
            if name is None:
                errors.append(
                    self.env._(
                        "Unbalanced brace at position %(position)s: write variables "
                        "as {customer_name}.",
                        position=match.start() + 1,
                    )
                )
            elif not NAME_RE.fullmatch(name) or name not in allowed:
                errors.append(
                    self.env._(
                        "Unknown variable {%(name)s}. Available: %(allowed)s.",
                        name=name,
                        allowed=", ".join(f"{{{v}}}" for v in sorted(allowed)),
                    )
                )
        return errors

    @api.constrains("body")
    def _check_body(self):
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        for template in self:
            bodies = {template.body}
            for lang in langs:
                bodies.add(template.with_context(lang=lang).body)
            errors = []
            for body in bodies:
                errors.extend(self._template_errors(body))
            if errors:
                raise ValidationError(
                    self.env._(
                        "Template %(name)s: %(errors)s",
                        name=template.name,
                        errors=" ".join(dict.fromkeys(errors)),
                    )
                )

    # ----------------------------------------------------------- rendering

    @api.model
    def _substitute(self, body, values):
        """Replace each known ``{variable}`` of ``body`` by its value; nothing else
        of the body is interpreted."""

        def replace(match):
            name = match.group(1)
            if name is not None and name in values:
                return str(values[name])
            return match.group(0)

        return TOKEN_RE.sub(replace, body or "")

    def _render(self, partner=None, order=None, product=None):
        """The body with its variables replaced, in the context's language."""
        self.ensure_one()
        values = self._render_values(
            partner or self.env["res.partner"],
            order or self.env["sale.order"],
            product or self.env["product.product"],
        )
        return self._substitute(self.body, values)

    # -------------------------------------------------------------- preview

    def _compute_variables_help(self):
        names = " ".join(f"{{{v}}}" for v in sorted(self._allowed_variables()))
        for template in self:
            template.variables_help = names

    def _compute_preview_records(self):
        for template in self:
            template.preview_partner_id = template.preview_partner_id or False
            template.preview_order_id = template.preview_order_id or False

    @api.onchange("preview_partner_id")
    def _onchange_preview_partner_id(self):
        """The order of the preview belongs to its customer: the customer's last
        order when another customer's order was chosen."""
        for template in self:
            partner = template.preview_partner_id.commercial_partner_id
            order = template.preview_order_id
            if partner and order.partner_id.commercial_partner_id != partner:
                template.preview_order_id = self.env["sale.order"].search(
                    [("partner_id", "child_of", partner.id)],
                    order="date_order desc, id desc",
                    limit=1,
                )

    @api.model
    def _preview_sample_values(self):
        """The values of a sample customer and order: the preview reads as the
        message will before a customer is chosen. Extend with ``super()`` along
        with :meth:`_allowed_variables`."""
        return {
            "customer_name": "Budi Santoso",
            "name": "Budi Santoso",
            "product_name": "Kopi Arabika Gayo 250 g",
            "recommendation": self.env._("Try it with our V60 paper filters."),
            "order_number": "S00123",
            "order_total": format_rupiah(250000),
            "tracking_number": "JNE CGK1234567890",
            "reorder_link": f"{self.get_base_url()}/roms/reorder/…",
            "payment_link": f"{self.get_base_url()}/payment/pay?…",
            "order_link": f"{self.get_base_url()}/my/orders/123?access_token=…",
            "review_link": f"{self.get_base_url()}/my/orders/123?access_token=…"
            "#roms_reviews",
        }

    @api.depends("body", "preview_partner_id", "preview_order_id")
    def _compute_preview(self):
        for template in self:
            template.preview_is_sample = True
            if template._template_errors(template.body):
                template.preview = False
                continue
            values = template._preview_sample_values()
            order = template.preview_order_id
            partner = template.preview_partner_id or order.partner_id
            if partner or order:
                product = order.order_line[:1].product_id if order else False
                # a preview makes no link (no reorder link is created for it)
                real = template.with_context(roms_template_preview=True)._render_values(
                    partner or self.env["res.partner"],
                    order or self.env["sale.order"],
                    product or self.env["product.product"],
                )
                # what the chosen records lack (no order yet) keeps its sample
                values.update({key: value for key, value in real.items() if value})
                template.preview_is_sample = any(not value for value in real.values())
            template.preview = template._substitute(template.body, values)
