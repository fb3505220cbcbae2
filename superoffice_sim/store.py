"""The tenant's data: records of contacts, persons and projects, indexes, change stamps, events.

All public methods take the store lock (re-entrant), so tests and request threads can call them
concurrently. Records are compact dicts (see `entities.new_record`); the WebAPI JSON is built on
demand by `entities.render`.
"""

import datetime as dt
import json
import pickle
import threading

from . import changes, entities, parse
from .errors import HttpError, NotFound
from .index import SortedIndex
from .refdata import EMPTY_DATE, USER_ASSOCIATE_ID
from .rights import Rights

KINDS = ("contact", "person", "project")

# archive column -> key function of a sorted index
INDEXED = {
    "contact": {"name": lambda r: r["name"].lower(), "updatedDate": lambda r: r["updated"]},
    "person": {"firstName": lambda r: r["firstname"].lower(),
               "lastName": lambda r: r["lastname"].lower(),
               "personUpdatedDate": lambda r: r["updated"]},
    "project": {"name": lambda r: r["name"].lower(), "updatedDate": lambda r: r["updated"]},
}


def utcnow():
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Store:
    """Thread-safe tenant data. `base` is the API base used in `_Links` of rendered entities."""

    def __init__(self, base=""):
        self.lock = threading.RLock()
        self.base = base
        self.clock = utcnow  # tests may replace it; stamps stay strictly increasing anyway
        self.listeners = []
        self.rights = Rights()  # not part of snapshots: SimServer.reset clears it
        self.tables = {k: {} for k in KINDS}
        self.next_ids = dict.fromkeys(KINDS, 1)
        self.next_member_id = 1
        self.last_stamp = dt.datetime(2000, 1, 1)
        self.indexes = {}
        self.by_contact = {}
        self._rebuild()

    # -- reading -------------------------------------------------------------------------
    def record(self, kind, rec_id):
        """The compact record or None (no copy: treat it as read-only)."""
        return self.tables[kind].get(rec_id)

    def persons_of(self, contact_id):
        table = self.tables["person"]
        return [table[i] for i in self.by_contact.get(contact_id, ())]

    def get(self, kind, rec_id):
        """The entity JSON as `GET /{Entity}/{id}` returns it, or None."""
        with self.lock:
            rec = self.tables[kind].get(rec_id)
            return entities.render(kind, rec, self, self.base) if rec else None

    def count(self, kind):
        return len(self.tables[kind])

    def ids(self, kind):
        with self.lock:
            return list(self.tables[kind])

    def index(self, kind, column):
        return self.indexes.get((kind, column))

    # -- stamping and events ---------------------------------------------------------------
    def stamp(self):
        """Next UpdatedDate: naive UTC at second precision, strictly increasing."""
        with self.lock:
            now = self.clock().replace(microsecond=0)
            if now <= self.last_stamp:
                now = self.last_stamp + dt.timedelta(seconds=1)
            self.last_stamp = now
            return now.strftime("%Y-%m-%dT%H:%M:%S")

    def _emit(self, event, kind, rec, associate_id, cols=(), values=None):
        for listener in list(self.listeners):
            listener(event, kind, rec, associate_id, list(cols), values)

    # -- writing ---------------------------------------------------------------------------
    def default(self, kind):
        rec = entities.new_record(kind)
        if kind == "project":
            rec["number"] = str(10000 + self.next_ids["project"])
        return rec

    def create(self, kind, body, associate_id=USER_ASSOCIATE_ID):
        """Create from an entity JSON body; returns the rendered entity."""
        with self.lock:
            rec = parse.parse(kind, body, self.default(kind), self)
            rec = self.insert(kind, rec, associate_id)
            return entities.render(kind, rec, self, self.base)

    def insert(self, kind, rec, associate_id=USER_ASSOCIATE_ID, stamp=None):
        """Insert a parsed record: assigns the id, stamps and emits `{kind}.created`."""
        with self.lock:
            rec["id"] = self.next_ids[kind]
            self.next_ids[kind] += 1
            stamp = stamp or self.stamp()
            rec["created"] = rec["updated"] = stamp
            rec["created_by"] = rec["updated_by"] = associate_id
            self._number_members(rec)
            self._add(kind, rec)
            self._emit("created", kind, rec, associate_id)
            for member in rec.get("members", ()):
                self._emit("created", "projectmember", {"id": member["id"], "project": rec},
                           associate_id)
            return rec

    def _number_members(self, rec):
        for member in rec.get("members", ()):
            if not member["id"]:
                member["id"] = self.next_member_id
                self.next_member_id += 1

    def replace(self, kind, rec_id, new, associate_id=USER_ASSOCIATE_ID):
        """Store an updated record; stamps and emits only when something changed."""
        with self.lock:
            old = self.tables[kind].get(rec_id)
            if old is None:
                raise NotFound(f"{entities.ENTITY_NAMES[kind]} {rec_id} not found")
            new["id"] = rec_id
            self._number_members(new)
            diff = changes.diff(kind, old, new)
            if not diff.any:
                return old
            new["updated"] = self.stamp()
            new["updated_by"] = associate_id
            self._remove(kind, old, keep_slot=True)
            self._add(kind, new)
            if diff.columns:
                self._emit("changed", kind, new, associate_id, diff.columns)
            for event, member in diff.member_events:
                self._emit(event, "projectmember", {"id": member["id"], "project": new},
                           associate_id)
            return new

    def patch(self, kind, rec_id, body, associate_id=USER_ASSOCIATE_ID):
        """Apply a merge-style entity body (e.g. {"Department": "x"}); returns the entity."""
        with self.lock:
            old = self.tables[kind].get(rec_id)
            if old is None:
                raise NotFound(f"{entities.ENTITY_NAMES[kind]} {rec_id} not found")
            new = self.replace(kind, rec_id, parse.parse(kind, body, old, self), associate_id)
            return entities.render(kind, new, self, self.base)

    def soft_delete(self, kind, rec_id, associate_id=USER_ASSOCIATE_ID):
        """Move to the recycle bin: Deleted=1, deletedDate set, UpdatedDate stamped."""
        with self.lock:
            old = self.tables[kind].get(rec_id)
            if old is None:
                raise NotFound(f"{entities.ENTITY_NAMES[kind]} {rec_id} not found")
            if "deleted" not in old:
                raise HttpError(400, f"{entities.ENTITY_NAMES[kind]} cannot be soft-deleted")
            new = dict(old)
            stamp = self.stamp()
            new.update(deleted=1, deleted_date=stamp, updated=stamp, updated_by=associate_id)
            self._remove(kind, old, keep_slot=True)
            self._add(kind, new)
            self._emit("softdeleted", kind, new, associate_id)

    def delete(self, kind, rec_id, associate_id=USER_ASSOCIATE_ID):
        """Hard delete; a company takes its persons with it, members are unlinked."""
        with self.lock:
            rec = self.tables[kind].get(rec_id)
            if rec is None:
                raise NotFound(f"{entities.ENTITY_NAMES[kind]} {rec_id} not found")
            if kind == "contact":
                for person_id in list(self.by_contact.get(rec_id, ())):
                    self.delete("person", person_id, associate_id)
            if kind in ("contact", "person"):
                self._unlink_members(kind, rec_id)
            self._remove(kind, rec)
            self._emit("deleted", kind, rec, associate_id)

    def _unlink_members(self, kind, rec_id):
        key = "contact_id" if kind == "contact" else "person_id"
        for project in self.tables["project"].values():
            if any(m[key] == rec_id for m in project["members"]):
                project["members"] = [m for m in project["members"] if m[key] != rec_id]

    # -- tables and indexes ----------------------------------------------------------------
    def _add(self, kind, rec):
        # assigning to an existing key keeps its place: dict order stays primary-key order
        self.tables[kind][rec["id"]] = rec
        for column in INDEXED[kind]:
            self.indexes[(kind, column)].add(rec)
        if kind == "person":
            ids = self.by_contact.setdefault(rec["contact_id"], [])
            ids.append(rec["id"])
            ids.sort()

    def _remove(self, kind, rec, keep_slot=False):
        if not keep_slot:
            del self.tables[kind][rec["id"]]
        for column in INDEXED[kind]:
            self.indexes[(kind, column)].remove(rec)
        if kind == "person":
            self.by_contact.get(rec["contact_id"], []).remove(rec["id"])

    def _rebuild(self):
        for kind, columns in INDEXED.items():
            # dict order is primary-key order: archive scans rely on it
            ids = list(self.tables[kind])
            if ids != sorted(ids):
                self.tables[kind] = dict(sorted(self.tables[kind].items()))
            for column, keyfunc in columns.items():
                idx = SortedIndex(keyfunc)
                idx.build(self.tables[kind].values())
                self.indexes[(kind, column)] = idx
        self.by_contact = {}
        for person in self.tables["person"].values():
            self.by_contact.setdefault(person["contact_id"], []).append(person["id"])
        stamps = [self.indexes[(k, c)].items[-1][0] for k, c in
                  (("contact", "updatedDate"), ("person", "personUpdatedDate"),
                   ("project", "updatedDate")) if self.indexes[(k, c)].items]
        stamps = [s for s in stamps if s != EMPTY_DATE]
        if stamps:
            self.last_stamp = max(self.last_stamp, dt.datetime.fromisoformat(max(stamps)))

    def load_records(self, tables, rebuild=True):
        """Replace all data with `{kind: [records]}` (used by the seed and JSON load)."""
        with self.lock:
            self.tables = {k: {r["id"]: r for r in tables.get(k, [])} for k in KINDS}
            self.next_ids = {k: max(self.tables[k], default=0) + 1 for k in KINDS}
            members = [m["id"] for p in self.tables["project"].values() for m in p["members"]]
            self.next_member_id = max(members, default=0) + 1
            self.last_stamp = dt.datetime(2000, 1, 1)
            if rebuild:
                self._rebuild()

    # -- snapshots, dump and load ------------------------------------------------------------
    def snapshot(self):
        with self.lock:
            return pickle.dumps((self.tables, self.next_ids, self.next_member_id,
                                 self.last_stamp), protocol=pickle.HIGHEST_PROTOCOL)

    def restore(self, snap):
        with self.lock:
            tables, self.next_ids, self.next_member_id, last = pickle.loads(snap)
            self.tables = tables
            self._rebuild()
            # keep stamps increasing across resets so afterTime windows never go backwards
            self.last_stamp = max(self.last_stamp, last)

    def dump(self, path):
        with self.lock:
            data = {k: list(self.tables[k].values()) for k in KINDS}
            with open(path, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False)

    def load(self, path):
        with open(path, encoding="utf-8") as fh:
            self.load_records(json.load(fh))
