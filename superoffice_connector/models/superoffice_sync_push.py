"""Push: Odoo edits to SuperOffice (cron ``superoffice_cron_push``), and Sync now.

``superoffice.sync.push`` is a service (abstract model) called with the connection by
``superoffice.connection._push`` and ``_sync_link``. A write to a mapped field marks the record's
link "needs sync" and triggers the push cron (``superoffice.link._mark_dirty``), so an edit leaves
Odoo seconds after it was saved. The push takes the due links (``next_retry_at`` passed) in
batches, locking them with ``try_lock_for_update(limit=…)``: links held by another run are
skipped, not waited for. Each link costs one GET (the current record and its ``Last-Modified``)
and, when something changed in Odoo, one PATCH with only the changed fields, guarded by
``If-Unmodified-Since``.
"""

import time

from odoo import fields, models
from odoo.exceptions import UserError

from .. import compat
from .superoffice_sync_service import KIND, RunStats, StopRun

# Sync now right after a save finds the link locked by the push that save triggered: wait this
# long (seconds) for that run to end before saying the record is being synchronized.
SYNC_NOW_LOCK_WAIT = 5.0
SYNC_NOW_LOCK_POLL = 0.2


class SyncBusy(UserError):
    """Sync now: another run holds the link (it is being synchronized right now)."""


class SuperofficeSyncPush(models.AbstractModel):
    _name = "superoffice.sync.push"
    _inherit = "superoffice.sync.service"
    _description = "SuperOffice Synchronization: push"

    def _due_domain(self, connection, exclude_ids=()):
        """Links of ``connection`` waiting for the push whose retry time has come."""
        return [
            ("connection_id", "=", connection.id),
            ("state", "=", "needs_sync"),
            "|", ("next_retry_at", "=", False), ("next_retry_at", "<=", fields.Datetime.now()),
            ("id", "not in", list(exclude_ids)),
        ]

    def _has_due_links(self, connection):
        return bool(self.env["superoffice.link"].sudo().search_count(
            self._due_domain(connection), limit=1
        ))

    def _run(self, connection, trigger="cron"):
        """One push run of ``connection``; returns its ``superoffice.sync.run``."""
        connection.ensure_one()
        return self._run_safely(connection, "push", trigger, self._push_all)

    def _push_all(self, connection, stats):
        Link = self.env["superoffice.link"].sudo()
        done = []
        while True:
            candidates = Link.search(self._due_domain(connection, done), order="id")
            stats.remaining = len(candidates)
            links = self._try_lock(candidates, limit=connection.sync_batch_size)
            if not links:
                return
            done += links.ids
            self._sync_links(connection, links, stats)
            if self._sync_commit(stats) <= 0 and stats.remaining:
                # The cron's time is up: the next run continues at once.
                self.env.ref("superoffice_connector.superoffice_cron_push").sudo()._trigger()
                raise StopRun(None, "continuing")

    def _lock_for_sync_now(self, link):
        """Lock ``link``, waiting a few seconds for a run that holds it (the push a save just
        triggered); raise :class:`SyncBusy` when it is still held then.

        When the other run commits a change to the link while we wait, PostgreSQL refuses our
        lock with a serialization failure (our snapshot is older than its commit); Odoo then
        runs the request again with a fresh snapshot, which sees that run's result."""
        deadline = time.monotonic() + SYNC_NOW_LOCK_WAIT
        while not compat.try_lock_for_update(link):
            if time.monotonic() >= deadline:
                raise SyncBusy(self.env._(
                    "This record is being synchronized right now by a run that started before "
                    "(for instance the one your last save started); its SuperOffice tab shows "
                    "the result in a moment."
                ))
            time.sleep(SYNC_NOW_LOCK_POLL)

    def _sync_links(self, connection, links, stats):
        """Read each (locked) link's SuperOffice record and merge; errors stay per link."""
        client = connection._get_client()
        links._load_flights()
        for link in links:
            service = client.service(KIND[link.entity_type])
            self._read_and_sync(
                connection, link, service, stats, f"{link.entity_type} {link.so_id}"
            )

    def _sync_one(self, connection, link):
        """Sync now of one link, both ways; see ``superoffice.connection._sync_link``."""
        connection.ensure_one()
        link = link.sudo()
        if link.state == "disconnected":
            raise UserError(self.env._("This link is disconnected."))
        self._lock_for_sync_now(link)
        if link.state == "failed":
            link.write({"retry_count": 0, "next_retry_at": False})
        run = self._start_run(connection, "record", "manual")
        try:
            client = connection._get_client()
        except ValueError as exc:
            run._close(state="failed", message=connection._user_message(exc), duration=0)
            raise UserError(connection._user_message(exc)) from exc
        stats = RunStats(run, client)
        try:
            self._sync_links(connection, link, stats)
        except StopRun as stop:
            stats.flush()
            message = connection._user_message(stop.error)
            run._close(state=stop.state, message=message, duration=stats.duration)
            raise UserError(message) from stop.error
        outcome = next(iter(stats.counts), "unchanged")
        errors = list(stats.errors)
        stats.flush()
        run._close(state="failed" if outcome == "failed" else "done", duration=stats.duration)
        if outcome == "failed":
            raise UserError(link.last_error or (errors and errors[0]) or "?")
        return outcome
