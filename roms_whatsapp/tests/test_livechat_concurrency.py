import random
import threading
import time
import uuid
from datetime import datetime

from psycopg2 import OperationalError

from odoo import SUPERUSER_ID, api
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common_livechat import LivechatCase

CHATS = 6
MAX_TRIES = 10


@tagged("post_install", "-at_install", "roms_isolated")
class TestLivechatConcurrency(LivechatCase, TransactionCase):
    """Webhooks arrive at the same time in separate transactions (separate cursors,
    committed, as the HTTP workers do): the rotation row lock keeps the turns fair and
    no conversation gets two agents."""

    def _committed(self, func):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            return func(env)

    def setUp(self):
        super().setUp()

        def setup(env):
            online = env["res.users"].search([("roms_online", "=", True)])
            online.roms_online = False
            account = self._make_account(env, "Toko Konkuren")
            agents = env["res.users"]
            suffix = uuid.uuid4().hex[:8]
            for login in (f"roms_conc_a_{suffix}", f"roms_conc_b_{suffix}"):
                agents |= new_test_user(
                    env, login, groups="base.group_user,roms_crm.group_roms_cs"
                )
            agents.roms_online = True
            rotation = env.ref("roms_whatsapp.roms_whatsapp_rotation_main")
            return online.ids, account.id, agents.ids, rotation.last_agent_id.id

        online_ids, self.account_id, self.agent_ids, last_id = self._committed(setup)
        self.addCleanup(self._cleanup, online_ids, last_id)

    def _cleanup(self, online_ids, last_id):
        def cleanup(env):
            channels = env["discuss.channel"].search(
                [("roms_account_id", "=", self.account_id)]
            )
            partners = channels.roms_partner_id
            channels.unlink()
            partners.unlink()
            env["roms.whatsapp.account"].browse(self.account_id).unlink()
            agents = env["res.users"].browse(self.agent_ids)
            agents.write({"roms_online": False, "active": False})
            env["res.users"].browse(online_ids).roms_online = True
            env.ref("roms_whatsapp.roms_whatsapp_rotation_main").last_agent_id = last_id

        self._committed(cleanup)

    def _receive_in_own_transaction(self, number, barrier, errors):
        """One webhook request: its own cursor, committed; retried on serialization
        failures as Odoo's HTTP layer does (a fresh transaction each time)."""
        values = {
            "number": number,
            "profile_name": f"Pelanggan {number[-2:]}",
            "body": "Halo",
            "provider_message_id": f"wamid.conc.{number}",
            "timestamp": datetime.now(),
            "attachment_ids": [],
        }
        try:
            barrier.wait(timeout=30)
            for attempt in range(1, MAX_TRIES + 1):
                try:
                    with self.registry.cursor() as cr:
                        # the test runner holds the registry lock: hand it over
                        cr.transaction = api.Transaction(self.registry)
                        env = api.Environment(cr, SUPERUSER_ID, {})
                        account = env["roms.whatsapp.account"].browse(self.account_id)
                        env["discuss.channel"]._roms_wa_receive(account, values)
                    return
                except OperationalError as error:
                    if error.pgcode not in PG_CONCURRENCY_ERRORS_TO_RETRY:
                        raise
                    if attempt == MAX_TRIES:
                        raise
                    time.sleep(random.uniform(0.0, 0.5 * attempt))
        except Exception as error:  # noqa: BLE001 - reported by the test thread
            errors.append(error)

    def test_concurrent_new_chats_are_shared_fairly(self):
        barrier = threading.Barrier(CHATS)
        errors = []
        threads = [
            threading.Thread(
                target=self._receive_in_own_transaction,
                args=(f"+62812999900{i:02d}", barrier, errors),
            )
            for i in range(CHATS)
        ]
        # the serialization failures retried below are logged by odoo.sql_db
        with mute_logger("odoo.sql_db", "odoo.service.model"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
        self.assertFalse([thread for thread in threads if thread.is_alive()])
        self.assertFalse(errors)

        def check(env):
            channels = env["discuss.channel"].search(
                [("roms_account_id", "=", self.account_id)]
            )
            self.assertEqual(len(channels), CHATS)
            counts = {agent_id: 0 for agent_id in self.agent_ids}
            for channel in channels:
                self.assertIn(channel.roms_agent_id.id, self.agent_ids)
                members = channel.channel_member_ids.partner_id
                agents_in = env["res.users"].browse(self.agent_ids).partner_id & members
                # exactly one agent per chat
                self.assertEqual(agents_in, channel.roms_agent_id.partner_id)
                counts[channel.roms_agent_id.id] += 1
            self.assertEqual(sorted(counts.values()), [CHATS // 2, CHATS // 2])

        self._committed(check)
