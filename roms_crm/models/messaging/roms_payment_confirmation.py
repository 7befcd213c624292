from odoo import models


class RomsPaymentConfirmation(models.Model):
    _inherit = "roms.payment.confirmation"

    def _on_rejected(self):
        """Ask the customers again, with the reason, through the message queue
        (transactional: opted-out customers get it too)."""
        result = super()._on_rejected()
        Message = self.env["roms.message"].sudo()
        vals_list = []
        for confirmation in self:
            order = confirmation.order_id.sudo()
            partner = order.partner_id
            env = self.with_context(lang=partner.lang or self.env.lang).env
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "channel": Message._default_channel(partner),
                    "kind": "payment",
                    "body": confirmation._rejected_message(env, order),
                    "res_model": "sale.order",
                    "res_id": order.id,
                }
            )
        Message.create(vals_list)
        return result

    def _rejected_message(self, env, order):
        """What the customer is told, in ``env``'s language: where to confirm
        again — the order's page when it offers the transfer form, else a reply
        with the proof (the shop turned the portal's form off)."""
        self.ensure_one()
        partner = order.partner_id
        reason = self.reject_reason.strip()
        if order._roms_awaits_transfer():
            return env._(
                "Hello %(name)s, we could not verify your payment for order "
                "%(order)s: %(reason)s Please confirm your payment again: "
                "%(link)s",
                name=partner.name,
                order=order.name,
                reason=reason,
                link=order.get_portal_url(anchor="roms_payment"),
            )
        return env._(
            "Hello %(name)s, we could not verify your payment for order "
            "%(order)s: %(reason)s Please send us your proof of payment again in "
            "reply to this message.",
            name=partner.name,
            order=order.name,
            reason=reason,
        )
