from random import randint

from odoo import fields, models


class RomsWhatsappLabel(models.Model):
    """A label of WhatsApp conversations ("Komplain", "Reseller baru"…), chosen by
    the agents to sort and find them."""

    _name = "roms.whatsapp.label"
    _description = "WhatsApp Conversation Label"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    color = fields.Integer(default=lambda self: randint(1, 11))
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("name_uniq", "UNIQUE(name)", "A label with this name already exists."),
    ]
