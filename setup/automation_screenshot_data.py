"""Demo conversation with the WhatsApp bot for the screenshots of the README
(WhatsApp automation).

Usage: .venv/bin/python $ODOO_PATH/odoo-bin shell -c .odoo.conf -d DB \\
           < setup/automation_screenshot_data.py

A demo customer writes to the demo shop's Cloud API account (its automation from
the demo data): the welcome and the menu list answer, she picks *Cek pesanan* and
gets her last three orders, then asks for the shipping cost: the Ongkir rule (tried before Harga)
answers, labels the conversation and hands it over to cs1. The messages go
through the ordinary pipeline (inbound queue, automation, message queue) to a
fake Cloud API on loopback, stopped afterwards; the account then points at a
closed port again. The Ongkir rule's form gets a sample message for Coba aturan.
"""

import time

from odoo import fields

from odoo.addons.roms_whatsapp.tests.fake_providers import FakeMetaCloud
from odoo.addons.roms_whatsapp.tools import WhatsAppEvent

env = env  # noqa: F821, PLW0127  (odoo shell)
account = env.ref("roms_whatsapp.roms_whatsapp_account_demo")
cs1 = env.ref("roms_crm.res_users_cs1_demo")
env["res.users"].search([("roms_online", "=", True)]).roms_online = False
cs1.roms_online = True
# a demo customer with shipped orders who has not written to the account yet
talked = env["discuss.channel"].search([("roms_account_id", "=", account.id)])
customer = (
    env["sale.order"]
    .search(
        [
            ("roms_tracking_number", "!=", False),
            ("partner_id.roms_whatsapp_number", "!=", False),
            ("partner_id", "not in", talked.roms_partner_id.ids),
        ],
        order="partner_id",
        limit=1,
    )
    .partner_id
)
number = customer.roms_whatsapp_number
Inbound = env["roms.whatsapp.inbound"]


def customer_writes(body="", reply_id="", key=""):
    event = WhatsAppEvent(
        kind="message",
        provider_message_id=f"wamid.demo.bot.{number}.{key or body}",
        number=number,
        profile_name=customer.name,
        body=body,
        reply_id=reply_id,
        timestamp=fields.Datetime.now(),
    )
    Inbound._enqueue(account, [event.bounded(fields.Datetime.now())], trigger=False)
    env.cr.commit()
    Inbound._cron_process()
    env.cr.commit()
    time.sleep(1)


with FakeMetaCloud(
    phone_number_id=account.meta_phone_number_id, token="demo-token"
) as meta:
    account.meta_base_url = meta.url
    account._set_state("connected")
    env.cr.commit()
    customer_writes("Halo kak, selamat pagi")
    customer_writes("Cek pesanan", reply_id="bot:orders", key="orders")
    customer_writes("Kalau ongkir ke Malang berapa ya kak?")
account.meta_base_url = "http://127.0.0.1:9"
rule = env.ref("roms_whatsapp.roms_whatsapp_keyword_rule_demo_shipping")
rule.test_text = "Kak, ongkos kirim ke Surabaya berapa?"
env.cr.commit()
channel = env["discuss.channel"].search(
    [("roms_wa_number", "=", number), ("roms_account_id", "=", account.id)]
)
# cs1 has read it: Discuss opens the conversation at its end
channel.channel_member_ids.filtered(
    lambda m: m.partner_id == cs1.partner_id
)._mark_as_read(channel.message_ids[:1].id)
env.cr.commit()
print("conversation", channel.id, "rule", rule.id)
