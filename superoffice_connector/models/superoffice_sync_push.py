"""Push: Odoo edits to SuperOffice (cron ``superoffice_cron_push``), and Sync now.

A write to a mapped field marks the record's link "needs sync" and triggers the push cron
(``superoffice.link._mark_dirty``), so an edit leaves Odoo seconds after it was saved. The push
takes the due links (``next_retry_at`` passed) in batches, locking them with
``try_lock_for_update(limit=…)``: links held by another run are skipped, not waited for. Each link
costs one GET (the current record and its ``Last-Modified``) and, when something changed in Odoo,
one PATCH with only the changed fields, guarded by ``If-Unmodified-Since``.
"""

import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..api import exceptions as so_exc
from .superoffice_sync_engine import KIND, RunStats, StopRun

_logger = logging.getLogger(__name__)


class SuperofficeConnection(models.Model):
    _inherit = "superoffice.connection"

    @api.model
    def _cron_push(self):
        """Push the due links of every active connection (cron entry point)."""
        for connection in self.sudo().search([("active", "=", True)]):
            if connection._push_domain() and self.env["superoffice.link"].sudo().search_count(
                connection._push_domain(), limit=1
            ):
                connection._push()

    def _push_domain(self, exclude_ids=()):
        return [
            ("connection_id", "=", self.id),
            ("state", "=", "needs_sync"),
            "|", ("next_retry_at", "=", False), ("next_retry_at", "<=", fields.Datetime.now()),
            ("id", "not in", list(exclude_ids)),
        ]

    def _push(self, trigger="cron"):
        """One push run of this connection; returns its ``superoffice.sync.run``."""
        self.ensure_one()
        return self._run_safely("push", trigger, self._push_all)

    def _push_all(self, stats):
        Link = self.env["superoffice.link"].sudo()
        done = []
        while True:
            candidates = Link.search(self._push_domain(done), order="id")
            links = candidates.try_lock_for_update(limit=self.sync_batch_size)
            if not links:
                return
            done += links.ids
            self._sync_links(links, stats)
            if self._sync_commit(stats) <= 0:
                raise StopRun(None, "partial")

    def _sync_links(self, links, stats):
        """Read each (locked) link's SuperOffice record and merge; errors stay per link."""
        client = self._get_client()
        for link in links:
            service = client.service(KIND[link.entity_type])
            try:
                with self.env.cr.savepoint():
                    try:
                        entity = service.get(link.so_id)
                    except so_exc.NotFoundError:
                        outcome = self._apply_deleted(link)
                    else:
                        outcome = self._sync_entity(link, entity, stats, service)
                stats.count(outcome)
            except StopRun:
                raise
            except Exception as exc:  # noqa: BLE001 - one bad record never stops the others
                if not isinstance(exc, so_exc.SuperOfficeError):
                    _logger.exception("SuperOffice sync of link %s failed", link.id)
                self._handle_record_error(exc, stats, link, f"{link.entity_type} {link.so_id}")

    def _sync_link(self, link):
        """Sync now: synchronize one link at once, both ways (used by the record's button).

        Raises ``UserError`` when another run holds the link or when the sync failed (the
        failure is recorded on the link first, like a background failure). Returns the outcome
        (``updated``, ``pushed``, ``unchanged``, ``conflict``, ``deleted``)."""
        self.ensure_one()
        link = link.sudo()
        if link.state == "disconnected":
            raise UserError(self.env._("This link is disconnected."))
        if not link.try_lock_for_update():
            raise UserError(self.env._(
                "This record is being synchronized right now; try again in a moment."
            ))
        if link.state == "failed":
            link.write({"retry_count": 0, "next_retry_at": False})
        run = self._start_run("record", "manual")
        try:
            client = self._get_client()
        except ValueError as exc:
            run._close(state="failed", message=self._user_message(exc), duration=0)
            raise UserError(self._user_message(exc)) from exc
        stats = RunStats(run, client)
        try:
            self._sync_links(link, stats)
        except StopRun as stop:
            stats.flush()
            message = self._user_message(stop.error)
            run._close(state=stop.state, message=message, duration=stats.duration)
            raise UserError(message) from stop.error
        outcome = next(iter(stats.counts), "unchanged")
        errors = list(stats.errors)
        stats.flush()
        run._close(state="failed" if outcome == "failed" else "done", duration=stats.duration)
        if outcome == "failed":
            raise UserError(link.last_error or (errors and errors[0]) or "?")
        return outcome
