"""Screenshots of the WhatsApp templates (roms_whatsapp) for the README, at 1440x900.

Usage: .venv/bin/python setup/template_screenshots.py http://127.0.0.1:8069 DB OUTDIR

As the demo admin, through JSON-RPC: a Cloud API account of the demo shop (pointing
at a closed port: nothing leaves the machine), a message template with reply buttons
and a WhatsApp template of it as Meta's review left it (rejected, with its reason:
the status is written as the webhook would, no Meta involved). Saves
``template_meta_form.png`` (the WhatsApp template form) and
``template_interactive.png`` (the message template with its buttons).
"""

import sys

from inbox_screenshots import shoot
from portal_screenshots import login


def call(base, session, model, method, *args, **kwargs):
    kwargs.setdefault("context", {"lang": "id_ID"})
    answer = session.post(
        f"{base}/web/dataset/call_kw",
        json={
            "params": {
                "model": model,
                "method": method,
                "args": list(args),
                "kwargs": kwargs,
            }
        },
    ).json()
    if answer.get("error"):
        raise RuntimeError(answer["error"]["data"]["message"])
    return answer["result"]


def ensure(base, session, model, domain, values):
    ids = call(base, session, model, "search", domain, limit=1)
    if ids:
        return ids[0]
    return call(base, session, model, "create", values)


def main(base, db, outdir):
    admin = login(base, db, "admin", "admin")
    account = ensure(
        base,
        admin,
        "roms.whatsapp.account",
        [("name", "=", "Toko Kopi Nusantara (Cloud API)")],
        {
            "name": "Toko Kopi Nusantara (Cloud API)",
            "provider": "meta",
            "meta_phone_number_id": "1098765432",
            "meta_business_account_id": "102290129340398",
            "meta_access_token": "demo-token",
            "meta_app_secret": "demo-secret",
            "meta_base_url": "http://127.0.0.1:9",
        },
    )
    answer = ensure(
        base,
        admin,
        "roms.message.template",
        [("name", "=", "Info rekening")],
        {
            "name": "Info rekening",
            "template_type": "quick_reply",
            "body": "Transfer ke BCA 1234567890 a.n. Toko Kopi Nusantara ya, "
            "{customer_name}. Kirim bukti transfer di sini.",
        },
    )
    shipped = ensure(
        base,
        admin,
        "roms.message.template",
        [("name", "=", "Pesanan dikirim")],
        {
            "name": "Pesanan dikirim",
            "template_type": "shipping",
            "body": "Halo {customer_name}, pesanan {order_number} sudah dikirim "
            "dengan resi {tracking_number}. Sudah transfer?",
            "roms_wa_interactive_type": "button",
            "roms_wa_footer": "Toko Kopi Nusantara",
            "roms_wa_option_ids": [
                (0, 0, {"title": "Minta no. rekening", "reply_template_id": answer}),
                (0, 0, {"title": "Sudah transfer"}),
                (0, 0, {"title": "Bicara dengan CS"}),
            ],
        },
    )
    template = ensure(
        base,
        admin,
        "roms.whatsapp.template",
        [("name", "=", "pesanan_dikirim")],
        {
            "name": "pesanan_dikirim",
            "account_id": account,
            "category": "utility",
            "message_template_id": shipped,
            "header_type": "text",
            "header_text": "Pesanan dikirim",
            "body": "Halo {customer_name}, pesanan {order_number} sudah dikirim "
            "dengan resi {tracking_number}. Terima kasih sudah belanja!",
            "footer": "Toko Kopi Nusantara",
            "button_ids": [
                (0, 0, {"button_type": "quick_reply", "text": "Minta no. rekening"}),
                (
                    0,
                    0,
                    {
                        "button_type": "url",
                        "text": "Lacak paket",
                        "url": "https://tokokopi.example/lacak",
                    },
                ),
            ],
        },
    )
    # Meta's answer as the review webhook would leave it
    call(
        base,
        admin,
        "roms.whatsapp.template",
        "write",
        [template],
        {
            "header_text": "Pesanan dikirim",
            "meta_id": "1289345522204417",
            "state": "rejected",
            "state_reason": "kategori tidak sesuai dengan isi (INCORRECT_CATEGORY)",
        },
    )
    form = f"/odoo/action-roms_whatsapp.roms_whatsapp_template_action/{template}"
    steps = [("go", form), ("go", form), ("wait", 10)]
    shoot(base, admin, steps, f"{outdir}/template_meta_form.png")
    form = f"/odoo/action-roms_crm.roms_message_template_action/{shipped}"
    steps = [("go", form), ("go", form)]
    # the WhatsApp part of the form, lower down
    steps += [
        ("scroll", "[name='roms_wa_interactive_type']"),
    ]
    shoot(base, admin, steps, f"{outdir}/template_interactive.png")


if __name__ == "__main__":
    main(*sys.argv[1:4])
