"""Sorted secondary indexes: `(key, id)` pairs kept in order, searched with bisect.

They make the two hot archive queries cheap on large data: `name begins 'X'` (a prefix range
of lower-cased names) and `updatedDate afterTime '...'` (a range of ISO strings, which sort
chronologically because they all have the same fixed format).
"""

import sys
from bisect import bisect_left, bisect_right, insort

_MAX = sys.maxsize


class SortedIndex:
    def __init__(self, keyfunc):
        self.keyfunc = keyfunc
        self.items = []

    def build(self, records):
        key = self.keyfunc
        self.items = sorted((key(r), r["id"]) for r in records)

    def add(self, rec):
        insort(self.items, (self.keyfunc(rec), rec["id"]))

    def remove(self, rec):
        entry = (self.keyfunc(rec), rec["id"])
        i = bisect_left(self.items, entry)
        if i < len(self.items) and self.items[i] == entry:
            del self.items[i]

    def prefix_bounds(self, text):
        """Positions [lo, hi) of keys starting with `text` (keys are lower-cased)."""
        if not text:
            return 0, len(self.items)
        upper = text[:-1] + chr(ord(text[-1]) + 1)
        lo = bisect_left(self.items, (text,))
        return lo, bisect_left(self.items, (upper,), lo)

    def range_bounds(self, low=None, high=None, low_inclusive=True, high_inclusive=True):
        """Positions [lo, hi) of keys with low <(=) key <(=) high."""
        items = self.items
        if low is None:
            lo = 0
        elif low_inclusive:
            lo = bisect_left(items, (low,))
        else:
            lo = bisect_right(items, (low, _MAX))
        if high is None:
            hi = len(items)
        elif high_inclusive:
            hi = bisect_right(items, (high, _MAX), lo)
        else:
            hi = bisect_left(items, (high,), lo)
        return lo, max(lo, hi)

    def ids(self, bounds):
        lo, hi = bounds
        return [i for _, i in self.items[lo:hi]]

    def prefix(self, text):
        return self.ids(self.prefix_bounds(text))

    def range(self, low=None, high=None, low_inclusive=True, high_inclusive=True):
        return self.ids(self.range_bounds(low, high, low_inclusive, high_inclusive))
