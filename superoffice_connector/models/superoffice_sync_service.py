"""The part of the synchronization shared by the pull, the push and Sync now.

``superoffice.sync.service`` is an abstract model: it holds no data, every method takes the
``superoffice.connection`` it works for. The pull (``superoffice.sync.pull``) decides *which*
SuperOffice records to look at, the push (``superoffice.sync.push``) which links; both inherit
this service and end every record in :meth:`_sync_entity`: given a link and the SuperOffice entity
as just read, it runs the three-way merge of the sync core (base snapshot, Odoo values,
SuperOffice values) and applies the decisions to both sides.

Transactions. A cron run works in batches; each batch commits through
``ir.cron._commit_progress`` (which also reports the cron's progress), and every record is
processed inside its own savepoint, so one bad record is rolled back alone and never stops the
others (the pull creates the new records of a page in one savepoint, and again one by one when
that fails). Links are locked with ``try_lock_for_update`` (``SELECT … FOR UPDATE SKIP LOCKED``) before
they are read: two runs (two crons, or a cron and Sync now) never handle the same link at once,
and the second one skips it instead of waiting. A row another process changed and committed
after this transaction's snapshot was taken cannot be locked either (PostgreSQL raises a
serialization failure under Odoo's repeatable read, even with SKIP LOCKED): :meth:`_try_lock`
counts it as busy too, so a Sync now in an HTTP worker never kills the cron's run.

Crash between the SuperOffice write and the Odoo commit. The PATCH goes out before the batch
commits, because the new base snapshot may only be stored once SuperOffice accepted the values.
If the process dies in between, the link keeps its old base and its "needs sync" state (or the
pull's watermark did not move), so the record is handled again. Before each PATCH the values
run's record (its base, the values sent, its new base and SuperOffice's change stamp as read:
``merge.in_flight``) is committed on its own (``superoffice.link._store_pending_so``, a separate
cursor); the next merge recovers the base from it (``merge.recover_base``), and the record is
settled in the transaction that saves the new base. So an Odoo edit made after the crash, even
one back to the old value, is seen as an edit and pushed, not overwritten by the value we wrote
ourselves; and when SuperOffice's stamp shows that someone else wrote to the record after our
read, a field whose newest value cannot be told is a conflict, never a silent overwrite. Updates are idempotent and this engine never creates records in
SuperOffice (creation is the wizard's job, guarded by a marker), so a replay cannot duplicate
anything. A timestamp-based guard (``If-Unmodified-Since`` from the read) makes SuperOffice
refuse the PATCH when someone changed the record after our read: the engine reads again,
merges again and retries, or records a conflict.
"""

import logging
import time
from datetime import timedelta

import psycopg2

from odoo import api, fields, models, modules
from odoo.tools import mute_logger

from .. import compat
from ..api import exceptions as so_exc
from ..sync import canonical, merge, transforms

_logger = logging.getLogger(__name__)

KIND = {"company": "contact", "person": "person", "project": "project"}
ENTITY_ORDER = ("company", "person", "project")
MAX_RETRIES = 5
BACKOFF_BASE = 60  # seconds; retry n waits BACKOFF_BASE * 4**(n-1), at most BACKOFF_MAX
BACKOFF_MAX = 6 * 3600
MERGE_ATTEMPTS = 3  # reads + merges of one record when SuperOffice answers 412/409
BREAKER = 3  # consecutive network/server failures that end a run early

# Errors after which nothing else of the run can succeed: stop the run, blame no record.
RUN_STOPPERS = (
    so_exc.RateLimitedError, so_exc.AuthenticationError, so_exc.TenantNotRunningError,
)
# Errors that may be one record's or the service's: counted against the record, and BREAKER of
# them in a row end the run (the service is down, the next run resumes).
OUTAGE_ERRORS = (so_exc.TransportError, so_exc.ServerError, so_exc.MalformedResponseError)


class StopRun(Exception):
    """End the run early; the work already committed stays, the next run resumes."""

    def __init__(self, error, state="partial"):
        super().__init__(str(error))
        self.error = error
        self.state = state


class RunStats:
    """Counters of one run, flushed into its ``superoffice.sync.run`` at every commit."""

    def __init__(self, run, client):
        self.run = run
        self.client = client
        self.started = time.monotonic()
        self.requests_seen = client.request_count if client else 0
        self.counts = {}
        self.errors = []
        self.streak = 0  # consecutive outage errors
        self.processed = 0
        self.remaining = None  # records still to do, when known (cron progress)
        self.time_left = float("inf")  # seconds of the cron's time budget, at the last commit
        self.lookups = None  # the run's id lookups (``_lookups``), built at the first record

    def count(self, outcome):
        self.counts[outcome] = self.counts.get(outcome, 0) + 1
        self.processed += 1
        if self.remaining:
            self.remaining -= 1
        if outcome != "failed":
            self.streak = 0

    def error(self, line):
        self.errors.append(line)

    def flush(self):
        """Write the counters gathered since the last flush; returns the records processed."""
        requests = 0
        if self.client is not None:
            requests = self.client.request_count - self.requests_seen
            self.requests_seen = self.client.request_count
        self.run._add_counts(self.counts, self.errors, requests, remaining=self.remaining)
        processed, self.processed = self.processed, 0
        self.counts, self.errors = {}, []
        return processed

    @property
    def duration(self):
        return time.monotonic() - self.started


class SuperofficeSyncService(models.AbstractModel):
    _name = "superoffice.sync.service"
    _description = "SuperOffice Synchronization (shared steps)"

    # ------------------------------------------------------------------ runs and commits

    def _run_safely(self, connection, kind, trigger, body):
        """Run ``body(connection, stats)`` as one logged run; StopRun ends it early without
        losing the work already committed. Returns the ``superoffice.sync.run``.

        While the body runs, this process holds the run (see ``superoffice.sync.run._hold``);
        runs of the connection whose process died are closed as failed first. An unexpected
        error rolls back the batch in progress and closes the run as failed (outside tests,
        whose transaction cannot be rolled back), so no run stays "running"."""
        connection.ensure_one()
        run = self._start_run(connection, kind, trigger)
        run._hold()
        try:
            run._close_dead(connection, exclude=run)
            try:
                client = connection._get_client()
            except ValueError as exc:
                run._close(state="failed", message=connection._user_message(exc), duration=0)
                return run
            stats = RunStats(run, client)
            self._sync_commit(stats)  # the run shows in the log, "running", at once
            try:
                body(connection, stats)
            except StopRun as stop:
                # Records finished before the stop are kept (each ran in its own savepoint).
                self._stop_run(connection, kind, stats, stop)
                return run
            except Exception as exc:
                if not self._may_commit():
                    raise
                self._fail_run(connection, kind, stats, exc)
                return run
            self._finish_run(stats)
        finally:
            run._release()
        return run

    def _stop_run(self, connection, kind, stats, stop):
        if stop.state == "continuing":
            message = self.env._(
                "The time of this run was up with records left; the next run continues at once."
            )
        else:
            message = connection._user_message(stop.error) if stop.error else False
        _logger.info("SuperOffice %s run of %s stopped early (%s): %s",
                     kind, connection.name, stop.state, message)
        self._finish_run(stats, state=stop.state, message=message)

    def _fail_run(self, connection, kind, stats, exc):
        """An unexpected error ended the run: roll back the batch in progress, keep what the
        earlier batches committed and close the run as failed."""
        self.env.cr.rollback()
        _logger.exception("SuperOffice %s run of %s failed", kind, connection.name)
        stats.counts, stats.errors, stats.processed = {}, [], 0
        stats.run._close(
            state="failed", message=self.env._("Unexpected error: %(error)s", error=str(exc)),
            duration=stats.duration,
        )
        self._sync_commit(stats)

    @api.model
    def _start_run(self, connection, kind, trigger):
        """Create the log record of a run (committed by the first batch commit)."""
        return self.env["superoffice.sync.run"].sudo().create({
            "connection_id": connection.id, "kind": kind, "trigger": trigger,
        })

    @api.model
    def _sync_commit(self, stats, cron_remaining=None):
        """Commit the current batch and report the cron's progress.

        ``cron_remaining`` (default: the records known to remain) is what the cron is told is
        left; more than 0 makes Odoo call the cron again instead of waiting for its next wake.
        Returns the seconds left for the cron run (``inf`` outside a cron), also kept in
        ``stats.time_left``. Inside a test the transaction must not commit: the counters are
        flushed and nothing else happens (the concurrency tests run the engine on their own
        committed cursors, with the context key ``superoffice_sync_commit``)."""
        remaining = stats.remaining if cron_remaining is None else cron_remaining
        processed = stats.flush()
        if not self._may_commit():
            self.env.flush_all()
            return float("inf")
        stats.time_left = compat.commit_progress(self.env, processed, remaining=remaining)
        return stats.time_left

    @api.model
    def _may_commit(self):
        return not modules.module.current_test or self.env.context.get("superoffice_sync_commit")

    @api.model
    def _finish_run(self, stats, state="done", message=None):
        stats.remaining = 0 if state == "done" else stats.remaining
        stats.flush()
        stats.run._close(state=state, message=message, duration=stats.duration)
        cron_remaining = max(stats.remaining or 0, 1) if state == "continuing" else None
        self._sync_commit(stats, cron_remaining)

    @api.model
    def _try_lock(self, records, limit=None):
        """Lock what can be locked of ``records`` now (at most ``limit``); never waits and
        never fails. Returns the records locked.

        Rows locked by another transaction are skipped (``SKIP LOCKED``). Rows another
        transaction changed and committed since this transaction's snapshot make PostgreSQL
        raise a serialization failure instead: then each row is tried again in its own
        savepoint and those rows are skipped too (this transaction's copy of them is stale
        anyway; the caller leaves them for the next run)."""
        try:
            with self._quiet_sql(), self.env.cr.savepoint(flush=False):
                return compat.try_lock_for_update(records, limit=limit)
        except psycopg2.errors.SerializationFailure:
            _logger.info("Concurrent update of %s rows: locking them one by one", records._name)
        locked = records.browse()
        for record in records:
            if limit is not None and len(locked) >= limit:
                break
            try:
                with self._quiet_sql(), self.env.cr.savepoint(flush=False):
                    locked |= compat.try_lock_for_update(record)
            except psycopg2.errors.SerializationFailure:
                continue
        return locked

    @api.model
    def _quiet_sql(self):
        """Odoo logs every failed query as an error ("bad query"); the serialization failures
        of :meth:`_try_lock` are expected and handled, so they are not logged (for the few
        microseconds of the statement)."""
        return mute_logger("odoo.sql_db")

    # ------------------------------------------------------------------ one record

    def _sync_entity(self, connection, link, entity, service, lookups=None):
        """Bring ``link``'s Odoo record and the SuperOffice ``entity`` in step (three-way merge).

        Writes SuperOffice first (PATCH of the changed fields only, guarded by
        ``If-Unmodified-Since`` of the read), then Odoo, then the link's base. On 412/409 the
        record is read again and merged again, at most ``MERGE_ATTEMPTS`` times, then the link
        is put in conflict. ``lookups``: the run's (:meth:`_lookups`), else the record's own.
        Returns the outcome counted in the log."""
        fields_ = link._mapping()
        if lookups is None:
            lookups = self._lookups(connection)
        record = link._odoo_record()
        flight_id, flight = link._flight()  # the last write of a run that died after its PATCH
        pending_ids = [flight_id] if flight_id else []
        attempt = 0
        while True:
            if entity.deleted:
                return self._apply_deleted(connection, link)
            so_values = transforms.from_superoffice(link.entity_type, entity, fields_, lookups)
            odoo_values = record._superoffice_values(fields_, connection)
            stamp = entity.change_stamp
            base = merge.recover_base(link.base_snapshot or None, flight, so_values, stamp, fields_)
            base = self._release_resolved_holds(fields_, base, lookups)
            unresolved = merge.mask_unresolved(fields_, so_values, odoo_values, base)
            result = merge.three_way(
                base, odoo_values, so_values, fields_, policy=connection.conflict_policy,
            )
            # a SuperOffice owner no Odoo user matches: each side keeps its own, told once
            merge.hold_unresolved(result, unresolved)
            if not result.to_so:
                break
            if entity.partial:
                # Read from archive columns: the mapped values, not the whole record a PATCH
                # builds on (array entries the mapping does not manage). Read it and merge again.
                entity = service.get(link.so_id)
                continue
            unresolved = []
            patch = transforms.to_superoffice_patch(
                link.entity_type, result.to_so, fields_, current=entity.raw, lookups=lookups,
                unresolved=unresolved,
            )
            for key, _message in unresolved:
                # SuperOffice cannot represent Odoo's value: it keeps its own, the difference
                # is held (and told once) instead of being sent again or failing every run.
                result.to_so.pop(key, None)
                merge.hold(result.new_base, key, "odoo", odoo_values.get(key), so_values.get(key))
            if not patch:
                break
            flight = merge.in_flight(base, result, stamp, connection._own_associate_id())
            pending_ids.append(link._store_pending_so(flight))
            try:
                entity = service.patch(
                    link.so_id, patch,
                    if_unmodified_since=entity.last_modified or entity.updated,
                )
                break
            except so_exc.ConflictError:
                # Someone changed the record after our read: read and merge again.
                attempt += 1
                if attempt == MERGE_ATTEMPTS:
                    result.new_base = base
                    return self._mark_conflict(link, entity, result, True, pending_ids)
                entity = service.get(link.so_id)
        new_base = result.new_base
        if result.to_odoo:
            record._superoffice_apply(result.to_odoo, fields_, connection)
            new_base = self._settled_base(connection, record, fields_, new_base, result.to_odoo,
                                          before=odoo_values)
        self._post_new_holds(record, fields_, base, new_base, entity=entity)
        # a SuperOffice value Odoo could not take (now held) was not an update of Odoo
        not_taken = self._new_holds(base, new_base, sides=("so",))
        to_odoo = {k: v for k, v in result.to_odoo.items() if k not in not_taken}
        if result.has_conflicts:
            result.new_base = new_base
            return self._mark_conflict(link, entity, result, pending_ids=pending_ids)
        link.write(self._synced_values(link, entity, new_base, pending_ids))
        if result.to_so and to_odoo:
            return "updated"
        if result.to_so:
            return "pushed"
        return "updated" if to_odoo else "unchanged"

    @api.model
    def _lookups(self, connection, stats=None, fresh=False):
        """Id lookups for list items, countries and owners (see ``sync.transforms.Lookups``).

        With ``stats`` (a run of ``connection``), the run's: built at its first record and used
        by all of them, so the Odoo users an owner may be are read once per run, and the
        shared copies of SuperOffice's users and lists once per run too (a name missing from
        them is read for in SuperOffice at most once per ``api.shared.REREAD_AFTER``, whatever
        the number of records). A run serves one connection, hence one company: its owners
        are that company's users. A run a person started (Sync now, Pull now, Push now) reads
        a copy that lacks a name again once, whatever its age (``fresh``): what they just added
        in SuperOffice is found at once."""
        if stats is not None:
            if stats.lookups is None:
                stats.lookups = self._lookups(connection, fresh=stats.run.trigger == "manual")
            return stats.lookups
        if hasattr(connection, "_lookups"):
            return connection._lookups(fresh=fresh)
        return transforms.Lookups()

    @api.model
    def _settled_base(self, connection, record, fields_, base, written, before=None):
        """The base after writing ``written`` to Odoo: a value Odoo could not take (a list
        value or a user with no Odoo match) keeps the value Odoo really has, so the next merge
        does not read the gap as an Odoo edit and clear the SuperOffice value. With ``before``
        (Odoo's values before the write), a value the write changed as a side effect is held
        too (see :meth:`_settled`)."""
        actual = record._superoffice_values(fields_, connection)
        return self._settled(fields_, base, written, actual, before)

    @api.model
    def _settled(self, fields_, base, written, actual, before=None, hold_owners=True):
        """:meth:`_settled_base` with the values Odoo holds after the write (``actual``): the
        SuperOffice value Odoo could not take is held (``sync.merge.hold``).

        A mapped value not written that the write changed all the same (``before`` differs
        from ``actual``; e.g. Odoo clears a project's start date when its end date is cleared)
        is SuperOffice's value Odoo lost: held as well, so that the next merge does not read it
        as an Odoo edit and send the loss to SuperOffice."""
        by_key = {f.key: f for f in fields_}
        base = dict(base)
        if merge.HELD in base:
            base[merge.HELD] = dict(base[merge.HELD])
        for key, value in written.items():
            if key in actual and not canonical.equal(by_key[key], actual[key], value):
                if not hold_owners and isinstance(value, str) and value.startswith("associate:"):
                    # a pull's new record, created without chatter: the owner no Odoo user
                    # matches is held, and told, by the record's next merge
                    base[key] = actual[key]
                else:
                    merge.hold(base, key, "so", value, actual[key])
        for key, value in (before or {}).items():
            if key in written or key not in actual or key not in by_key or key not in base:
                continue
            if not canonical.equal(by_key[key], actual[key], value):
                merge.hold(base, key, "so", base[key], actual[key])
        return base

    @api.model
    def _synced_values(self, link, entity, base, pending_ids=()):
        values = {
            "base_snapshot": base,
            "so_updated_at": self._naive(entity.updated),
            "last_sync_at": fields.Datetime.now(),
            **link._settle_pending_so(pending_ids),
        }
        if link.state != "linked":
            values["state"] = "linked"
        if link.retry_count or link.last_error or link.next_retry_at:
            values.update(retry_count=0, last_error=False, next_retry_at=False)
        if link.conflict_fields:
            values["conflict_fields"] = False
        return values

    @api.model
    def _mark_conflict(self, link, entity, result, all_fields=False, pending_ids=()):
        """Put ``link`` in conflict with ``result.new_base`` as its base (with ``all_fields``,
        the base the merge started from: SuperOffice refused every attempt)."""
        keys = [c.key for c in result.conflicts]
        if all_fields and not keys:
            keys = sorted(result.to_so)
        link.write({
            "conflict_fields": keys,
            "state": "conflict",
            "base_snapshot": result.new_base,
            "so_updated_at": self._naive(entity.updated),
            "last_sync_at": fields.Datetime.now(),
            "retry_count": 0, "next_retry_at": False, "last_error": False,
            **link._settle_pending_so(pending_ids),
        })
        return "conflict"

    @api.model
    def _read_and_sync(self, connection, link, service, stats, label, entity=None):
        """Read ``link``'s SuperOffice record (unless ``entity`` is given, e.g. read from the
        archive) and merge it, in a savepoint of its own.

        A record gone from SuperOffice is handled as deleted; any other error is recorded on the
        link and counted, so one bad record never stops the others (StopRun still ends the run).
        """
        if self.env["superoffice.erp.record"]._owned(link._odoo_record()):
            stats.count("skipped")  # SuperOffice's ERP Sync engine synchronizes this record
            return
        try:
            with self.env.cr.savepoint():
                try:
                    entity = entity if entity is not None else service.get(link.so_id)
                except so_exc.NotFoundError:
                    outcome = self._apply_deleted(connection, link)
                else:
                    outcome = self._sync_entity(connection, link, entity, service,
                                                self._lookups(connection, stats))
            stats.count(outcome)
        except StopRun:
            raise
        except Exception as exc:  # noqa: BLE001 - one bad record never stops the others
            if not isinstance(exc, so_exc.SuperOfficeError):
                _logger.exception("SuperOffice sync of %s failed", label)
            self._handle_record_error(connection, exc, stats, link, label)

    def _apply_deleted(self, connection, link):
        """The SuperOffice record was (soft-)deleted: archive the Odoo record, or only drop the
        link, as the connection says."""
        if connection.delete_policy == "unlink":
            link.unlink()
            return "deleted"
        record = link._odoo_record()
        if "active" in record._fields and record.active:
            record.with_context(superoffice_sync=True).write({"active": False})
        link.write({"state": "disconnected", "last_sync_at": fields.Datetime.now(),
                    "next_retry_at": False})
        return "deleted"

    # ------------------------------------------------------------------ failures

    @api.model
    def _record_failure(self, connection, link, exc, stats):
        """Count a failed attempt on the link: retry later with backoff, then ``failed``."""
        message = connection._user_message(exc)
        retries = link.retry_count + 1
        values = {"retry_count": retries, "last_error": message}
        if retries >= MAX_RETRIES:
            values.update(state="failed", next_retry_at=False)
        else:
            delay = min(BACKOFF_BASE * 4 ** (retries - 1), BACKOFF_MAX)
            values.update(
                state="needs_sync", next_retry_at=fields.Datetime.now() + timedelta(seconds=delay)
            )
        link.write(values)
        stats.error(f"{link.entity_type} {link.so_id}: {message}")
        stats.count("failed")

    @api.model
    def _handle_record_error(self, connection, exc, stats, link=None, label=""):
        """Classify an error raised while handling one record; raise StopRun when the run must
        end, else count it on the record."""
        if isinstance(exc, RUN_STOPPERS):
            raise StopRun(exc, "partial" if isinstance(exc, so_exc.RateLimitedError) else "failed")
        if link is not None and link.exists():
            self._record_failure(connection, link, exc, stats)
        else:
            stats.error(f"{label}: {connection._user_message(exc)}")
            stats.count("failed")
        if isinstance(exc, OUTAGE_ERRORS):
            stats.streak += 1
            if stats.streak >= BREAKER:
                raise StopRun(exc)

    @api.model
    def _naive(self, value):
        """A naive UTC datetime (Odoo's storage) from an aware one."""
        if value is None:
            return False
        return value.replace(tzinfo=None) if value.tzinfo else value
