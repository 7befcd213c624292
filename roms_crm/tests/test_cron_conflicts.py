"""Batch crons of several servers at once on one database: a batch whose
transaction meets a row another worker committed since it began (Odoo's
transactions are REPEATABLE READ) is rolled back and its cron runs again a few
seconds later, instead of failing with an ERROR and waiting for its next
interval. ./setup/cluster runs the real thing with two servers."""

from datetime import timedelta
from unittest import SkipTest

import psycopg2
from freezegun import freeze_time

from odoo import Command, fields
from odoo.sql_db import connection_info_for
from odoo.tests import TransactionCase, tagged

from odoo.addons.roms_crm.tools.cron import RETRY_SECONDS, retried_soon


@tagged("post_install", "-at_install")
class TestCronConflicts(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a customer committed before this test's transaction began
        cls.customer = cls.env["res.partner"].search(
            [("roms_category", "!=", False), ("email", "!=", False)],
            order="id",
            limit=1,
        )
        if not cls.customer:
            raise SkipTest("needs a committed customer (the demo shop)")

    def _connect(self):
        _db, info = connection_info_for(self.env.cr.dbname)
        connection = psycopg2.connect(**info)
        self.addCleanup(connection.close)
        with connection.cursor() as cr:
            # a lock this test's transaction holds fails the test, never hangs it
            cr.execute("SET lock_timeout = '10s'")
        connection.commit()
        return connection

    def _updated_by_another_worker(self, partner):
        """Another server locks ``partner`` as a key-changing writer does
        (``FOR UPDATE``) and commits an update of it now."""
        with self._connect() as connection, connection.cursor() as cr:
            cr.execute(
                "SELECT id FROM res_partner WHERE id = %s FOR UPDATE", [partner.id]
            )
            cr.execute(
                "UPDATE res_partner SET write_date = write_date WHERE id = %s",
                [partner.id],
            )

    def _retry_trigger(self, cron):
        return self.env["ir.cron.trigger"].search(
            [("cron_id", "=", cron.id)], order="id desc", limit=1
        )

    def test_broadcast_batch_meeting_a_newer_customer_runs_again(self):
        cron = self.env.ref("roms_crm.ir_cron_roms_broadcasts")
        # another worker updates the customer before this transaction refers to
        # it (a reference takes a KEY SHARE lock the update would wait for)
        self._updated_by_another_worker(self.customer)
        category = self.env["roms.customer.category"].search(
            [("code", "=", self.customer.roms_category)]
        )
        broadcast = self.env["roms.broadcast"].create(
            {
                "name": "Conflict",
                "channel": "email",
                "body": "Halo {name}",
                "category_ids": [Command.set(category.ids)],
            }
        )
        broadcast.action_send()
        now = fields.Datetime.now()
        with freeze_time(now):
            done = (
                self.env["roms.broadcast"]
                .with_context(cron_id=cron.id)
                ._cron_roms_broadcasts()
            )
        # rolled back, not failed: nothing queued, the broadcast goes on later
        self.assertEqual(done, 0)
        self.assertEqual(broadcast.state, "sending")
        self.assertFalse(broadcast.materialised)
        self.assertFalse(
            self.env["roms.message"].search([("broadcast_id", "=", broadcast.id)])
        )
        self.assertEqual(
            self._retry_trigger(cron).call_at, now + timedelta(seconds=RETRY_SECONDS)
        )

    def test_conflict_rolls_back_the_block_only(self):
        cron = self.env.ref("roms_crm.ir_cron_roms_customer_stats")
        env = self.env(context=dict(self.env.context, cron_id=cron.id))
        before = self.customer.write_date
        self._updated_by_another_worker(self.customer)
        params = env["ir.config_parameter"].sudo()
        params.set_param("roms_crm.test_conflict", "before")
        with retried_soon(env) as outcome:
            params.set_param("roms_crm.test_conflict", "inside")
            env.cr.execute(
                "UPDATE res_partner SET roms_stats_date = NULL WHERE id = %s",
                [self.customer.id],
            )
        self.assertTrue(outcome["conflict"])
        # the block is rolled back, what came before it stays
        self.assertEqual(params.get_param("roms_crm.test_conflict"), "before")
        self.assertEqual(self.customer.write_date, before)
        self.assertTrue(self._retry_trigger(cron))
        with retried_soon(env) as outcome:
            params.set_param("roms_crm.test_conflict", "after")
        self.assertFalse(outcome["conflict"])
        self.assertEqual(params.get_param("roms_crm.test_conflict"), "after")

    def test_statistics_batch_leaves_its_customers_referable(self):
        """The nightly statistics lock their batch FOR NO KEY UPDATE: meanwhile
        another server can still queue a message or create an order for those
        customers (the foreign key check's KEY SHARE lock is granted at once),
        and none of them fails later for a customer updated under its feet."""
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT min(id) FROM res_partner WHERE roms_category IS NOT NULL"
        )
        first = self.env.cr.fetchone()[0]
        # another day: every customer is due, the first one in this batch
        with freeze_time(fields.Datetime.now() + timedelta(days=400)):
            self.env["res.partner"]._cron_roms_customer_stats(batch_size=1)
        with self._connect() as connection, connection.cursor() as cr:
            cr.execute(
                "SELECT id FROM res_partner WHERE id = %s FOR KEY SHARE NOWAIT",
                [first],
            )
            self.assertEqual(cr.fetchall(), [(first,)])
