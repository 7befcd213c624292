from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from ...tools import bounds

PAGE_LANG = "id_ID"
QTY_PREFIX = "qty_"


class RomsReorderLinkController(http.Controller):
    """The personal reorder link of a reminder: a public page signed per link.

    The link (id and token) is the only credential: the page reads the link's
    customer, lines and addresses with sudo and nothing else; every product id,
    quantity and address of the form is checked against the link, and prices come
    from the customer's pricelist when the order is made."""

    def _roms_page_lang(self, link_sudo):
        installed = dict(request.env["res.lang"].get_installed())
        lang = link_sudo.partner_id.lang if link_sudo else None
        if lang not in installed:
            lang = PAGE_LANG if PAGE_LANG in installed else request.env.lang
        return lang

    def _roms_render(self, link_sudo, page, status=200, **values):
        request.update_context(lang=self._roms_page_lang(link_sudo))
        Link = request.env["roms.reorder.link"]
        company = link_sudo.company_id if link_sudo else request.env.company
        values.update(
            link=link_sudo,
            page=page,
            company=company,
            chat_url=Link.with_company(company)._chat_url(),
        )
        if page == "open":
            offer, skipped = link_sudo.with_context(lang=request.env.lang)._offer()
            values = self._roms_open_page_values(link_sudo, offer, values)
            partner = link_sudo.partner_id.sudo()
            values.setdefault("quantities", {})
            values.setdefault("note", "")
            values.setdefault("error", "")
            values.setdefault("address_id", partner.id)
            values.update(
                partner=partner,
                offer=offer,
                skipped=skipped,
                addresses=link_sudo._addresses(),
                currency=partner.with_company(
                    company
                ).property_product_pricelist.currency_id
                or company.currency_id,
                action=f"/roms/reorder/{link_sudo.id}/{link_sudo.token}",
            )
        return request.render("roms_crm.roms_reorder_page", values, status=status)

    def _roms_open_page_values(self, link_sudo, offer, values):
        """Hook: return ``values`` with what an extension shows on the open
        page, from ``offer`` (``link_sudo._offer()[0]``, computed once per
        page). ``values`` holds what the caller passed (the posted form when the
        page is shown again), before the defaults are set."""
        return values

    def _roms_link(self, link_id, token):
        return request.env["roms.reorder.link"]._from_token(link_id, token)

    @http.route(
        "/roms/reorder/<int:link_id>/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def roms_reorder_page(self, link_id, token, **kwargs):
        link_sudo = self._roms_link(link_id, token)
        if not link_sudo:
            return self._roms_render(link_sudo, "invalid", status=404)
        status = link_sudo._status()
        if status == "open":
            link_sudo._mark_opened()
        return self._roms_render(link_sudo, status)

    @http.route(
        "/roms/reorder/<int:link_id>/<string:token>",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        sitemap=False,
    )
    def roms_reorder_place(self, link_id, token, **post):
        # no CSRF token: the signed link is the credential, and it orders once
        link_sudo = self._roms_link(link_id, token)
        if not link_sudo:
            return self._roms_render(link_sudo, "invalid", status=404)
        if link_sudo._status() != "open":
            return self._roms_render(link_sudo, link_sudo._status(), status=409)
        typed = {
            key[len(QTY_PREFIX) :]: value
            for key, value in post.items()
            if key.startswith(QTY_PREFIX)
        }
        note = post.get("note") or ""
        address_id = bounds.record_id(post.get("address"))
        form = {"quantities": typed, "address_id": address_id, "note": note}
        offered = {
            entry["product"].id: entry["product"] for entry in link_sudo._offer()[0]
        }
        quantities = {}
        for key, raw in typed.items():
            product = offered.get(bounds.record_id(key))
            if not product:
                return self._roms_render(
                    link_sudo,
                    "open",
                    status=400,
                    error=request.env._("Some products are no longer sold."),
                    **form,
                )
            try:
                qty = request.env["roms.bounds"]._parse_form_quantity(
                    raw, product.uom_id
                )
            except bounds.BoundsError:
                return self._roms_render(
                    link_sudo,
                    "open",
                    status=400,
                    error=request.env._(
                        "The quantity of %(product)s is not valid.",
                        product=product.display_name,
                    ),
                    **form,
                )
            quantities[product] = qty
        address = request.env["res.partner"].sudo().browse(address_id or [])
        try:
            order_sudo = link_sudo._place(quantities, address, note)
        except UserError as error:
            # RomsCartError names its reason; any other refusal is the order's own
            if getattr(error, "code", None) in ("used", "expired"):
                return self._roms_render(link_sudo, error.code, status=409)
            return self._roms_render(
                link_sudo, "open", status=400, error=str(error), **form
            )
        # the payment step: Odoo's payment page when something is due and the
        # shop takes payments online, else the order's own page
        url = order_sudo._roms_payment_link() or order_sudo.get_portal_url()
        return request.redirect(url, code=303)
