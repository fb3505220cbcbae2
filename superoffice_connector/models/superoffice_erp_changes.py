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
other transaction still running in the database (``pg_stat_activity``), or the database's clock
when it is earlier (none running). Every transaction that began before the horizon has ended
when it is read, so its records are final.

The records are then read in a transaction of their own, opened after the horizon was read
(``registry.cursor()``): its snapshot holds every transaction that began before the horizon.
The request's own snapshot is older (taken at its first query, before the authentication), and
a transaction that commits after it but before the horizon is read would be missing from it
while the horizon had moved past its records: an answer could then end after them, and
SuperOffice, asking "after" the last record sent, would never get them. A transaction that
begins after the horizon was read (and may or may not be in the new snapshot) writes a write
date at or after the clock part of the horizon, so it comes in a later answer: that is why the
clock bounds the horizon (the database's ``clock_timestamp()``, the clock ``now()`` and so the
write dates come from; a clock stepping back only holds records back until it passes them).
The records' transaction is not a read-only cursor: one may be a replica that has not replayed
every commit the horizon counted as ended. Under Odoo's test mode ``registry.cursor()`` is the
test's own transaction, so the Odoo tests see their records as before; the window itself is
tested against a real server (``tests/e2e/test_erp_concurrency_e2e.py``).

A value that is not one of our cursors (nothing on the first sync, a date) means "on or after"
that moment, a minute earlier (the look-back of the stamps before the cursor).
"""

from contextlib import closing
from datetime import timedelta

from odoo import models, tools
from odoo.tools.sql import create_index

from ..erp import values as v
from ..erp.carriers import Result

LEGACY_LOOK_BACK = timedelta(seconds=60)


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
        """The start of the oldest other transaction still running in this database, or the
        database's clock now if that is earlier (see the module's docstring)."""
        # two statements, one round trip: the statistics snapshot of this transaction (taken at
        # its first read of them) is dropped first, so that the activity is read now
        self.env.cr.execute("""
            SELECT pg_stat_clear_snapshot();
            SELECT least(min(xact_start), clock_timestamp()) AT TIME ZONE 'UTC'
              FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()
        """)
        return self.env.cr.fetchone()[0]

    @tools.ormcache("self.env.uid", "self.id", "actor_name",
                    "tuple(self.env.context.get('allowed_company_ids') or ())")
    def _erp_changes_base(self, actor_name):
        """``ActorType.changes_base`` of ``actor_name`` for this connection's acting user, kept
        until Odoo clears its caches, as it does when record rules, a user's groups or the
        companies change (the same as Odoo keeps each user's rules)."""
        return self._erp_actor(actor_name).changes_base()

    def _erp_getActorsByTimestamp(self, params):
        moment, after_id, exact = v.parse_cursor(params["UpdatedOnOrAfter"])
        if not exact and moment > v.EPOCH:
            moment -= LEGACY_LOOK_BACK
        # The connection's settings and the actor type come from this request's transaction,
        # whose cache holds them: the records' transaction (new, with an empty cache) would read
        # the connection's row and its company's again on every poll.
        limit, budget = self.sudo().search_limit, self._erp_budget()
        actor = self._erp_actor(params["ActorType"], linked=False)
        base = self._erp_changes_base(actor.name)
        horizon = self._erp_horizon()
        # the records in a snapshot taken after the horizon was read (module docstring)
        with closing(self.env.registry.cursor()) as cr:
            changes = self.with_env(self.env(cr=cr))
            actor.env = changes.env
            return changes._erp_changes(
                params, actor, base, moment, after_id if exact else 0, horizon, limit, budget)

    def _erp_changes(self, params, actor, base, since, after_id, horizon, limit, budget):
        """The answer of GetActorsByTimestamp: the records of ``actor`` among ``base``
        (``_erp_changes_base``) from ``since`` (after ``after_id`` in it) and before ``horizon``,
        at most ``limit`` and ``budget`` bytes."""
        ids = actor.changed_ids(base, since, after_id, horizon, limit + 1)
        records = actor.env[actor.model].browse(ids[:limit])
        actors = self._erp_actors(actor, records, params["FieldKeys"], room=budget)
        result = Result()
        if len(ids) > limit:
            result = self._erp_cut_result("GetActorsByTimestamp", Result(), limit)
        return result, actors
