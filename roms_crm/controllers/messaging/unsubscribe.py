from odoo import http
from odoo.http import request
from odoo.tools import consteq

PAGE_LANG = "id_ID"


class RomsUnsubscribe(http.Controller):
    """The unsubscribe link of ROMS e-mails: a public page signed per customer.

    Opening the link only asks for confirmation (mail scanners open links); the
    customer is opted out when they press the button."""

    def _roms_partner_sudo(self, partner_id, token):
        partner_sudo = request.env["res.partner"].sudo().browse(partner_id).exists()
        if partner_sudo and consteq(
            token or "", partner_sudo._roms_unsubscribe_token()
        ):
            return partner_sudo
        return request.env["res.partner"]

    def _render(self, partner_sudo, page, status=200):
        installed = dict(request.env["res.lang"].get_installed())
        lang = PAGE_LANG if PAGE_LANG in installed else request.env.lang
        request.update_context(lang=lang)
        return request.render(
            "roms_crm.roms_unsubscribe_page",
            {"partner": partner_sudo, "page": page, "company": request.env.company},
            status=status,
        )

    @http.route(
        "/roms/unsubscribe/<int:partner_id>/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def roms_unsubscribe_confirm(self, partner_id, token, **kwargs):
        partner_sudo = self._roms_partner_sudo(partner_id, token)
        if not partner_sudo:
            return self._render(partner_sudo, "invalid", status=404)
        page = "already" if partner_sudo.roms_opt_out else "confirm"
        return self._render(partner_sudo, page)

    @http.route(
        "/roms/unsubscribe/<int:partner_id>/<string:token>",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        sitemap=False,
    )
    def roms_unsubscribe(self, partner_id, token, **kwargs):
        # no CSRF token: the signed link is the credential, and it only opts out
        partner_sudo = self._roms_partner_sudo(partner_id, token)
        if not partner_sudo:
            return self._render(partner_sudo, "invalid", status=404)
        if not partner_sudo.roms_opt_out:
            partner_sudo._roms_set_opt_out(
                True,
                message=request.env._("Opted out with an e-mail's unsubscribe link."),
            )
        return self._render(partner_sudo, "done")
