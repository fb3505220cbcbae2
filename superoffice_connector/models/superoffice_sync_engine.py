"""The synchronization of a connection: its settings, buttons and entry points.

This file is the one place where the sync engine extends ``superoffice.connection``: the fields
it configures (import of new records, batch size, webhook state), its buttons (Pull now, Push now,
Register/Unregister webhook, the sync log and conflicts) and the entry points others call (the
crons' ``_cron_pull`` / ``_cron_push``, ``_pull``, ``_push`` and Sync now's ``_sync_link``).

The work itself lives in services, abstract models that hold no data and are called with the
connection, one per seam: ``superoffice.sync.pull`` (webhook events and the change feed into
Odoo), ``superoffice.sync.push`` (dirty links to SuperOffice, and Sync now of one link) and
``superoffice.sync.webhook`` (registration in SuperOffice), all but the last built on
``superoffice.sync.service`` (logged runs, batch commits, the three-way merge of one record and
the per-record error handling). Keeping them off the connection keeps the connection's
namespace to what a caller needs, lets each service be read on its own, and still lets another
addon override one step with ``_inherit = "superoffice.sync.pull"``.

    connection._pull()          # one pull run now; returns the superoffice.sync.run
    connection._push()          # one push run now
    connection._sync_link(link) # Sync now of one link; returns the outcome
"""

import dataclasses
import json
import logging
import time
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from .. import compat
from ..api import exceptions as so_exc

_logger = logging.getLogger(__name__)

ADMIN_GROUP = "superoffice_connector.superoffice_connector_group_admin"
CLIENT_OPTIONS_PARAM = "superoffice_connector.client_options"


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
    sync_run_count = fields.Integer(compute="_compute_sync_run_count")
    sync_cursor_ids = fields.One2many(
        "superoffice.sync.cursor", "connection_id", string="Pull watermarks",
        groups=ADMIN_GROUP,
    )
    # Set by Pull now / Push now: the cron runs the connection at its next turn whether or not
    # it is due (the button only triggers the cron, which runs in the background).
    pull_requested = fields.Boolean(copy=False, readonly=True)
    push_requested = fields.Boolean(copy=False, readonly=True)
    conflict_count = fields.Integer(compute="_compute_conflict_count")
    webhook_state = fields.Selection(
        [("none", "Not registered"), ("registered", "Registered")],
        compute="_compute_webhook_state",
        help="Registered: SuperOffice notifies Odoo of changes within seconds. Not registered: "
        "changes arrive with the scheduled pull only.",
    )

    webhook_refused_count = fields.Integer(
        string="Refused webhook calls", readonly=True, copy=False, groups=ADMIN_GROUP,
        help="Calls to this connection's webhook address refused since it was created (no or "
        "a wrong signature, too large, or too old); the newest are listed under Webhook events. "
        "Counted within a minute.",
    )
    webhook_refused_at = fields.Datetime(
        string="Last refused webhook call", readonly=True, copy=False, groups=ADMIN_GROUP,
    )

    _sync_batch_size_positive = compat.Constraint(
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

    def _compute_sync_run_count(self):
        groups = self.env["superoffice.sync.run"]._read_group(
            [("connection_id", "in", self.ids)], ["connection_id"], ["__count"],
        )
        counts = {connection.id: count for connection, count in groups}
        for connection in self:
            connection.sync_run_count = counts.get(connection.id, 0)

    @api.depends("webhook_id")
    def _compute_webhook_state(self):
        for connection in self:
            connection.webhook_state = "registered" if connection.webhook_id else "none"

    # ------------------------------------------------------------------ actions

    def action_view_sync_runs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "superoffice_connector.superoffice_sync_run_action"
        )
        action["domain"] = [("connection_id", "=", self.id)]
        action["context"] = {"default_connection_id": self.id}
        return action

    def action_view_conflicts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "superoffice_connector.superoffice_conflict_action"
        )
        action["domain"] = [("connection_id", "=", self.id), ("state", "=", "conflict")]
        return action

    def action_pull_now(self):
        """Run the pull cron at once (in the background); it pulls these connections even when
        their last pull is more recent than their sync interval."""
        self.check_access("write")
        self.sudo().write({"pull_requested": True})
        self.env.ref("superoffice_connector.superoffice_cron_pull").sudo()._trigger()
        return self._notification(
            self.env._("Synchronization started"),
            self.env._("Changes are being read from SuperOffice; see the sync log."), "info",
        )

    def action_push_now(self):
        """Run the push cron at once (in the background); it runs a push of these connections
        even when no link is due (the run shows in the sync log)."""
        self.check_access("write")
        self.sudo().write({"push_requested": True})
        self.env.ref("superoffice_connector.superoffice_cron_push").sudo()._trigger()
        return self._notification(
            self.env._("Synchronization started"),
            self.env._("Odoo changes are being sent to SuperOffice; see the sync log."), "info",
        )

    def action_register_webhook(self):
        """Create the webhook in SuperOffice (replacing the one registered before, if any)."""
        self.ensure_one()
        self.check_access("write")
        if not self.sudo().webhook_secret:
            # SuperOffice checks the URL with a signed test call before answering us; that call
            # runs in its own transaction and can only verify a secret that is already saved.
            raise UserError(self.env._(
                "The connection has no webhook secret. Enter one (a long random text) on the "
                "Options tab, save, then register the webhook again."
            ))
        try:
            self.env["superoffice.sync.webhook"]._register_webhook(self.sudo())
        except (so_exc.SuperOfficeError, ValueError) as exc:
            self._raise_user_error(exc)
        return self._notification(
            self.env._("Webhook registered"),
            self.env._("SuperOffice now notifies %(url)s of changes.", url=self._webhook_url()),
            "success",
        )

    def action_unregister_webhook(self):
        """Delete the webhook in SuperOffice; the scheduled pull keeps working without it."""
        self.ensure_one()
        self.check_access("write")
        try:
            self.env["superoffice.sync.webhook"]._unregister_webhook(self.sudo())
        except (so_exc.SuperOfficeError, ValueError) as exc:
            self._raise_user_error(exc)
        return self._notification(
            self.env._("Webhook removed"),
            self.env._("Changes are now read by the scheduled pull only."), "info",
        )

    # ------------------------------------------------------------------ entry points

    @api.model
    def _cron_pull(self):
        """Pull every active connection that is due (cron entry point).

        The pull cron wakes every few minutes; each connection is pulled when its own
        ``sync_interval`` has passed, when webhook events wait, or when its last pull did not
        finish (stopped early on a 429, a time limit or a crash: it resumes at once).

        A pull that runs out of the cron's time budget ends "continuing" and tells the cron
        what is left, so Odoo calls the cron again (and it is triggered for its next job): a
        first import goes on until it is done without waiting for the next wake."""
        connections = self.sudo().search([("active", "=", True)])
        if self._cron_time_spent():
            runs = connections._last_pulls()
        else:
            now = fields.Datetime.now()
            runs = self.env["superoffice.sync.run"]
            for connection in connections:
                if connection.pull_requested:
                    connection.pull_requested = False  # committed with the run's first batch
                    runs |= connection._pull(trigger="manual")
                elif connection._is_pull_due(now):
                    runs |= connection._pull()
        left = sum(max(run.count_remaining, 1) for run in runs if run.state == "continuing")
        if left:  # a later connection's finished run must not hide an earlier one's rest
            compat.commit_progress(self.env, remaining=left)

    @api.model
    def _cron_time_spent(self):
        """True when this cron job has used its time budget already (Odoo keeps calling a cron
        that reports work left, up to 10 times): the job then ends, and the trigger set by the
        run that ran out of time starts the next one at once. Starting another slice here
        could outlive the cron worker's time limit (``limit_time_real_cron``)."""
        end = self.env.context.get("cron_end_time")
        return bool(end) and time.monotonic() >= end

    def _last_pulls(self):
        """The last pull run of each connection of ``self``."""
        Run = self.env["superoffice.sync.run"]
        runs = Run
        for connection in self:
            runs |= Run.search([("connection_id", "=", connection.id), ("kind", "=", "pull")],
                               order="date_start desc, id desc", limit=1)
        return runs

    def _is_pull_due(self, now):
        self.ensure_one()
        pending = self.env["superoffice.sync.event"].search_count(
            [("connection_id", "=", self.id), ("state", "=", "pending")], limit=1
        )
        if pending:
            return True
        last = self.env["superoffice.sync.run"].search(
            [("connection_id", "=", self.id), ("kind", "=", "pull")],
            order="date_start desc, id desc", limit=1,
        )
        if not last or last.state != "done":
            return True
        # One minute of slack: a cron that wakes a few seconds early must not skip a whole turn.
        return last.date_start <= now - timedelta(minutes=max(self.sync_interval - 1, 0))

    @api.model
    def _cron_push(self):
        """Push the due links of every active connection (cron entry point)."""
        Push = self.env["superoffice.sync.push"]
        for connection in self.sudo().search([("active", "=", True)]):
            if connection.push_requested:
                connection.push_requested = False  # committed with the run's first batch
                connection._push(trigger="manual")
            elif Push._has_due_links(connection):
                connection._push()

    def _pull(self, trigger=None):
        """One pull run of this connection (webhook events, then the change feeds).

        ``trigger`` is logged on the run; by default "webhook" when webhook events wait, else
        "cron". Returns the ``superoffice.sync.run``."""
        return self.env["superoffice.sync.pull"]._run(self, trigger)

    def _push(self, trigger="cron"):
        """One push run of this connection (the due "needs sync" links); returns the run."""
        return self.env["superoffice.sync.push"]._run(self, trigger)

    def _sync_link(self, link):
        """Sync now: synchronize one link at once, both ways (used by the record's button).

        Raises ``UserError`` when another run holds the link or when the sync failed (the
        failure is recorded on the link first, like a background failure). Returns the outcome
        (``updated``, ``pushed``, ``unchanged``, ``conflict``, ``deleted``)."""
        return self.env["superoffice.sync.push"]._sync_one(self, link)

    def _webhook_url(self):
        """The URL SuperOffice posts this connection's events to."""
        self.ensure_one()
        return self.env["superoffice.sync.webhook"]._target_url(self)

    # ------------------------------------------------------------------ client

    def _client_fingerprint(self):
        # A changed client_options (e.g. a lower rate limit) reaches every process: each one
        # sees the new value once Odoo's cache signaling reached it (its next request or cron
        # call) and builds a new client.
        return [*super()._client_fingerprint(), self._client_options_raw()]

    def _client_options_raw(self):
        return self.env["ir.config_parameter"].sudo().get_param(CLIENT_OPTIONS_PARAM) or ""

    def _client_config(self):
        """The stored configuration, with the optional overrides of the system parameter
        ``superoffice_connector.client_options`` (a JSON object of ClientConfig fields such as
        ``{"read_timeout": 10, "max_retries": 2}``, for slow networks or tests)."""
        config = super()._client_config()
        raw = self._client_options_raw()
        if not raw:
            return config
        try:
            options = json.loads(raw)
            known = {f.name for f in dataclasses.fields(config)}
            return dataclasses.replace(config, **{k: v for k, v in options.items() if k in known})
        except (ValueError, TypeError, AttributeError):
            _logger.warning("Ignoring invalid %s: %r", CLIENT_OPTIONS_PARAM, raw)
            return config
