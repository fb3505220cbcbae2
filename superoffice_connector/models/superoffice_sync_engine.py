"""The synchronization engine shared by the pull, the push and Sync now.

Every path ends in :meth:`SuperofficeConnection._sync_entity`: given a link and the SuperOffice
entity as just read, it runs the three-way merge of the sync core (base snapshot, Odoo values,
SuperOffice values) and applies the decisions to both sides. The pull (``superoffice_sync_pull``)
decides *which* SuperOffice records to look at, the push (``superoffice_sync_push``) which links.

Transactions. A cron run works in batches; each batch commits through
``ir.cron._commit_progress`` (which also reports the cron's progress), and every record is
processed inside its own savepoint, so one bad record is rolled back alone and never stops the
others. Links are locked with ``try_lock_for_update`` (``SELECT … FOR UPDATE SKIP LOCKED``) before
they are read: two runs (two crons, or a cron and Sync now) never handle the same link at once,
and the second one skips it instead of waiting.

Crash between the SuperOffice write and the Odoo commit. The PATCH goes out before the batch
commits, because the new base snapshot may only be stored once SuperOffice accepted the values.
If the process dies in between, the link keeps its old base and its "needs sync" state (or the
pull's watermark did not move), so the record is handled again: SuperOffice then holds the value
Odoo holds, the merge reports ``both_same`` and only the base moves. Updates are idempotent and
this engine never creates records in SuperOffice (creation is the wizard's job, guarded by a
marker), so a replay cannot duplicate anything; and a value changed meanwhile on either side is
seen against the old base, so no edit is lost. A timestamp-based guard (``If-Unmodified-Since``
from the read) makes SuperOffice refuse the PATCH when someone changed the record after our read:
the engine reads again, merges again and retries, or records a conflict.
"""

import dataclasses
import json
import logging
import time
from datetime import timedelta

from odoo import api, fields, models, modules

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
CLIENT_OPTIONS_PARAM = "superoffice_connector.client_options"

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

    def count(self, outcome):
        self.counts[outcome] = self.counts.get(outcome, 0) + 1
        self.processed += 1
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
        self.run._add_counts(self.counts, self.errors, requests)
        processed, self.processed = self.processed, 0
        self.counts, self.errors = {}, []
        return processed

    @property
    def duration(self):
        return time.monotonic() - self.started


class SuperofficeConnection(models.Model):
    _inherit = "superoffice.connection"

    sync_import_new = fields.Boolean(
        string="Import new SuperOffice records",
        help="The scheduled pull creates companies, persons and projects that exist only in "
        "SuperOffice. Off: only records already linked are kept in step.",
    )
    sync_batch_size = fields.Integer(
        string="Records per transaction", default=200,
        help="The scheduled runs commit after this many records.",
    )
    sync_run_ids = fields.One2many("superoffice.sync.run", "connection_id", string="Sync log")
    sync_cursor_ids = fields.One2many(
        "superoffice.sync.cursor", "connection_id", string="Pull watermarks",
        groups="superoffice_connector.superoffice_connector_group_admin",
    )
    conflict_count = fields.Integer(compute="_compute_conflict_count")

    _sync_batch_size_positive = models.Constraint(
        "CHECK(sync_batch_size > 0)", "The batch size must be positive."
    )

    def _compute_conflict_count(self):
        groups = self.env["superoffice.link"]._read_group(
            [("connection_id", "in", self.ids), ("state", "=", "conflict")],
            ["connection_id"], ["__count"],
        )
        counts = {connection.id: count for connection, count in groups}
        for connection in self:
            connection.conflict_count = counts.get(connection.id, 0)

    # ------------------------------------------------------------------ actions

    def action_view_sync_runs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "superoffice_connector.superoffice_sync_run_action"
        )
        action["domain"] = [("connection_id", "=", self.id)]
        return action

    def action_view_conflicts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "superoffice_connector.superoffice_conflict_action"
        )
        action["domain"] = [("connection_id", "=", self.id), ("state", "=", "conflict")]
        return action

    def action_pull_now(self):
        """Run the pull cron at once (in the background)."""
        self.env.ref("superoffice_connector.superoffice_cron_pull").sudo()._trigger()
        return self._notification(
            self.env._("Synchronization started"),
            self.env._("Changes are being read from SuperOffice; see the sync log."), "info",
        )

    # ------------------------------------------------------------------ client

    def _client_config(self):
        """The stored configuration, with the optional overrides of the system parameter
        ``superoffice_connector.client_options`` (a JSON object of ClientConfig fields such as
        ``{"read_timeout": 10, "max_retries": 2}``, for slow networks or tests)."""
        config = super()._client_config()
        raw = self.env["ir.config_parameter"].sudo().get_param(CLIENT_OPTIONS_PARAM)
        if not raw:
            return config
        try:
            options = json.loads(raw)
            known = {f.name for f in dataclasses.fields(config)}
            return dataclasses.replace(config, **{k: v for k, v in options.items() if k in known})
        except (ValueError, TypeError, AttributeError):
            _logger.warning("Ignoring invalid %s: %r", CLIENT_OPTIONS_PARAM, raw)
            return config

    def _sync_lookups(self):
        """Id lookups for list items, countries and owners (see ``sync.transforms.Lookups``)."""
        if hasattr(self, "_lookups"):
            return self._lookups()
        return transforms.Lookups()

    # ------------------------------------------------------------------ runs and commits

    def _start_run(self, kind, trigger):
        """Create the log record of a run (committed by the first batch commit)."""
        self.ensure_one()
        return self.env["superoffice.sync.run"].sudo().create({
            "connection_id": self.id, "kind": kind, "trigger": trigger,
        })

    def _sync_commit(self, stats):
        """Commit the current batch and report the cron's progress.

        Returns the seconds left for the cron run (``inf`` outside a cron). Inside a test the
        transaction must not commit: the counters are flushed and nothing else happens (the
        concurrency tests run the engine on their own committed cursors, with the context key
        ``superoffice_sync_commit``)."""
        processed = stats.flush()
        if modules.module.current_test and not self.env.context.get("superoffice_sync_commit"):
            self.env.flush_all()
            return float("inf")
        return self.env["ir.cron"]._commit_progress(processed)

    def _finish_run(self, stats, state="done", message=None):
        stats.flush()
        stats.run._close(state=state, message=message, duration=stats.duration)
        self._sync_commit(stats)

    # ------------------------------------------------------------------ one record

    def _sync_entity(self, link, entity, stats, service):
        """Bring ``link``'s Odoo record and the SuperOffice ``entity`` in step (three-way merge).

        Writes SuperOffice first (PATCH of the changed fields only, guarded by
        ``If-Unmodified-Since`` of the read), then Odoo, then the link's base. On 412/409 the
        record is read again and merged again, at most ``MERGE_ATTEMPTS`` times, then the link
        is put in conflict. Returns the outcome counted in the log."""
        fields_ = link._mapping()
        lookups = self._sync_lookups()
        record = link._odoo_record()
        for attempt in range(1, MERGE_ATTEMPTS + 1):
            if entity.deleted:
                return self._apply_deleted(link)
            so_values = transforms.from_superoffice(link.entity_type, entity, fields_, lookups)
            odoo_values = record._superoffice_values(fields_, self)
            self._mask_unresolved(fields_, so_values, odoo_values, link.base_snapshot)
            result = merge.three_way(
                link.base_snapshot or None, odoo_values, so_values, fields_,
                policy=self.conflict_policy,
            )
            if not result.to_so:
                break
            unresolved = []
            patch = transforms.to_superoffice_patch(
                link.entity_type, result.to_so, fields_, current=entity.raw, lookups=lookups,
                unresolved=unresolved,
            )
            if unresolved:
                raise so_exc.ValidationError(
                    "No SuperOffice value for: " + ", ".join(m for _k, m in unresolved)
                )
            if not patch:
                break
            try:
                entity = service.patch(
                    link.so_id, patch,
                    if_unmodified_since=entity.last_modified or entity.updated,
                )
                break
            except so_exc.ConflictError:
                # Someone changed the record after our read: read and merge again.
                if attempt == MERGE_ATTEMPTS:
                    return self._mark_conflict(link, entity, result, all_fields=True)
                entity = service.get(link.so_id)
        new_base = result.new_base
        if result.to_odoo:
            record._superoffice_apply(result.to_odoo, fields_, self)
            new_base = self._settled_base(record, fields_, new_base, result.to_odoo)
        if result.has_conflicts:
            result.new_base = new_base
            return self._mark_conflict(link, entity, result)
        link.write(self._synced_values(link, entity, new_base))
        if result.to_so and result.to_odoo:
            return "updated"
        if result.to_so:
            return "pushed"
        return "updated" if result.to_odoo else "unchanged"

    @api.model
    def _mask_unresolved(self, fields_, so_values, odoo_values, base):
        """A SuperOffice owner Odoo cannot represent (``"associate:<id>"``: no known e-mail)
        counts as unchanged in SuperOffice: Odoo's user is then neither cleared nor pushed
        over it unless it was edited in Odoo."""
        for fmap in fields_:
            value = so_values.get(fmap.key)
            if isinstance(value, str) and value.startswith("associate:"):
                so_values[fmap.key] = (base or {}).get(fmap.key, odoo_values.get(fmap.key))

    def _settled_base(self, record, fields_, base, written):
        """The base after writing ``written`` to Odoo: a value Odoo could not take (a list
        value or a user with no Odoo match) keeps the value Odoo really has, so the next merge
        does not read the gap as an Odoo edit and clear the SuperOffice value."""
        actual = record._superoffice_values(fields_, self)
        by_key = {f.key: f for f in fields_}
        base = dict(base)
        for key, value in written.items():
            if key in actual and not canonical.equal(by_key[key], actual[key], value):
                base[key] = actual[key]
        return base

    def _synced_values(self, link, entity, base):
        values = {
            "base_snapshot": base,
            "so_updated_at": self._naive(entity.updated),
            "last_sync_at": fields.Datetime.now(),
        }
        if link.state != "linked":
            values["state"] = "linked"
        if link.retry_count or link.last_error or link.next_retry_at:
            values.update(retry_count=0, last_error=False, next_retry_at=False)
        if link.conflict_fields:
            values["conflict_fields"] = False
        return values

    def _mark_conflict(self, link, entity, result, all_fields=False):
        keys = [c.key for c in result.conflicts]
        if all_fields and not keys:
            keys = sorted(result.to_so)
        link.write({
            "conflict_fields": keys,
            "state": "conflict",
            "base_snapshot": result.new_base if not all_fields else link.base_snapshot,
            "so_updated_at": self._naive(entity.updated),
            "last_sync_at": fields.Datetime.now(),
            "retry_count": 0, "next_retry_at": False, "last_error": False,
        })
        return "conflict"

    def _apply_deleted(self, link):
        """The SuperOffice record was (soft-)deleted: archive the Odoo record, or only drop the
        link, as the connection says."""
        if self.delete_policy == "unlink":
            link.unlink()
            return "deleted"
        record = link._odoo_record()
        if "active" in record._fields and record.active:
            record.with_context(superoffice_sync=True).write({"active": False})
        link.write({"state": "disconnected", "last_sync_at": fields.Datetime.now(),
                    "next_retry_at": False})
        return "deleted"

    def _record_failure(self, link, exc, stats):
        """Count a failed attempt on the link: retry later with backoff, then ``failed``."""
        message = self._user_message(exc)
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

    def _handle_record_error(self, exc, stats, link=None, label=""):
        """Classify an error raised while handling one record; raise StopRun when the run must
        end, else count it on the record."""
        if isinstance(exc, RUN_STOPPERS):
            raise StopRun(exc, "partial" if isinstance(exc, so_exc.RateLimitedError) else "failed")
        if link is not None and link.exists():
            self._record_failure(link, exc, stats)
        else:
            stats.error(f"{label}: {self._user_message(exc)}")
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

    def _run_safely(self, kind, trigger, body):
        """Run ``body(stats)`` as one logged run; StopRun ends it early without losing the work
        already committed."""
        self.ensure_one()
        run = self._start_run(kind, trigger)
        try:
            client = self._get_client()
        except ValueError as exc:
            run._close(state="failed", message=self._user_message(exc), duration=0)
            return run
        stats = RunStats(run, client)
        try:
            body(stats)
        except StopRun as stop:
            # Records finished before the stop are kept (each ran in its own savepoint).
            message = self._user_message(stop.error)
            _logger.info("SuperOffice %s run of %s stopped early: %s", kind, self.name, message)
            self._finish_run(stats, state=stop.state, message=message)
            return run
        self._finish_run(stats)
        return run

    def _may_commit(self):
        return not modules.module.current_test or bool(
            self.env.context.get("superoffice_sync_commit")
        )
