"""SuperOffice's list values by name: the ids a ``Category``, ``Business``, ``ProjectStatus`` or
``ProjectType`` carrier needs when a value is written.

An entity carries a list value as ``{"Id": 5, "Value": "Competitor"}``; writing it takes the id.
:class:`ListItems` answers ``(list name, value name) -> id`` from ``GET List/{name}/Items``
(matched by name, case-insensitively), cached in the client's shared state with the time it was
read (every process of the connection reads the same copy, see :mod:`.shared`) and read again
from SuperOffice when a name is not in the cached copy, only when that copy is older than
:data:`.shared.REREAD_AFTER` (ten minutes; see :class:`.shared.SharedCopy`): a value an
administrator added in SuperOffice is found by the first sync after that, and a value
SuperOffice truly lacks costs at most one read of its list per interval and connection, however
many records, runs and processes ask for it; a person's own action (``fresh``: Sync now, a
wizard) reads it again at once, once per lookup::

    lists = ListItems(client)
    lists("Category", "competitor")   # -> 5, or None when SuperOffice has no such category
"""

import logging

from .exceptions import NotFoundError
from .shared import SharedCopy

_logger = logging.getLogger(__name__)


def _shared_name(list_name):
    return f"list:{list_name.lower()}"


def _find(items, name):
    if name in items:
        return items[name]
    folded = name.strip().casefold()
    return next((item_id for key, item_id in items.items() if key.casefold() == folded), None)


class ListItems:
    """``callable(list_name, name) -> id or None`` over ``client``'s lists (see the module)."""

    def __init__(self, client, fresh=False):
        self.client = client
        self.fresh = fresh  # a person's own action: read again once on a miss (SharedCopy)
        self.copies = {}  # list name (lower case) -> SharedCopy of its {name: id}

    def __call__(self, list_name, name):
        if not name:
            return None
        copy = self._copy(list_name)
        found = _find(copy.value(), name)
        if found is None and copy.reread():
            found = _find(copy.value(), name)
        return found

    def _copy(self, list_name):
        key = list_name.lower()
        if key not in self.copies:
            self.copies[key] = SharedCopy(self.client, _shared_name(list_name), "items",
                                          lambda: self._read(list_name), fresh=self.fresh)
        return self.copies[key]

    def _read(self, list_name):
        """A list SuperOffice does not have is empty; any other error is raised (nothing is
        known)."""
        try:
            return self.client.list_items(list_name)
        except NotFoundError:
            _logger.info("SuperOffice has no list %s", list_name)
            return {}
