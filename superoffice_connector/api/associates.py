"""SuperOffice's users (associates) and the Odoo users they are: the owner of a company, the
manager of a project.

An entity carries its owner as ``{"AssociateId": 5, "Name": "RJ", "FullName": ...}``; the
``Associate`` carrier has no e-mail address. :class:`Associates` reads every user once from
``GET User`` (SuperOffice's "AllUsers" archive: associate id, full name, the e-mail address of
the user's person, whether the user is active; see :meth:`.client.SuperOfficeClient.users`),
cached in the client's shared state with the time it was read, like the lists (:mod:`.lists`),
and read again when a user is not in the cached copy, only when that copy is older than
:data:`.shared.REREAD_AFTER` (ten minutes; see :class:`.shared.SharedCopy`): a user added in
SuperOffice is found by the first sync after that, and however many records, runs and processes
name a user SuperOffice lacks, ``GET User`` is read at most once per interval and connection.
A person's own action (``fresh``: Sync now, a wizard) reads it again at once, once per lookup.

:class:`OwnerLookup` pairs them with the Odoo users of one company, both ways, by one rule: a
SuperOffice user with an e-mail address is the Odoo user with that address (case-insensitive);
one without is the Odoo user with the same full name. A pair holds only when each side has
exactly one match, so two Odoo users or two SuperOffice users of one name are never guessed
between; a retired SuperOffice user matches nobody::

    owners = OwnerLookup(Associates(client), lambda: [("jane@x.no", "jane@x.no", "Jane Doe")])
    owners.associate_id("jane@x.no")   # -> 12, or None: SuperOffice has no such user
    owners.owner_key(12)               # -> "jane@x.no", or None: no Odoo user of the company

One lookup serves a whole run of one connection (the Odoo users are asked for once per lookup).
"""

import logging

from .exceptions import ForbiddenError, NotFoundError
from .shared import SharedCopy

_logger = logging.getLogger(__name__)

SHARED_NAME = "users"


def _fold(text):
    return " ".join(str(text or "").split()).casefold()


class Associates:
    """Every SuperOffice user of ``client``'s tenant, as ``{"id", "full_name", "email",
    "active"}`` dicts (see the module)."""

    def __init__(self, client, fresh=False):
        self.client = client
        self.copy = SharedCopy(client, SHARED_NAME, "users", self._read, fresh=fresh)

    def all(self):
        return self.copy.value()

    def reread(self):
        """A user is missing: read the users again if the copy is old (see
        :meth:`.shared.SharedCopy.reread`). True when the copy changed."""
        return self.copy.reread()

    def _read(self):
        """A tenant that does not let this connection read its users has none to match (every
        owner is then held); any other error is raised (nothing is known)."""
        try:
            return self.client.users()
        except (NotFoundError, ForbiddenError) as error:
            _logger.warning("SuperOffice's users could not be read (%s); owners are not "
                            "matched", error)
            return []


class OwnerLookup:
    """The two lookups of :class:`..sync.transforms.Lookups` for owners: :meth:`owner_key`
    (AssociateId -> the Odoo user's key) and :meth:`associate_id` (key -> AssociateId).

    ``users`` is a callable giving the Odoo users that may be chosen (those of the record's
    company), each ``(key, e-mail, full name)``: the key is the canonical owner value Odoo
    reads for that user (its e-mail address, else its login, lower case); it is called once,
    the first time a lookup needs the Odoo users."""

    def __init__(self, associates, users):
        self.associates = associates
        self._users_source = users
        self._users = None
        self._index = None

    # ------------------------------------------------------------------ the two lookups
    def associate_id(self, key):
        """The active SuperOffice user that is the Odoo user ``key``, or None."""
        user = self._user_index()["by_key"].get(_fold(key))
        if user is None:
            return None
        found = self._associate_of(user)
        if found is None and self._reread():
            found = self._associate_of(user)
        return found["id"] if found else None

    def owner_key(self, associate_id):
        """The key of the Odoo user that is SuperOffice user ``associate_id``, or None."""
        if not associate_id:
            return None
        index = self._associate_index()
        if associate_id not in index["by_id"] and self._reread():
            index = self._associate_index()
        associate = index["by_id"].get(associate_id)
        if associate is None or not associate["active"]:
            return None
        user = self._user_of(associate)
        return user[0] if user else None

    def full_name(self, associate_id):
        """The full name SuperOffice gives user ``associate_id`` (retired ones too), or None."""
        associate = self._associate_index()["by_id"].get(associate_id)
        return associate["full_name"] or None if associate else None

    # ------------------------------------------------------------------ matching
    def _associate_of(self, user):
        _key, email, name = user
        index = self._associate_index()
        candidates = list(index["by_email"].get(_fold(email), ())) if email else []
        candidates += index["by_name"].get(_fold(name), ()) if name else []
        if len(candidates) != 1:
            return None
        return candidates[0] if self._users_of(candidates[0]) == [user] else None

    def _user_of(self, associate):
        users = self._users_of(associate)
        if len(users) != 1 or self._associate_of(users[0]) is not associate:
            return None
        return users[0]

    def _users_of(self, associate):
        index = self._user_index()
        if associate["email"]:
            return index["by_email"].get(_fold(associate["email"]), [])
        return index["by_name"].get(_fold(associate["full_name"]), []) \
            if associate["full_name"] else []

    # ------------------------------------------------------------------ indexes
    def _reread(self):
        if not self.associates.reread():
            return False
        self._index = None  # built again from the new copy
        return True

    def _associate_index(self):
        if self._index is None:
            by_id, by_email, by_name = {}, {}, {}
            for row in self.associates.all():
                by_id[row["id"]] = row
                if not row["active"]:
                    continue  # a retired user is never written, nor read as anybody
                if row["email"]:
                    by_email.setdefault(_fold(row["email"]), []).append(row)
                elif row["full_name"]:
                    by_name.setdefault(_fold(row["full_name"]), []).append(row)
            self._index = {"by_id": by_id, "by_email": by_email, "by_name": by_name}
        return self._index

    def _user_index(self):
        if self._users is None:
            by_key, by_email, by_name = {}, {}, {}
            for user in self._users_source():
                key, email, name = user
                by_key[_fold(key)] = user
                if email:
                    by_email.setdefault(_fold(email), []).append(user)
                if name:
                    by_name.setdefault(_fold(name), []).append(user)
            self._users = {"by_key": by_key, "by_email": by_email, "by_name": by_name}
        return self._users
