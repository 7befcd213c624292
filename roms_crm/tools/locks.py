"""Serializing two requests that would both pass the same check (a double tap on a
portal form, two servers at once).

Odoo's transactions are REPEATABLE READ: a request that took its snapshot before
another one committed does not see what the other wrote, even after waiting for
its lock. ``claim_rows`` therefore locks the rows with a real update that changes
no value: the request that comes second waits for the first one; when it began
before the first one committed, PostgreSQL refuses its update with a
serialization error, Odoo retries the whole request, and the retry sees what the
first one wrote."""

from odoo.tools import SQL


def claim_rows(records):
    """Lock the rows of ``records`` until the end of the transaction (see the
    module's description); return ``records``."""
    if not records:
        return records
    ids = tuple(sorted(records.ids))
    table = SQL.identifier(records._table)
    for query in (
        SQL("SELECT id FROM %s WHERE id IN %s ORDER BY id FOR UPDATE", table, ids),
        SQL("UPDATE %s SET write_date = write_date WHERE id IN %s", table, ids),
    ):
        records.env.flush_query(query)
        # the serialization error of the second request is expected: Odoo
        # retries it (logged as such), no "bad query" ERROR in the log
        records.env.cr.execute(query, log_exceptions=False)
    return records
