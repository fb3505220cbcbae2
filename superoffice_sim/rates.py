"""Requests received per second, per connection: what SuperOffice's rate limit would see.

Every request the simulator answers (logins, tenant state and API calls alike) is counted in
the calendar second it arrived, under the tenant it addresses (one tenant, one connection). A
test or the demo reads the peak afterwards::

    sim.rates.peak()          # the most requests seen in one second
    sim.rates.per_second()    # {epoch second: requests}

``GET /_sim/rates`` answers the same as JSON.
"""

import threading
import time
from collections import Counter


class RequestRates:
    """Thread-safe counters of requests per (key, calendar second)."""

    def __init__(self, clock=time.time):
        self.clock = clock
        self._counts = Counter()
        self._lock = threading.Lock()

    def record(self, key):
        second = int(self.clock())
        with self._lock:
            self._counts[(key, second)] += 1

    def per_second(self, key=None):
        """{second: requests} of ``key`` (default: every key together)."""
        result = Counter()
        with self._lock:
            for (k, second), count in self._counts.items():
                if key is None or k == key:
                    result[second] += count
        return dict(sorted(result.items()))

    def peak(self, key=None):
        """The most requests of ``key`` received within one calendar second (0 if none)."""
        return max(self.per_second(key).values(), default=0)

    def total(self, key=None):
        return sum(self.per_second(key).values())

    def clear(self):
        with self._lock:
            self._counts.clear()
