"""Screenshots of shipping with Biteship for the README, on the demo shop.

Usage: .venv/bin/python setup/shipping_screenshots.py http://127.0.0.1:8069 DB OUTDIR

Starts the fake Biteship server of the tests on loopback, points the demo's Biteship
shipping method at it (API key, URL) and activates it, offers it and the demo's two
manual methods on the portal, gives the warehouse and the
demo reseller a postal code, then saves in OUTDIR:

- ``shipping_rates.png``: the "Add shipping" wizard of a quotation with every courier
  service priced (1440 px, as admin);
- ``portal_cart_shipping.png``: the reseller's cart choosing a courier (375 px);
- ``reorder_shipping.png``: a customer's personal reorder link choosing a courier
  (375 px, without logging in).

Use it on a scratch copy of the demo: it changes the Biteship method's settings.
"""

import sys
import xmlrpc.client
from pathlib import Path

import requests
from portal_screenshots import capture, login
from reorder_screenshot import make_link

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "roms_crm" / "tests"))
from fake_biteship import FakeBiteship  # noqa: E402


def main(base, db, outdir):
    models = xmlrpc.client.ServerProxy(f"{base}/xmlrpc/2/object")
    uid = xmlrpc.client.ServerProxy(f"{base}/xmlrpc/2/common").authenticate(
        db, "admin", "admin", {}
    )

    def call(model, method, *args, **kwargs):
        return models.execute_kw(db, uid, "admin", model, method, list(args), kwargs)

    def ref(xmlid):
        module, name = xmlid.split(".")
        return call(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            ["res_id"],
        )[0]["res_id"]

    with FakeBiteship() as biteship:
        carrier = ref("roms_crm.delivery_carrier_biteship")
        call(
            "delivery.carrier",
            "write",
            [carrier],
            {
                "active": True,
                "roms_biteship_api_key": biteship.api_key,
                "roms_biteship_base_url": biteship.url,
                "roms_courier_ids": [(5,)],
                "roms_portal": True,
            },
        )
        for xmlid in ("roms_crm.delivery_carrier_shop", "roms_crm.delivery_carrier_pickup"):
            call("delivery.carrier", "write", [ref(xmlid)], {"roms_portal": True})
        warehouse = call("stock.warehouse", "search_read", [], ["partner_id"], limit=1)
        call(
            "res.partner",
            "write",
            [warehouse[0]["partner_id"][0]],
            {"zip": "40115"},
        )
        reseller = call(
            "res.users", "search_read", [("login", "=", "reseller1")], ["partner_id"]
        )[0]["partner_id"][0]
        call("res.partner", "write", [reseller], {"zip": "12950"})
        product = call(
            "product.product",
            "search",
            [("sale_ok", "=", True), ("is_storable", "=", True)],
            limit=1,
        )[0]
        order = call(
            "sale.order",
            "create",
            {
                "partner_id": reseller,
                "order_line": [(0, 0, {"product_id": product, "product_uom_qty": 2})],
            },
        )
        wizard = call(
            "choose.delivery.carrier",
            "create",
            {"order_id": order, "carrier_id": carrier},
        )
        # in the admin's language, as the wizard runs in the browser
        call(
            "choose.delivery.carrier",
            "update_price",
            [wizard],
            context={"lang": "id_ID"},
        )
        admin = login(base, db, "admin", "admin")
        admin.post(
            f"{base}/web/session/get_session_info",
            json={"jsonrpc": "2.0", "method": "call", "params": {}},
        )
        capture(
            base,
            admin,
            [
                (
                    "shipping_rates",
                    f"/odoo/choose.delivery.carrier/{wizard}",
                    ".o_form_view",
                ),
            ],
            outdir,
            size=(1440, 900),
            mobile=False,
        )
        session = login(base, db)
        page = session.get(f"{base}/my/catalog").text
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        session.post(
            f"{base}/my/catalog/cart/add",
            data={"csrf_token": token, f"qty_{product}": "2"},
        )
        capture(
            base,
            session,
            [("portal_cart_shipping", "/my/catalog/cart", ".o_roms_shipping")],
            outdir,
        )
        path = make_link(db)
        link = call(
            "roms.reorder.link",
            "search_read",
            [("id", "=", int(path.split("/")[3]))],
            ["partner_id"],
        )[0]
        call("res.partner", "write", [link["partner_id"][0]], {"zip": "40132"})
        visitor = requests.Session()
        visitor.get(f"{base}/web/login", params={"db": db})
        capture(base, visitor, [("reorder_shipping", path, ".o_roms_shipping")], outdir)


if __name__ == "__main__":
    main(*sys.argv[1:4])
