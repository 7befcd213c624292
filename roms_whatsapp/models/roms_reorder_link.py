from odoo import api, models


class RomsReorderLink(models.Model):
    _inherit = "roms.reorder.link"

    @api.model
    def _chat_url(self):
        """A WhatsApp chat with the shop's number (the company's phone), where the
        shop answers its customers."""
        company = self.env.company
        number = company.partner_id._phone_format(
            number=company.phone, country=company.country_id
        )
        if not number:
            return super()._chat_url()
        return f"https://wa.me/{number.lstrip('+')}"
