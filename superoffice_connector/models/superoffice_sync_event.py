"""Webhook deliveries: the primary keys SuperOffice told us about, waiting for the next pull.

The webhook endpoint only verifies and records (a few milliseconds, so SuperOffice never times
out and never retries because of us); the pull cron, triggered at once, reads the records by
primary key. Ignored deliveries are kept with the reason, so an administrator can see why an
edit did not arrive.

Refused deliveries (no or a wrong signature, a body too large, a signed body far from its
time) come from anyone who knows the URL, so they must not grow the database: each process
writes at most one row per connection and minute (:data:`REFUSAL_WINDOW`), carrying how many
calls it stands for, the connection counts them (``webhook_refused_count`` and the time of the
last one), and only the newest :data:`REFUSED_SAMPLE` rows are kept. The log gets one warning
per row written, not one per call.
"""

import hashlib
import logging
import threading
import time
from datetime import datetime, timedelta, timezone

from odoo import api, fields, models

from .. import compat

_logger = logging.getLogger(__name__)

ENTITY_TYPES = {"contact": "company", "person": "person", "project": "project"}
REFUSAL_WINDOW = 60  # seconds: one refused row (and one warning) per connection and process
REFUSED_SAMPLE = 20  # refused rows kept per connection
# A signed delivery whose Timestamp is further than this from now is refused (a replay); the
# same body seen within this window is recorded once (deliveries without an EventId).
TIMESTAMP_TOLERANCE = timedelta(hours=1)
KEEP_SETTLED_DAYS = 30  # pulled and ignored deliveries are removed after this many days


class RefusalTally:
    """Refused calls counted in this process, per (database, connection), between two writes."""

    def __init__(self, window=REFUSAL_WINDOW, clock=time.monotonic):
        self.window = window
        self.clock = clock
        self._lock = threading.Lock()
        self._entries = {}  # key -> [calls not written yet, monotonic time of the last write]

    def add(self, key):
        """Count one refused call; returns how many calls to write now (0: not yet)."""
        now = self.clock()
        with self._lock:
            entry = self._entries.setdefault(key, [0, None])
            entry[0] += 1
            if entry[1] is not None and now - entry[1] < self.window:
                return 0
            calls, entry[0], entry[1] = entry[0], 0, now
            return calls

    def clear(self):
        with self._lock:
            self._entries.clear()


REFUSALS = RefusalTally()


def body_digest(raw_body):
    return hashlib.sha256(raw_body or b"").hexdigest()


class SuperofficeSyncEvent(models.Model):
    _name = "superoffice.sync.event"
    _description = "SuperOffice Webhook Event"
    _order = "id desc"

    connection_id = fields.Many2one(
        "superoffice.connection", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="connection_id.company_id", store=True)
    event_id = fields.Char(string="Event ID", index="btree_not_null")
    event = fields.Char(required=True)
    entity_type = fields.Selection(
        [("company", "Company"), ("person", "Person"), ("project", "Project")]
    )
    so_id = fields.Integer(string="SuperOffice ID")
    changed_by_associate_id = fields.Integer(string="Changed by associate")
    state = fields.Selection(
        [("pending", "Waiting for the pull"), ("done", "Pulled"), ("ignored", "Ignored"),
         ("refused", "Refused")],
        required=True, default="pending", index=True,
    )
    reason = fields.Char()
    calls = fields.Integer(
        default=1, help="Refused calls this row stands for (one row per minute at most)."
    )
    remote_addr = fields.Char(string="From address")
    body_digest = fields.Char(
        index="btree_not_null", help="SHA-256 of the body, to record a repeated delivery once."
    )

    _pending_idx = compat.Index("(connection_id, entity_type, so_id) WHERE state = 'pending'")

    # ------------------------------------------------------------------ refused deliveries

    def _refusal_reason(self, kind, size=0):
        _ = self.env._
        return {
            "no_signature": _("Missing signature"),
            "bad_signature": _("Invalid signature (%(size)s bytes)", size=size),
            "too_large": _("Body too large or of no declared length (the limit is %(size)s bytes)",
                           size=size),
            "stale": _("Signed, but its timestamp is too far from now (a replay?)"),
        }[kind]

    def _record_refused(self, connection, kind, size=0, remote_addr=None):
        """Count a refused delivery (nothing of its body is trusted or kept).

        Writes a row (with the number of calls it stands for), the connection's counters and
        a warning at most once per :data:`REFUSAL_WINDOW` per connection and process; returns
        the row, or an empty recordset when the call was only counted in memory."""
        calls = REFUSALS.add((self.env.cr.dbname, connection.id))
        if not calls:
            return self.browse()
        reason = self._refusal_reason(kind, size)
        connection = connection.sudo()
        connection.write({
            "webhook_refused_count": connection.webhook_refused_count + calls,
            "webhook_refused_at": fields.Datetime.now(),
        })
        record = self.sudo().create({
            "connection_id": connection.id, "event": "?", "state": "refused",
            "reason": reason, "calls": calls, "remote_addr": remote_addr or False,
        })
        stale = self.sudo().search(
            [("connection_id", "=", connection.id), ("state", "=", "refused")],
            order="id desc", offset=REFUSED_SAMPLE,
        )
        stale.unlink()
        _logger.warning(
            "SuperOffice webhook for connection %s refused: %s, from %s (%s call(s) since the "
            "last report)", connection.id, kind, remote_addr or "?", calls,
        )
        return record

    @api.model
    def _timestamp_ok(self, event, now=None):
        """False when the delivery carries a Timestamp further from now than the tolerance."""
        if event.timestamp is None:
            return True
        now = now or datetime.now(timezone.utc)
        return abs(now - event.timestamp) <= TIMESTAMP_TOLERANCE

    # ------------------------------------------------------------------ recording deliveries

    def _is_repeated(self, connection, event, digest):
        """A delivery seen before: same EventId (SuperOffice retries when our answer got lost),
        or the same body within the tolerance window (a delivery without an EventId)."""
        if event.event_id and self.search_count(
            [("connection_id", "=", connection.id), ("event_id", "=", event.event_id)], limit=1
        ):
            return True
        since = fields.Datetime.now() - TIMESTAMP_TOLERANCE
        return bool(digest) and bool(self.search_count([
            ("connection_id", "=", connection.id), ("body_digest", "=", digest),
            ("create_date", ">=", since),
        ], limit=1))

    def _record_delivery(self, connection, event, hook_test=False, digest=None):
        """Record a verified delivery and trigger the pull when it names a record to read.

        Ignored: SuperOffice's ``test`` event, entities we do not sync, and the echoes of our own
        writes (``ChangedByAssociateId`` is the connection's associate). A repeated delivery
        (see :meth:`_is_repeated`) is not recorded twice.
        """
        if self._is_repeated(connection, event, digest):
            return self.browse()
        values = {
            "connection_id": connection.id,
            "event_id": event.event_id or False,
            "event": event.event or "?",
            "entity_type": ENTITY_TYPES.get(event.entity, False),
            "so_id": event.primary_key or 0,
            "changed_by_associate_id": event.changed_by_associate_id or 0,
            "body_digest": digest or False,
        }
        own = connection.superoffice_associate_id
        if event.is_test or hook_test:
            values.update(state="ignored", reason=self.env._("Test event"))
        elif not values["entity_type"] or not values["so_id"]:
            values.update(state="ignored", reason=self.env._("Not a synchronized record"))
        elif own and event.changed_by_associate_id == own:
            values.update(state="ignored", reason=self.env._("Our own change (echo)"))
        record = self.create(values)
        if record.state == "pending":
            self.env.ref("superoffice_connector.superoffice_cron_pull")._trigger()
        return record

    @api.autovacuum
    def _gc_settled(self):
        """Pulled and ignored deliveries older than :data:`KEEP_SETTLED_DAYS` days go."""
        limit = fields.Datetime.now() - timedelta(days=KEEP_SETTLED_DAYS)
        self.sudo().search(
            [("state", "in", ("done", "ignored")), ("create_date", "<", limit)]
        ).unlink()
