"""Read-only requests on a streaming replica (Odoo's ``db_replica_host``).

A request marked read-only (``@api.readonly`` on an RPC method, ``readonly=True``
on a route) runs on the replica, which replays the primary's writes a moment
later. A record written by the request just before (the export wizard the
browser then downloads) may not be there yet: :func:`replicated` then has Odoo
run the request again on the primary, the way Odoo itself retries a read-only
request that tried to write."""

import psycopg2.errors


class NotReplicatedYet(psycopg2.errors.ReadOnlySqlTransaction):
    """The records asked for are on the primary, not yet on the replica."""


def replicated(records):
    """``records`` that exist; on a read-only cursor, when some are missing,
    raise so that Odoo's HTTP layer retries the request on the primary."""
    existing = records.exists()
    if len(existing) < len(records) and records.env.cr.readonly:
        raise NotReplicatedYet(
            f"{records._name}{tuple(set(records.ids) - set(existing.ids))} "
            "not on the read-only replica yet"
        )
    return existing
