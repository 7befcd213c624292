from odoo import api, fields, models

from .roms_message_template import template_variables

PAYMENT_RECEIVED_PARAM = "roms_crm.send_payment_received"


class SaleOrder(models.Model):
    """Messages about orders: the order confirmation on the new-order event and
    the stage notifications, through the ROMS message queue."""

    _inherit = "sale.order"

    roms_source_message_id = fields.Many2one(
        "roms.message",
        string="Ordered From Message",
        copy=False,
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The ROMS message (a reminder's reply button) this order was placed from.",
    )

    def _roms_attribute_to_message(self, message):
        """Hook: these orders were placed from ``message`` (a ``roms.message``),
        e.g. a reminder's "Order again" button. Attribution and reports extend it."""
        self.sudo().write({"roms_source_message_id": message.id})
        return True

    def _roms_on_new_order(self):
        result = super()._roms_on_new_order()
        self._roms_queue_order_confirmation()
        return result

    def _roms_notify_stage(self, stage, comment):
        """Tell the customers about a stage change, through the ROMS message queue:
        the shipping template when shipped, otherwise a short text."""
        Message = self.env["roms.message"].sudo()
        template = stage == "shipped" and self._roms_message_template("shipping")
        vals_list = []
        for order in self:
            partner = order.partner_id
            order_lang = order.with_context(lang=partner.lang or self.env.lang)
            if template:
                body = template.with_context(lang=order_lang.env.lang)._render(
                    partner=partner, order=order
                )
            else:
                labels = order_lang._fields["roms_stage"]._description_selection(
                    order_lang.env
                )
                body = order_lang.env._(
                    "Your order %(order)s is now: %(stage)s.",
                    order=order.name,
                    stage=dict(labels)[stage],
                )
            if comment:
                body = f"{body}\n{comment}"
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "channel": Message._default_channel(partner),
                    "kind": "shipping" if stage == "shipped" else "manual",
                    "body": body,
                    "template_id": template.id if template else False,
                    "res_model": "sale.order",
                    "res_id": order.id,
                }
            )
        return Message.create(vals_list)

    @api.model
    def _roms_message_template(self, template_type):
        """The first active template of this type (seeded ones come first)."""
        return (
            self.env["roms.message.template"]
            .sudo()
            .search([("template_type", "=", template_type)], limit=1)
        )

    def _roms_queue_order_confirmation(self):
        """Queue the Order Confirmation template for these orders' customers, once
        per order, unless the setting turns it off. Transactional: sent to opted-out
        customers too."""
        if not self.env["res.config.settings"]._roms_order_confirmation_enabled():
            return self.env["roms.message"]
        template = self._roms_message_template("order_confirmation")
        if not template:
            return self.env["roms.message"]
        Message = self.env["roms.message"].sudo()
        already = set(
            Message.search(
                [
                    ("kind", "=", "order_confirmation"),
                    ("res_model", "=", "sale.order"),
                    ("res_id", "in", self.ids),
                ]
            ).mapped("res_id")
        )
        vals_list = []
        for order in self:
            if order.id in already:
                continue
            partner = order.partner_id
            lang = partner.lang or self.env.lang
            body = template.with_context(lang=lang)._render(
                partner=partner, order=order
            )
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "channel": Message._default_channel(partner),
                    "kind": "order_confirmation",
                    "template_id": template.id,
                    "body": order.with_context(lang=lang)._roms_offer_payment(
                        template, body
                    ),
                    "res_model": "sale.order",
                    "res_id": order.id,
                }
            )
        return Message.create(vals_list)

    def _roms_offer_payment(self, template, body):
        """The order confirmation ``body`` with the payment link when the order
        awaits payment and the template does not place ``{payment_link}`` itself."""
        self.ensure_one()
        if "payment_link" in template_variables(template.body)[0]:
            return body
        link = self.sudo()._roms_payment_link()
        if not link:
            return body
        return "{}\n{}".format(body, self.env._("To pay online: %(link)s", link=link))

    def _roms_on_payment_received(self):
        result = super()._roms_on_payment_received()
        self._roms_queue_payment_received()
        return result

    def _roms_queue_payment_received(self):
        """Queue the Payment Received template for these orders' customers unless
        the setting turns it off. Transactional: sent to opted-out customers too."""
        param = self.env["ir.config_parameter"]._roms_param
        if not param(PAYMENT_RECEIVED_PARAM, True):
            return self.env["roms.message"]
        template = self._roms_message_template("payment_received")
        if not template:
            return self.env["roms.message"]
        Message = self.env["roms.message"].sudo()
        vals_list = []
        for order in self:
            partner = order.partner_id
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "channel": Message._default_channel(partner),
                    "kind": "payment",
                    "template_id": template.id,
                    "body": template.with_context(
                        lang=partner.lang or self.env.lang
                    )._render(partner=partner, order=order),
                    "res_model": "sale.order",
                    "res_id": order.id,
                }
            )
        return Message.create(vals_list)
