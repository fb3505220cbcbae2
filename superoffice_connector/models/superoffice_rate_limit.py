"""One request budget per connection, shared by every Odoo process (PostgreSQL).

SuperOffice limits the requests of a tenant, not of one of our processes. With Odoo's prefork
workers (several HTTP workers, cron workers), a limiter in each process's memory lets every
process send the full rate: three processes sent 3 x 10 requests per second. Here the budget
lives in one row per connection (``superoffice.rate.limit``), and every request of every
process reserves its slot there first::

    limiter = SharedRateLimiter(dbname, connection_id, rate=10)
    limiter.acquire()   # sleeps until this request's slot, then the request may go

The budget is counted in windows of ``capacity = floor(rate)`` requests (windows of one second
for a whole rate, aligned to PostgreSQL's clock): a slot is taken in the current window while it
has room, else in the next one, and the caller sleeps until that window starts. So in any
calendar second at most ``rate`` requests leave, whatever the number of processes. A request
whose slot falls in the last ``GUARD`` of a window is given the next one instead, so that the
time between the reservation and its arrival at SuperOffice does not carry it into the next
second on top of a full window.

The reservation is one ``INSERT … ON CONFLICT DO UPDATE`` on a database connection the limiter
keeps for itself (autocommit, read committed: concurrent reservations queue on the row lock for
the length of one statement and never fail; ``synchronous_commit`` off, as losing the last
reservations in a crash of PostgreSQL only costs a fresh window). ``bench/bench_rate_limit.py``
measures its cost.
"""

import logging
import threading
import time

import psycopg2

from odoo import fields, models, sql_db

from .. import compat

_logger = logging.getLogger(__name__)
GUARD = 0.1  # share of a window at its end whose requests are moved to the next window

RESERVE_SQL = """
INSERT INTO superoffice_rate_limit AS b (connection_id, window_start, used)
SELECT %(connection_id)s, floor((t.now + %(guard)s) / %(window)s) * %(window)s, 1
  FROM (SELECT extract(epoch FROM clock_timestamp())::float8 AS now) t
ON CONFLICT (connection_id) DO UPDATE SET
    window_start = CASE
        WHEN b.window_start < EXCLUDED.window_start THEN EXCLUDED.window_start
        WHEN b.used >= %(capacity)s THEN b.window_start + %(window)s
        ELSE b.window_start END,
    used = CASE
        WHEN b.window_start < EXCLUDED.window_start OR b.used >= %(capacity)s THEN 1
        ELSE b.used + 1 END
RETURNING window_start, extract(epoch FROM clock_timestamp())::float8
"""


class SuperofficeRateLimit(models.Model):
    _name = "superoffice.rate.limit"
    _description = "SuperOffice Request Budget"
    _log_access = False

    # A plain id, no foreign key: the budget is written by its own short transactions, which
    # may run before the transaction creating a new connection has committed.
    connection_id = fields.Integer(required=True, readonly=True)
    window_start = fields.Float(readonly=True, help="Start (epoch seconds) of the last window.")
    used = fields.Integer(readonly=True, help="Requests reserved in that window.")

    _connection_uniq = compat.Constraint(
        "UNIQUE(connection_id)", "One request budget per connection."
    )


class OwnConnection:
    """A database connection a process keeps for small shared bookkeeping (autocommit, read
    committed, no wait for the disk), apart from Odoo's transactions. Thread-safe."""

    def __init__(self, dbname):
        self.dbname = dbname
        self._cnx = None
        self._lock = threading.Lock()

    def fetchone(self, sql, params):
        """Run one statement; a connection the server closed is opened again once."""
        with self._lock:
            for attempt in (1, 2):
                try:
                    with self._connection().cursor() as cr:
                        cr.execute(sql, params)
                        return cr.fetchone() if cr.description else None
                except (psycopg2.OperationalError, psycopg2.InterfaceError):
                    self.close()
                    if attempt == 2:
                        raise
        return None  # not reached

    def _connection(self):
        if self._cnx is None or self._cnx.closed:
            _dbname, info = sql_db.connection_info_for(self.dbname)
            self._cnx = psycopg2.connect(**info)
            self._cnx.autocommit = True
            with self._cnx.cursor() as cr:
                cr.execute("SET synchronous_commit TO OFF")
        return self._cnx

    def close(self):
        if self._cnx is not None:
            try:
                self._cnx.close()
            finally:
                self._cnx = None

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 - nothing to do about it at garbage collection
            _logger.debug("Closing a bookkeeping connection failed", exc_info=True)


class SharedRateLimiter:
    """The rate limiter of a client, shared through the database ``dbname`` (see the module).

    Replaces the client's per-process ``RateLimiter`` (same ``acquire()``); rate 0 disables it.
    """

    def __init__(self, dbname, connection_id, rate, sleep=time.sleep, db=None):
        self.connection_id = connection_id
        self.rate = float(rate or 0)
        self.capacity = max(int(self.rate), 1) if self.rate else 0
        self.window = self.capacity / self.rate if self.rate else 0.0
        self._sleep = sleep
        self.db = db or OwnConnection(dbname)

    def acquire(self):
        """Wait for this request's slot; returns the seconds waited.

        A process that wakes up too late for its slot (a busy machine: the window ends before
        its request could leave) takes another one rather than send in the next window on top
        of the requests reserved there."""
        if not self.rate:
            return 0.0
        waited = 0.0
        while True:
            start, now = self.reserve()
            wait = max(start - now, 0.0)
            # PostgreSQL's clock gives the slot; the local monotonic clock measures the wait.
            usable_until = time.monotonic() + start + self.window * (1 - GUARD) - now
            if wait:
                self._sleep(wait)
                waited += wait
            if time.monotonic() < usable_until:
                return waited

    def reserve(self):
        """Reserve one slot: ``(start of its window, now)``, both epoch seconds by
        PostgreSQL's clock."""
        return self.db.fetchone(RESERVE_SQL, {
            "connection_id": self.connection_id, "window": self.window,
            "capacity": self.capacity, "guard": GUARD * self.window,
        })
