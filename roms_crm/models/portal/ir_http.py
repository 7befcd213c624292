from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from odoo import models
from odoo.http import request


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _get_translation_frontend_modules_name(cls):
        # The portal's chatter (an order's messages) is made of mail's components:
        # without mail's translations it reads "The conversation is empty." and
        # other English in an Indonesian portal.
        mods = super()._get_translation_frontend_modules_name()
        return mods + ["mail"]

    @classmethod
    def _serve_fallback(cls):
        # A path with a NUL byte (/foo%00bar) names no attachment, and the
        # fallback's search by URL made PostgreSQL refuse the character: the
        # visitor got a 500 instead of the not-found page of any unknown path
        if "\x00" in request.httprequest.path:
            return None
        return super()._serve_fallback()

    @classmethod
    def _handle_error(cls, exception):
        if isinstance(exception, RequestEntityTooLarge):
            response = cls._roms_too_large_response()
            if response is not None:
                return response
        return super()._handle_error(exception)

    @classmethod
    def _roms_too_large_response(cls):
        """A portal form sent with files larger than its route takes (a phone's
        photo of 8 MB): Werkzeug refuses the body from its announced length,
        unread, and the customer would get its bare English "Request Entity Too
        Large" page. A route that names a method of its controller in its
        ``roms_too_large`` option answers instead, with the path's arguments
        only (the body is never read: no CSRF token, nothing may be written) —
        the order's page telling why. None for every other route."""
        try:
            rule, args = request.env["ir.http"]._match(request.httprequest.path)
        except HTTPException:
            return None
        method = rule.endpoint.routing.get("roms_too_large")
        if not method:
            return None
        controller = rule.endpoint.func.__self__
        return getattr(controller, method)(**args)
