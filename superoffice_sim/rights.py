"""Sentry rights tests can narrow: a table-right mask per entity and read-only fields.

Masks use the documented table-right flag names (`Select`, `Update`, `Insert`, `Delete`,
`Filtering`, `RestrictedUpdate`; `FULL` is all of them). Entities show the narrowed `TableRight`
and `FieldRight`s, and a write the rights do not allow answers 403 naming the table or field,
as SuperOffice does for a role without the right.

    sim.rights.set_table("contact", "Select")        # contacts become read-only
    sim.rights.set_readonly("contact", "OrgNr")      # one field becomes read-only
"""

import threading

from .errors import HttpError

FLAGS = ("Select", "Update", "Insert", "Delete", "Filtering", "RestrictedUpdate")
FULL = "FULL"
NEEDED = {"POST": "Insert", "PUT": "Update", "PATCH": "Update", "DELETE": "Delete"}
READ_ONLY_FIELD = {"Mask": "Read", "Reason": "[SR_READONLY_FIELD]"}


def _flags(mask):
    if mask.strip().upper() == FULL:
        return set(FLAGS)
    flags = {part.strip() for part in mask.split(",") if part.strip()}
    unknown = flags - set(FLAGS)
    if unknown:
        raise ValueError(f"unknown table-right flags {sorted(unknown)}; use {FULL} or {FLAGS}")
    return flags


class Rights:
    """Thread-safe; `clear()` gives every table FULL rights and no read-only fields."""

    def __init__(self):
        self.lock = threading.Lock()
        self.clear()

    def clear(self):
        with self.lock:
            self.tables, self.readonly = {}, {}

    def set_table(self, kind, mask=FULL):
        _flags(mask)
        with self.lock:
            self.tables[kind] = mask

    def set_readonly(self, kind, *fields):
        """Make entity properties (JSON names, e.g. `OrgNr`) read-only; none: all writable."""
        with self.lock:
            self.readonly[kind] = frozenset(fields)

    def table_mask(self, kind):
        with self.lock:
            return self.tables.get(kind, FULL)

    def readonly_fields(self, kind):
        with self.lock:
            return self.readonly.get(kind, frozenset())

    def check_table(self, kind, method, name):
        need = NEEDED.get(method)
        if need and need not in _flags(self.table_mask(kind)):
            raise HttpError(403, f"No {need} right on {name} (TableRight "
                                 f"{self.table_mask(kind)})", ErrorType="NoAccess")

    def check_fields(self, kind, before, after, name):
        """403 when a read-only property differs between two renderings of the entity."""
        for field in sorted(self.readonly_fields(kind)):
            if before.get(field) != after.get(field):
                raise HttpError(403, f"{name}.{field} is read-only for this user",
                                ErrorType="NoAccess", FieldName=field)
