from odoo import http
from odoo.http import request

from odoo.addons.sale.controllers.portal import CustomerPortal

from ...tools.bounds import without_bidi_controls

#: the fields of Odoo's account details form that name someone in the shop's lists
NAME_FIELDS = ("name", "company_name")


class RomsAccountPortal(CustomerPortal):
    @http.route()
    def account(self, redirect=None, **post):
        """Odoo's account details form: numbers are normalised when ROMS can read
        them; one it cannot (a foreign or made-up number) is saved as typed, as
        without ROMS, instead of an error page. The names lose their
        bidirectional controls (``bounds.without_bidi_controls``): the customer
        list would show them reversed; a name of nothing else is a missing one."""
        request.update_context(roms_phone_keep_unreadable=True)
        for key in NAME_FIELDS:
            if isinstance(post.get(key), str):
                post[key] = without_bidi_controls(post[key]).strip()
        return super().account(redirect=redirect, **post)
