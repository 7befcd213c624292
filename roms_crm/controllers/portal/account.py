from odoo import http
from odoo.http import request

from odoo.addons.sale.controllers.portal import CustomerPortal


class RomsAccountPortal(CustomerPortal):
    @http.route()
    def account(self, redirect=None, **post):
        """Odoo's account details form: numbers are normalised when ROMS can read
        them; one it cannot (a foreign or made-up number) is saved as typed, as
        without ROMS, instead of an error page."""
        request.update_context(roms_phone_keep_unreadable=True)
        return super().account(redirect=redirect, **post)
