"""Fault injection, switchable at runtime: slow, failing, broken or hanging answers.

Each fault targets requests whose path (with query string) matches a regex, optionally only one
HTTP method, and fires `count` times (then removes itself) or forever, always or with a
probability `rate` drawn from a seeded generator (repeatable runs).
"""

import random
import re
import threading

KINDS = ("latency", "status", "reset", "hang", "truncate", "malformed", "expire_tokens",
         "move_tenant")
DEFAULT_PATH = r"/api/v1/"


class Fault:
    def __init__(self, kind, path=DEFAULT_PATH, method=None, count=None, rate=None,
                 status=503, retry_after=None, seconds=None, body=None):
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; use one of {', '.join(KINDS)}")
        self.kind = kind
        self.path = path or DEFAULT_PATH
        self.pattern = re.compile(self.path, re.IGNORECASE)
        self.method = method.upper() if method else None
        self.count = count
        self.rate = rate
        self.status = status
        self.retry_after = retry_after
        self.seconds = seconds if seconds is not None else (30.0 if kind == "hang" else 1.0)
        self.body = body
        self.hits = 0

    def __repr__(self):
        return f"Fault({self.kind!r}, path={self.path!r}, count={self.count}, hits={self.hits})"


class Faults:
    """The active faults of one server. Thread-safe."""

    def __init__(self, seed=1):
        self.lock = threading.Lock()
        self.items = []
        self.cleared = threading.Event()  # wakes hanging requests early
        self.rng = random.Random(seed)
        self.seed = seed

    def add(self, kind, **kwargs):
        """Add a fault; see `Fault` for arguments. Returns it (`.hits` counts firings)."""
        fault = Fault(kind, **kwargs)
        with self.lock:
            self.items.append(fault)
            self.cleared.clear()
        return fault

    def status(self, status=503, **kwargs):
        return self.add("status", status=status, **kwargs)

    def latency(self, seconds=1.0, **kwargs):
        return self.add("latency", seconds=seconds, **kwargs)

    def reset(self, **kwargs):
        return self.add("reset", **kwargs)

    def hang(self, seconds=30.0, **kwargs):
        return self.add("hang", seconds=seconds, **kwargs)

    def truncate(self, **kwargs):
        return self.add("truncate", **kwargs)

    def malformed(self, **kwargs):
        return self.add("malformed", **kwargs)

    def remove(self, fault):
        with self.lock:
            if fault in self.items:
                self.items.remove(fault)

    def clear(self):
        with self.lock:
            self.items = []
            self.rng = random.Random(self.seed)
        self.cleared.set()

    def match(self, method, path):
        """Faults firing for this request (consumes counts): latency ones first."""
        fired = []
        with self.lock:
            for fault in list(self.items):
                if fault.method and fault.method != method:
                    continue
                if not fault.pattern.search(path):
                    continue
                if fault.rate is not None and self.rng.random() >= fault.rate:
                    continue
                fault.hits += 1
                if fault.count is not None:
                    fault.count -= 1
                    if fault.count <= 0:
                        self.items.remove(fault)
                fired.append(fault)
        fired.sort(key=lambda f: f.kind != "latency")
        return fired


def truncated(body):
    """The first half of a body: a JSON document cut in the middle."""
    return body[: max(1, len(body) // 2)]


MALFORMED = b'{"odata.metadata": "x", "value": [{"PrimaryKey": "1", <html>Server Error</html>'
