"""GetActorsByTimestamp: the periodic sync of SuperOffice's engine, by a cursor.

SuperOffice stores the newest LastModified it saw and asks for the actors changed "on or after"
it. LastModified is a cursor, the record's write date and its id in one fixed-width text
(:func:`..erp.values.format_cursor`), and an answer holds the records after the asked cursor in
(write date, id) order, as many as the Search limit and the answer size limit allow. So an
answer may end anywhere, also inside an instant (Odoo gives every record written in one
transaction the same write date: an import of 10,000 records is one instant), and the next
answer starts right after the last record sent: nothing is skipped and nothing is sent twice.
"After" and not "on or after": the asked cursor is a record SuperOffice already has in that very
version (a later write moves the record to a later cursor).

The write date is the *start* of the writing transaction, so a transaction still running may
later commit records older than those already sent; a fixed look-back would send every record
of that window again on each poll, and for ever when the window holds more than one answer.
Instead an answer only holds records written before the *horizon*: the start of the oldest
transaction still running in the database (``pg_stat_activity``). Every transaction that began
before the horizon has ended, so the records before it are final; anything written later is at
or after the horizon and comes in a later answer. The horizon is read in the request's own transaction, after its snapshot was taken: a
transaction that this snapshot does not see but that has committed by the time the horizon is
read is no longer in ``pg_stat_activity``, and its records, older than the horizon, would be
skipped. So the answer first checks for such a transaction (an id the snapshot saw running, or
one given out since, whose status is now *committed*); when there is one, the answer holds
nothing new and SuperOffice's next poll, in a fresh snapshot, gets those records.

A value that is not one of our cursors (nothing on the first sync, a date) means "on or after"
that moment, a minute earlier (the look-back of the stamps before the cursor).
"""

from datetime import timedelta

from odoo import models
from odoo.sql_db import db_connect
from odoo.tools.sql import create_index

from ..erp import values as v
from ..erp.carriers import Result

LEGACY_LOOK_BACK = timedelta(seconds=60)
# transaction ids given out between a poll's snapshot and its horizon that are checked one by one;
# more than this (a burst of writes in that window) answers nothing new for this poll
STALE_CHECK_MAX = 10000


class SuperofficeErpChanges(models.AbstractModel):
    """Part of ``superoffice.erp.connection`` (which inherits it)."""

    _name = "superoffice.erp.changes"
    _description = "SuperOffice ERP Sync changes by cursor"

    def init(self):
        # GetActorsByTimestamp reads a range of (write_date, id): one index scan per poll
        # whatever the table's size (superoffice_erp_actor.ActorType.changed_ids).
        result = super().init()
        for table in ("res_partner", "project_project"):
            create_index(self.env.cr, f"superoffice_erp_{table}_write_date_id_idx", table,
                         ["write_date", "id"])
        return result

    def _erp_horizon(self):
        """The start of the oldest other transaction still running in this database, or None.

        With none running, every record this transaction sees is final: a transaction that
        starts later writes a later write date. (No bound by the clock: a write date is the
        writing transaction's start, the same clock, but a clock that steps back would hold
        back records already committed.)"""
        self.env.cr.execute("SELECT pg_stat_clear_snapshot()")
        self.env.cr.execute("""
            SELECT min(xact_start) AT TIME ZONE 'UTC'
              FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()
        """)
        return self.env.cr.fetchone()[0]

    def _erp_snapshot_is_stale(self):
        """True when a transaction this request's snapshot does not see has committed since the
        snapshot was taken (see the module's docstring): the snapshot's in-progress ids, and the
        ids given out after it (up to the next id of a fresh snapshot, read on a connection of
        its own), checked with ``pg_xact_status``. More than ``STALE_CHECK_MAX`` ids given out
        since counts as stale."""
        cr = self.env.cr
        cr.execute("""
            SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint,
                   EXISTS (SELECT 1 FROM pg_snapshot_xip(pg_current_snapshot()) AS x
                            WHERE pg_xact_status(x) = 'committed')
        """)
        xmax, seen_running_committed = cr.fetchone()
        if seen_running_committed:
            return True
        with db_connect(cr.dbname).cursor() as fresh:
            fresh.execute("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint")
            next_xid = fresh.fetchone()[0]
        if next_xid - xmax > STALE_CHECK_MAX:
            return True
        cr.execute("""
            SELECT EXISTS (SELECT 1 FROM generate_series(%s::bigint, %s::bigint - 1) AS g
                            WHERE pg_xact_status(g::text::xid8) = 'committed')
        """, (xmax, next_xid))
        return cr.fetchone()[0]

    def _erp_getActorsByTimestamp(self, params):
        moment, after_id, exact = v.parse_cursor(params["UpdatedOnOrAfter"])
        if not exact and moment > v.EPOCH:
            moment -= LEGACY_LOOK_BACK
        horizon = moment if self._erp_snapshot_is_stale() else self._erp_horizon()
        limit = self.sudo().search_limit
        actor = self._erp_actor(params["ActorType"])
        ids = actor.changed_ids(moment, after_id if exact else 0, horizon, limit + 1)
        records = actor.env[actor.model].browse(ids[:limit])
        actors = self._erp_actors(actor, records, params["FieldKeys"])
        result = Result()
        if len(ids) > limit:
            result = self._erp_cut_result("GetActorsByTimestamp", Result(), limit)
        return result, actors
