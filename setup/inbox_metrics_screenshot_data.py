"""A week of measured WhatsApp chats for the screenshots of the agents' figures
(README): the dashboard's first-response card and the Agent Performance report.

Usage: .venv/bin/python $ODOO_PATH/odoo-bin shell -c .odoo.conf -d DB \\
           < setup/inbox_metrics_screenshot_data.py

Two agents (the demo's cs1 and a second agent, Sinta) answer and resolve
customers' chats over the last seven days and today, each at its own pace; with the
satisfaction question on, most customers answer it. The times are set with
freezegun, so the figures are the same at every run. Nothing leaves the machine: the
account points at a closed port.
"""

import sys
from datetime import datetime, time, timedelta

import pytz
from freezegun import freeze_time

# run from the repository's root (see Usage): the shared set-up is in setup/
sys.path.insert(0, "setup")
from inbox_demo_account import cloud_api_account

env = env  # noqa: F821  (odoo shell)
env = env(context=dict(env.context, lang="id_ID"))
cs1 = env.ref("roms_crm.res_users_cs1_demo")
Users = env["res.users"]
sinta = Users.search([("login", "=", "sinta")]) or Users.create(
    {
        "name": "Sinta Maharani",
        "login": "sinta",
        "password": "sinta",
        "groups_id": [
            (4, env.ref("base.group_user").id),
            (4, env.ref("roms_crm.group_roms_cs").id),
        ],
    }
)
account = cloud_api_account(env)
env["ir.config_parameter"].sudo().set_param("roms_whatsapp.csat_enabled", "True")
Channel = env["discuss.channel"].sudo()
zone = pytz.timezone(env["res.partner"]._roms_tz())
today = datetime.now(zone).date()


def at(day, hour, minute):
    """A naive UTC datetime of the shop's ``day`` at hour:minute."""
    local = zone.localize(datetime.combine(day, time(hour, minute)))
    return local.astimezone(pytz.utc).replace(tzinfo=None)


# (days ago, agent, local start, minutes to the first reply, to the resolve, answer)
chats = []
for days_ago in range(7, -1, -1):
    day = today - timedelta(days=days_ago)
    for slot in range(3):
        chats.append(
            (day, cs1, (9 + 2 * slot, 5), 2 + (days_ago + slot) % 5, 25 + 9 * slot,
             ["5", "4", "5", None][(days_ago + slot) % 4])
        )
        chats.append(
            (day, sinta, (10 + 2 * slot, 20), 6 + (days_ago * 3 + slot) % 9,
             40 + 11 * slot, ["3", "4", None, "5"][(days_ago + slot) % 4])
        )
# today: three chats in the last hours before now (the script runs in the day)
now = datetime.now(zone)
chats = [c for c in chats if c[0] != today]
for slot, (agent, before) in enumerate([(cs1, 170), (sinta, 150), (cs1, 120)]):
    begin = now - timedelta(minutes=before)
    chats.append(
        (today, agent, (begin.hour, begin.minute), [3, 7, 4][slot], [50, 62, 41][slot],
         ["5", None, "4"][slot])
    )
for index, (day, agent, (hour, minute), reply, resolve, answer) in enumerate(chats):
    number = f"+62813222{index:05d}"
    start = at(day, hour, minute)
    env["res.users"].search([("roms_online", "=", True)]).roms_online = False
    agent.roms_online = True
    with freeze_time(start):
        message = Channel._roms_wa_receive(
            account,
            {
                "number": number,
                "profile_name": f"Pelanggan {index + 1}",
                "body": "Halo kak, kopi arabika gayo masih ready?",
                "provider_message_id": f"wamid.metrics.{index}",
                "timestamp": start,
                "attachment_ids": [],
            },
        )
    channel = Channel.browse(message.res_id)
    with freeze_time(start + timedelta(minutes=reply)):
        channel.with_user(agent).message_post(
            body="Ready kak, mau berapa bungkus?", message_type="comment"
        )
    with freeze_time(start + timedelta(minutes=resolve)):
        channel.with_user(agent).action_roms_resolve()
    if answer:
        button = {"5": "roms_csat_5", "4": "roms_csat_5", "3": "roms_csat_3"}[answer]
        with freeze_time(start + timedelta(minutes=resolve + 3)):
            Channel._roms_wa_receive(
                account,
                {
                    "number": number,
                    "body": "👍 Puas" if button == "roms_csat_5" else "😐 Biasa",
                    "reply_id": button,
                    "provider_message_id": f"wamid.metrics.{index}.csat",
                    "timestamp": start,
                    "attachment_ids": [],
                },
            )
env["res.users"].search([("roms_online", "=", True)]).roms_online = False
cs1.roms_online = True
env.cr.commit()
print("chats", len(chats))
