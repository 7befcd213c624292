"""Demo conversations for the screenshots of the WhatsApp inbox (README).

Usage: .venv/bin/python $ODOO_PATH/odoo-bin shell -c .odoo.conf -d DB \\
           < setup/inbox_screenshot_data.py

Ten customers write to a Cloud API account of the demo shop: seven while the agent
cs1 is online (they are hers), three once she went offline (they wait). One of hers
is labelled, carries a note and a reply that failed while the account was
disconnected; another one wrote two days ago (the Cloud API's window is closed) and
an approved template is mapped. Nothing leaves the machine: the account points at a closed port.
"""

import sys
from datetime import datetime, timedelta

# run from the repository's root (see Usage): the shared set-up is in setup/
sys.path.insert(0, "setup")
from inbox_demo_account import cloud_api_account

env = env  # noqa: F821  (odoo shell)
cs1 = env.ref("roms_crm.res_users_cs1_demo")
account = cloud_api_account(env)
env["res.users"].search([("roms_online", "=", True)]).roms_online = False
cs1.roms_online = True
Channel = env["discuss.channel"]
people = [
    ("081311110001", "Rina Wulandari", "Kak, kopi gayo 250 gr masih ready?"),
    ("081311110002", "Agus Setiawan", "Paket saya sudah dikirim belum ya?"),
    ("081311110003", "Dewi Lestari", "Mau pesan 10 drip bag untuk kantor"),
    ("081311110004", "Bayu Pratama", "Ongkir ke Malang berapa kak?"),
    ("081311110005", "Sari Indah", "Terima kasih, kopinya enak!"),
    ("081311110006", "Hendra Gunawan", "Bisa COD?"),
    ("081311110007", "Putri Maharani", "Kemasannya penyok kak 🙁"),
    ("081311110008", "Joko Susilo", "Halo, ada promo bulan ini?"),
    ("081311110009", "Nur Aini", "Mau jadi reseller, syaratnya apa?"),
    ("081311110010", "Wahyu Hidayat", "Pesanan SO kemarin bisa diubah?"),
]
now = datetime.now()
for index, (number, name, body) in enumerate(people):
    if index == 7:
        cs1.roms_online = False
    Channel._roms_wa_receive(
        account,
        {
            "number": number,
            "profile_name": name,
            "body": body,
            "provider_message_id": f"wamid.demo.{number}",
            "timestamp": now - timedelta(minutes=40 - index * 4),
            "attachment_ids": [],
        },
    )
complaint = Channel.search([("roms_wa_number", "=", "+6281311110007")])
label = env["roms.whatsapp.label"].search([("name", "=", "Komplain")]) or env[
    "roms.whatsapp.label"
].create({"name": "Komplain", "color": 1})
env["roms.whatsapp.label"].search([("name", "=", "Reseller baru")]) or env[
    "roms.whatsapp.label"
].create({"name": "Reseller baru", "color": 10})
complaint.with_user(cs1).roms_wa_set_labels(label.ids)
complaint.with_user(cs1).roms_wa_set_note("Minta foto paket, kirim ulang 1 pcs.")
account._set_state("disconnected", "token_expired")
complaint.with_user(cs1).with_context(lang="id_ID").message_post(
    body="Mohon maaf kak, boleh kirim foto paketnya?", message_type="comment"
)
# a customer who wrote two days ago: the Cloud API's window is closed, the composer
# offers the approved templates
quiet = Channel.search([("roms_wa_number", "=", "+6281311110005")])
quiet.roms_last_inbound_at = now - timedelta(days=2)
Template = env["roms.message.template"]
if not Template.search([("roms_meta_template_name", "=", "pesanan_follow_up")]):
    Template.create(
        {
            "name": "Tindak lanjut pesanan",
            "template_type": "broadcast",
            "body": "Halo kak {customer_name}, terima kasih sudah belanja di toko "
            "kami. Ada yang bisa kami bantu lagi?",
            "roms_meta_template_name": "pesanan_follow_up",
            "roms_meta_template_lang": "id",
        }
    )
env.cr.commit()
print("conversation", complaint.id, quiet.id)
