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

The reservation is one ``INSERT … ON CONFLICT DO UPDATE`` in its own short transaction on a
pooled connection (read committed: concurrent reservations queue on the row lock for the length
of one statement, never fail). ``bench/bench_rate_limit.py`` measures its cost.
"""

import logging
import time

from odoo import fields, models, sql_db

_logger = logging.getLogger(__name__)
GUARD = 0.05  # share of a window at its end whose requests are moved to the next window

RESERVE_SQL = """
SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
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

    _connection_uniq = models.Constraint(
        "UNIQUE(connection_id)", "One request budget per connection."
    )


class SharedRateLimiter:
    """The rate limiter of a client, shared through the database ``dbname`` (see the module).

    Replaces the client's per-process ``RateLimiter`` (same ``acquire()``); rate 0 disables it.
    """

    def __init__(self, dbname, connection_id, rate, sleep=time.sleep):
        self.dbname = dbname
        self.connection_id = connection_id
        self.rate = float(rate or 0)
        self.capacity = max(int(self.rate), 1) if self.rate else 0
        self.window = self.capacity / self.rate if self.rate else 0.0
        self._sleep = sleep

    def acquire(self):
        """Wait for this request's slot; returns the seconds waited."""
        if not self.rate:
            return 0.0
        start, now = self.reserve()
        wait = start - now
        if wait > 0:
            self._sleep(wait)
            return wait
        return 0.0

    def reserve(self):
        """Reserve one slot: ``(start of its window, now)``, both epoch seconds by
        PostgreSQL's clock."""
        params = {
            "connection_id": self.connection_id, "window": self.window,
            "capacity": self.capacity, "guard": GUARD * self.window,
        }
        with sql_db.db_connect(self.dbname).cursor() as cr:
            cr.execute(RESERVE_SQL, params)
            return cr.fetchone()
