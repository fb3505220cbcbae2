"""What the processes serving one connection share: the system user's ticket, the tenant's address.

A client works on its own by default: each process logs in and discovers the tenant once. With
several processes (Odoo's prefork workers) each would log in and discover on its own; a
``SharedState`` given to the client lets them share both instead::

    client = SuperOfficeClient(config, shared=store)   # store: get(name) / put(name, value)

``get(name)`` returns the dict last ``put`` under ``name`` (``"ticket"``, ``"tenant"``) or
``None``; ``put(name, None)`` forgets it. A store that fails must not fail the client: errors
are logged and the client carries on as if nothing were shared.

The same store keeps copies of what SuperOffice lists (its users, the items of its lists) with
the time they were read: :class:`SharedCopy`.
"""

import logging
import threading
import time

from .exceptions import SuperOfficeError

_logger = logging.getLogger(__name__)

# Seconds. A name missing from a shared copy (a user, a list item) makes the copy be read again
# from SuperOffice only when it is older than this: at most one read per copy and interval for
# the connection, whatever the number of records, runs and processes that miss a name. A value
# an administrator adds in SuperOffice is therefore found within this time (the next sync after
# it), not at once.
REREAD_AFTER = 600


class SharedState:
    """Shares nothing (each process on its own): the default."""

    def get(self, name):
        return None

    def put(self, name, value):
        return None


class MemoryState(SharedState):
    """A store in this process's memory (for tests and tools)."""

    def __init__(self):
        self.values = {}
        self._lock = threading.Lock()

    def get(self, name):
        with self._lock:
            value = self.values.get(name)
        return dict(value) if value else None

    def put(self, name, value):
        with self._lock:
            self.values[name] = dict(value) if value else None


def shared_get(store, name):
    try:
        return store.get(name)
    except Exception:  # noqa: BLE001 - sharing is an optimisation, never a failure
        _logger.warning("Reading the shared %s failed; going on alone", name, exc_info=True)
        return None


def shared_put(store, name, value):
    try:
        store.put(name, value)
    except Exception:  # noqa: BLE001 - sharing is an optimisation, never a failure
        _logger.warning("Sharing the %s failed; going on alone", name, exc_info=True)


class SharedCopy:
    """Something read from SuperOffice (``read()``, e.g. the users) that every process of
    ``client``'s connection keeps in its shared state under ``name``, as ``{key: value,
    "read_at": epoch seconds}``::

        copy = SharedCopy(client, "users", "users", client.users)
        copy.value()     # the shared copy; read from SuperOffice only when there is none
        copy.reread()    # a name is missing: True when a newer copy was taken

    :meth:`reread` reads SuperOffice again only when the copy is at least
    :data:`REREAD_AFTER` seconds old (a copy without ``read_at``, kept by an older version,
    is old; so is one stamped more than that ahead of this machine's clock), after looking
    whether another instance or process shared a newer copy meanwhile. With ``fresh`` (a
    person's own action: Sync now, a wizard) it reads again whatever the copy's age, once per
    instance, so that what an administrator just added in SuperOffice is found at once. A
    re-read that fails keeps the copy (a name missing from it stays missing: the caller holds
    its value, the sync goes on) and is not tried again by this instance within the interval.
    The first read, when there is no copy at all, raises its error: nothing is known."""

    def __init__(self, client, name, key, read, fresh=False):
        self.client = client
        self.name = name
        self.key = key
        self.read = read
        self.fresh = fresh
        self.data = None  # as this instance knows it
        self.read_at = 0.0  # when SuperOffice gave it
        self.tried_at = 0.0  # this instance's last read (or attempt) from SuperOffice

    def value(self):
        if self.data is None and not self._take_shared():
            self.refresh()
        return self.data

    def refresh(self):
        """Read from SuperOffice, share it; returns the value. Errors are raised."""
        self.tried_at = time.time()
        data = self.read()
        self.data, self.read_at = data, time.time()
        shared_put(self.client.shared, self.name, {self.key: data, "read_at": self.read_at})
        return data

    def reread(self):
        """The copy lacks a name: take a newer shared copy, or read SuperOffice again when the
        copy is old (see the class). True when the copy changed."""
        now = time.time()
        changed = False
        if self.fresh:
            if self.tried_at:  # read once already for this action
                return False
        else:
            if self._recent(self.read_at, now) or self._recent(self.tried_at, now):
                return False
            changed = self._take_shared(newer_than=self.read_at)
            if changed and self._recent(self.read_at, now):
                return True
        try:
            self.refresh()
        except SuperOfficeError as error:
            _logger.warning("Reading SuperOffice's %s again failed (%s); the copy is kept",
                            self.name, error)
            return changed
        return True

    @staticmethod
    def _recent(stamp, now):
        return abs(now - stamp) < REREAD_AFTER

    def _take_shared(self, newer_than=None):
        cached = shared_get(self.client.shared, self.name)
        if cached is None or cached.get(self.key) is None:
            return False
        read_at = cached.get("read_at")
        read_at = float(read_at) if isinstance(read_at, (int, float)) else 0.0
        if newer_than is not None and read_at <= newer_than:
            return False
        self.data, self.read_at = cached.get(self.key), read_at
        return True
