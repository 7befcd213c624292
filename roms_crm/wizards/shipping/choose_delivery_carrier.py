from odoo import Command, fields, models
from odoo.exceptions import UserError


class RomsShippingRate(models.TransientModel):
    """One priced courier service offered for an order in the "Add shipping"
    wizard (Biteship answers with every service of every courier)."""

    _name = "roms.shipping.rate"
    _description = "Courier Service Rate"
    _order = "price, courier_name, service_name"

    wizard_id = fields.Many2one(
        "choose.delivery.carrier", required=True, ondelete="cascade"
    )
    courier_code = fields.Char(required=True)
    courier_name = fields.Char(string="Courier", required=True)
    service_code = fields.Char(required=True)
    service_name = fields.Char(string="Service", required=True)
    price = fields.Float(digits="Product Price")
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    duration = fields.Char(string="Estimate")
    description = fields.Char()
    is_chosen = fields.Boolean(string="Chosen")

    def action_choose(self):
        self.ensure_one()
        wizard = self.wizard_id
        wizard.roms_rate_ids.is_chosen = False
        self.is_chosen = True
        wizard.write(
            {
                "delivery_price": self.price,
                "display_price": self.price,
            }
        )
        return wizard._roms_reopen()


class ChooseDeliveryCarrier(models.TransientModel):
    _inherit = "choose.delivery.carrier"

    roms_rate_ids = fields.One2many(
        "roms.shipping.rate", "wizard_id", string="Courier Services"
    )

    def _compute_display_name(self):
        for wizard in self:
            wizard.display_name = self.env._(
                "Add shipping: %(order)s", order=wizard.order_id.name or ""
            )

    def _get_delivery_rate(self):
        if self.delivery_type != "biteship":
            return super()._get_delivery_rate()
        carrier = self.carrier_id.with_context(order_weight=self.total_weight)
        vals = carrier.rate_shipment(self.order_id)
        if not vals.get("success"):
            return {"error_message": vals["error_message"]}
        self._roms_fill_rates(vals)
        return {"no_rate": False}

    def _roms_fill_rates(self, vals):
        """List every service Biteship priced (with the carrier's margins), the
        order's chosen one (or the cheapest) marked chosen."""
        order = self.order_id
        carrier = self.carrier_id.with_context(order=order)
        free = vals["price"] == 0 and vals["carrier_price"] > 0
        chosen_code = (order.roms_courier_id.code, order.roms_courier_service)
        options = vals["roms_options"]
        chosen = next(
            (
                i
                for i, o in enumerate(options)
                if (o["courier_code"], o["service_code"]) == chosen_code
            ),
            0,
        )
        prices = [0.0 if free else carrier._apply_margins(o["price"]) for o in options]
        self.roms_rate_ids = [Command.clear()] + [
            Command.create(
                {
                    "courier_code": o["courier_code"],
                    "courier_name": o["courier_name"],
                    "service_code": o["service_code"],
                    "service_name": o["service_name"],
                    "price": prices[i],
                    "duration": o["duration"],
                    "description": o["description"],
                    "is_chosen": i == chosen,
                }
            )
            for i, o in enumerate(options)
        ]
        self.delivery_price = self.display_price = prices[chosen]
        self.delivery_message = vals.get("warning_message") or False

    def _roms_reopen(self):
        return {
            "name": self.env._("Add a shipping method"),
            "type": "ir.actions.act_window",
            "view_mode": "form",
            "res_model": "choose.delivery.carrier",
            "res_id": self.id,
            "target": "new",
        }

    def button_confirm(self):
        if self.delivery_type != "biteship":
            return super().button_confirm()
        rate = self.roms_rate_ids.filtered("is_chosen")[:1]
        if not rate:
            raise UserError(
                self.env._("Get the rates and choose a courier service first.")
            )
        courier = self.env["roms.courier"]._by_code(rate.courier_code)
        if not courier:
            courier = (
                self.env["roms.courier"]
                .sudo()
                .create({"name": rate.courier_name, "code": rate.courier_code})
            )
        self.order_id.write(
            {
                "roms_courier_id": courier.id,
                "roms_courier_service": rate.service_code,
                "roms_courier_service_name": rate.service_name,
            }
        )
        self.delivery_price = rate.price
        result = super().button_confirm()
        line = self.order_id.order_line.filtered("is_delivery")[-1:]
        if line:
            line.name = self.env._(
                "%(carrier)s: %(courier)s %(service)s",
                carrier=self.carrier_id.name,
                courier=rate.courier_name,
                service=rate.service_name,
            ) + (f" ({rate.duration})" if rate.duration else "")
        return result
