from odoo import models


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _get_translation_frontend_modules_name(cls):
        # The portal's chatter (an order's messages) is made of mail's components:
        # without mail's translations it reads "The conversation is empty." and
        # other English in an Indonesian portal.
        mods = super()._get_translation_frontend_modules_name()
        return mods + ["mail"]
