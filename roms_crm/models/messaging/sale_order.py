from odoo import api, fields, models
from odoo.tools import SQL

from .roms_message import SENT_STATES
from .roms_message_template import template_variables

PAYMENT_RECEIVED_PARAM = "roms_crm.send_payment_received"


class SaleOrder(models.Model):
    """Messages about orders: the order confirmation on the new-order event and
    the stage notifications, through the ROMS message queue."""

    _inherit = "sale.order"

    roms_message_id = fields.Many2one(
        "roms.message",
        string="Ordered from Message",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        groups="roms_crm.group_roms_cs",
        help="The message that led the customer to this order: they ordered "
        "through its reorder link, reply button or recovery link.",
    )
    roms_attribution = fields.Selection(
        [
            ("reorder_link", "Reorder Link"),
            ("reply_button", "Reply Button"),
            ("recovery_link", "Recovery Link"),
        ],
        string="Ordered Through",
        readonly=True,
        copy=False,
        groups="roms_crm.group_roms_cs",
    )

    # ------------------------------------------------------------------
    # Attribution: which message led to an order
    # ------------------------------------------------------------------

    def _roms_attribute_to_message(self, message, how):
        """The customer placed this order through ``message`` (a roms.message),
        ``how`` being one of ``roms_attribution``'s values (``reorder_link``,
        ``reply_button``, ``recovery_link``). The one way to attribute an order:
        every path that turns a message into an order calls it.

        Only a message sent to the order's customer (the same commercial entity)
        is accepted, and an order keeps its first attribution. Orders nobody
        attributed count as *influenced* by the latest reminder or broadcast sent
        to their customer within the attribution days
        (:meth:`_roms_attribution_sql`).

        :return: True when the order is now attributed to ``message``
        """
        self.ensure_one()
        message = message.sudo()
        order = self.sudo()
        if not message or how not in dict(
            order._fields["roms_attribution"]._description_selection(self.env)
        ):
            return False
        if order.roms_message_id:
            return order.roms_message_id == message
        if (
            message.partner_id.commercial_partner_id
            != order.partner_id.commercial_partner_id
        ):
            return False
        order.write({"roms_message_id": message.id, "roms_attribution": how})
        return True

    @api.model
    def _roms_attribution_sql(self, where=None):
        """SQL of the orders that messages brought, one row per order: ``order_id``,
        ``partner_id``, ``company_id``, ``date_order``, ``amount`` (company
        currency), ``message_id`` and ``attributed`` (true: ordered through the
        message, :meth:`_roms_attribute_to_message`; false: influenced, i.e. the
        latest reminder or broadcast sent to the same customer in the attribution
        days before the order). Only orders that count (confirmed, not
        cancelled) are rows. ``where``: an SQL condition on the orders (alias
        ``so``), e.g. a period. The one definition of attribution: the reports,
        the dashboard and the reminder funnel read it."""
        Message = self.env["roms.message"]
        self.flush_model(
            ["partner_id", "date_order", "state", "company_id", "roms_message_id"]
        )
        Message.flush_model(["partner_id", "kind", "state", "sent_at"])
        return SQL(
            """
            SELECT so.id AS order_id, so.partner_id, so.company_id, so.date_order,
                   %(amount)s AS amount,
                   COALESCE(so.roms_message_id, inf.id) AS message_id,
                   so.roms_message_id IS NOT NULL AS attributed
              FROM sale_order so
              LEFT JOIN LATERAL (
                  SELECT m.id
                    FROM roms_message m
                   WHERE so.roms_message_id IS NULL
                     AND m.partner_id = so.partner_id
                     AND m.kind = ANY(%(kinds)s)
                     AND m.state = ANY(%(states)s)
                     AND m.sent_at <= so.date_order
                     AND m.sent_at > so.date_order - make_interval(days => %(days)s)
                   ORDER BY m.sent_at DESC, m.id DESC
                   LIMIT 1
              ) inf ON TRUE
             WHERE %(counts)s AND %(where)s
               AND (so.roms_message_id IS NOT NULL OR inf.id IS NOT NULL)
            """,
            amount=self._roms_amount_company_sql("so"),
            kinds=list(Message._influencing_kinds()),
            states=list(SENT_STATES),
            days=Message._attribution_days(),
            counts=self._roms_counting_order_sql("so"),
            where=where or SQL("TRUE"),
        )

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
