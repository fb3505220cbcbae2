"""What the processes serving one connection share: the system user's ticket, the tenant's address.

A client works on its own by default: each process logs in and discovers the tenant once. With
several processes (Odoo's prefork workers) each would log in and discover on its own; a
``SharedState`` given to the client lets them share both instead::

    client = SuperOfficeClient(config, shared=store)   # store: get(name) / put(name, value)

``get(name)`` returns the dict last ``put`` under ``name`` (``"ticket"``, ``"tenant"``) or
``None``; ``put(name, None)`` forgets it. A store that fails must not fail the client: errors
are logged and the client carries on as if nothing were shared.
"""

import logging
import threading

_logger = logging.getLogger(__name__)


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
