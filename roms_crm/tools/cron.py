"""Scheduled jobs that share their work between workers and servers."""

import contextlib
import logging
from datetime import timedelta

from odoo import fields
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import mute_logger

_logger = logging.getLogger(__name__)

RETRY_SECONDS = 10


@contextlib.contextmanager
def retried_soon(env, seconds=RETRY_SECONDS):
    """Run the block in a savepoint. When PostgreSQL refuses it for a concurrent
    change (a serialisation failure, a deadlock, a lock not available), roll the
    block back, carry on, and run the current cron job again ``seconds`` later in
    a new transaction.

    Odoo's transactions are REPEATABLE READ: a batch that inserts rows referring
    to customers (queued messages, reorder links) fails when another worker —
    another server's nightly statistics — updated one of those customers since
    the batch's transaction began (the foreign key check meets a newer row).
    Retrying the whole transaction is the only cure; without this the job fails
    (an ERROR in the log, its failure count raised) and waits for its next
    interval (the reminders: an hour). Yields a dict whose ``conflict`` is True
    after a rollback."""
    outcome = {"conflict": False}
    try:
        with env.cr.savepoint(), mute_logger("odoo.sql_db"):
            yield outcome
    except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as error:
        outcome["conflict"] = True
        env.invalidate_all()
        cron_id = env.context.get("cron_id")
        _logger.info(
            "Concurrent update (%s): cron %s runs again in %s s",
            str(error).strip().splitlines()[0],
            cron_id,
            seconds,
        )
        if cron_id:
            env["ir.cron"].sudo().browse(cron_id)._trigger(
                fields.Datetime.now() + timedelta(seconds=seconds)
            )
