"""The sync log: one record per pull, push or webhook-triggered run of a connection.

A run is created (and committed) when it starts, its counters are updated with every batch the
engine commits, and it is closed with its end time and outcome. Because the counters are committed
per batch, the log shows the progress of a long run while it is still going, next to the cron's
own progress (``ir.cron.progress``).

A run cut by the cron's time budget with work left is closed as "continuing": the cron runs
again at once and the next run resumes where it stopped. A run whose process died (killed by a
worker time limit, a crash, a restart) cannot close itself: while it runs, its process holds a
PostgreSQL advisory lock on it (:meth:`_hold`), which PostgreSQL releases when that process's
connection goes away. The next pull or push run of the connection closes every "running" run
whose lock is free as failed (:meth:`_close_dead`), so no run stays "running" for good.
"""

import logging

import psycopg2

from odoo import api, fields, models
from odoo.tools import mute_logger

_logger = logging.getLogger(__name__)

OUTCOMES = ("created", "updated", "pushed", "unchanged", "conflict", "failed", "deleted", "skipped")
MAX_ERROR_LINES = 200
# Key space of the advisory locks held by running runs: pg_try_advisory_lock(RUN_LOCK, run id).
RUN_LOCK = 0x50F7


class SuperofficeSyncRun(models.Model):
    _name = "superoffice.sync.run"
    _description = "SuperOffice Sync Run"
    _order = "date_start desc, id desc"
    _rec_name = "display_name"

    connection_id = fields.Many2one(
        "superoffice.connection", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="connection_id.company_id", store=True, index=True)
    kind = fields.Selection(
        [("pull", "Pull from SuperOffice"), ("push", "Push to SuperOffice"),
         ("record", "Sync now")],
        required=True, default="pull",
    )
    trigger = fields.Selection(
        [("cron", "Scheduled"), ("webhook", "Webhook"), ("manual", "Manual")],
        required=True, default="cron",
    )
    state = fields.Selection(
        [("running", "Running"), ("continuing", "Continuing"), ("done", "Done"),
         ("partial", "Stopped early"), ("failed", "Failed")],
        required=True, default="running", index=True,
    )
    date_start = fields.Datetime(string="Start", required=True, default=fields.Datetime.now)
    date_end = fields.Datetime(string="End")
    duration = fields.Float(string="Duration (s)", digits=(16, 2), aggregator="avg")
    count_created = fields.Integer(string="Created", aggregator="sum")
    count_updated = fields.Integer(string="Updated in Odoo", aggregator="sum")
    count_pushed = fields.Integer(string="Pushed to SuperOffice", aggregator="sum")
    count_unchanged = fields.Integer(string="Unchanged", aggregator="sum")
    count_conflict = fields.Integer(string="Conflicts", aggregator="sum")
    count_failed = fields.Integer(string="Failed", aggregator="sum")
    count_deleted = fields.Integer(string="Deleted or archived", aggregator="sum")
    count_skipped = fields.Integer(string="Skipped", aggregator="sum")
    count_total = fields.Integer(
        string="Records", compute="_compute_count_total", store=True, aggregator="sum"
    )
    count_remaining = fields.Integer(
        string="Left to do", aggregator=None,
        help="Records still waiting when the last batch of the run committed (while it runs).",
    )
    http_requests = fields.Integer(string="HTTP requests", aggregator="sum")
    message = fields.Char(help="Why the run stopped early or failed.")
    error_log = fields.Text(string="Errors", help="One line per record that failed.")

    @api.depends(*(f"count_{outcome}" for outcome in OUTCOMES))
    def _compute_count_total(self):
        for run in self:
            run.count_total = sum(run[f"count_{outcome}"] for outcome in OUTCOMES)

    @api.depends("kind", "date_start", "connection_id")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for run in self:
            run.display_name = f"{run.connection_id.name or ''} {kinds.get(run.kind, '')} " \
                f"{fields.Datetime.to_string(run.date_start) or ''}".strip()

    def _add_counts(self, counts, errors=(), http_requests=0, remaining=None):
        """Add ``counts`` ({outcome: n}) and error lines to the run (one SQL UPDATE);
        ``remaining`` (when known) replaces the number of records left to do."""
        self.ensure_one()
        values = {
            f"count_{outcome}": self[f"count_{outcome}"] + n
            for outcome, n in counts.items() if n and outcome in OUTCOMES
        }
        if http_requests:
            values["http_requests"] = self.http_requests + http_requests
        if remaining is not None and remaining != self.count_remaining:
            values["count_remaining"] = remaining
        if errors:
            lines = (self.error_log or "").splitlines() + list(errors)
            values["error_log"] = "\n".join(lines[-MAX_ERROR_LINES:])
        if values:
            self.write(values)

    def _close(self, state="done", message=None, duration=None):
        """Record the end of the run, its duration (seconds) and its outcome."""
        now = fields.Datetime.now()
        for run in self:
            run.write({
                "state": state,
                "date_end": now,
                "duration": duration if duration is not None
                else (now - run.date_start).total_seconds(),
                "message": message or run.message,
            })

    # ------------------------------------------------------------------ liveness

    def _hold(self):
        """Mark this run as alive for as long as the current database connection lives (a
        session advisory lock: commits do not release it, a dead process does)."""
        self.ensure_one()
        self.env.cr.execute("SELECT pg_try_advisory_lock(%s, %s)", (RUN_LOCK, self.id))

    def _release(self):
        """Undo :meth:`_hold` (the connection goes back to the pool, the run is over)."""
        self.ensure_one()
        try:
            self.env.cr.execute("SELECT pg_advisory_unlock(%s, %s)", (RUN_LOCK, self.id))
        except psycopg2.errors.InFailedSqlTransaction:
            # An error is on its way up; the lock goes with the connection (or its next use
            # of the same run id, which cannot happen: ids are not reused).
            _logger.info("Sync run %s: its lock is released with its connection", self.id)

    @api.model
    def _close_dead(self, connection, exclude=None):
        """Close as failed the pull and push runs of ``connection`` still "running" whose
        process is gone (nobody holds their advisory lock). Returns the runs closed.

        Two runs may look at the same dead run at once (the pull and the push cron): the
        advisory lock lets one at a time close it, and the other's update, if it comes after
        the first one committed, fails on its savepoint and is left alone."""
        runs = self.search([
            ("connection_id", "=", connection.id), ("kind", "in", ("pull", "push")),
            ("state", "=", "running"), ("id", "!=", exclude.id if exclude else 0),
        ])
        dead = self.browse()
        for run in runs:
            self.env.cr.execute("SELECT pg_try_advisory_lock(%s, %s)", (RUN_LOCK, run.id))
            if not self.env.cr.fetchone()[0]:
                continue  # its process still works on it
            try:
                with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                    # It ended, at the latest, with the last batch it committed.
                    run.write({
                        "state": "failed", "date_end": run.write_date,
                        "duration": (run.write_date - run.date_start).total_seconds(),
                        "message": self.env._(
                            "The process running this synchronization stopped before it ended "
                            "(killed by a time limit, a crash or a restart). The next run went "
                            "on from the last batch it had saved."
                        ),
                    })
                dead |= run
            except psycopg2.errors.SerializationFailure:
                _logger.info("Sync run %s was closed by another run meanwhile", run.id)
            finally:
                run._release()
        return dead
