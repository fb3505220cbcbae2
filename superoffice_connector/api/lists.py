"""SuperOffice's list values by name: the ids a ``Category``, ``Business``, ``ProjectStatus`` or
``ProjectType`` carrier needs when a value is written.

An entity carries a list value as ``{"Id": 5, "Value": "Competitor"}``; writing it takes the id.
:class:`ListItems` answers ``(list name, value name) -> id`` from ``GET List/{name}/Items``
(matched by name, case-insensitively), cached in the client's shared state (every process of the
connection reads the same copy, see :mod:`.shared`) and read again from SuperOffice, once per
list and instance, when a name is not in the cached copy: a value an administrator added in
SuperOffice since the copy was taken is found, and a value SuperOffice truly lacks costs one
read per instance, not one per record::

    lists = ListItems(client)
    lists("Category", "competitor")   # -> 5, or None when SuperOffice has no such category
"""

import logging

from .exceptions import NotFoundError
from .shared import shared_get, shared_put

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

    def __init__(self, client):
        self.client = client
        self.items = {}  # list name (lower case) -> {name: id}, as this instance knows it
        self.fresh = set()  # lists read from SuperOffice by this instance

    def __call__(self, list_name, name):
        if not name:
            return None
        key = list_name.lower()
        if key not in self.items:
            cached = shared_get(self.client.shared, _shared_name(list_name))
            if cached is not None:
                self.items[key] = dict(cached.get("items") or {})
            else:
                self.refresh(list_name)
        found = _find(self.items[key], name)
        if found is None and key not in self.fresh:
            self.refresh(list_name)
            found = _find(self.items[key], name)
        return found

    def refresh(self, list_name):
        """Read the list from SuperOffice and share it; returns ``{name: id}``. A list
        SuperOffice does not have is empty; any other error is raised (nothing is known)."""
        key = list_name.lower()
        try:
            items = self.client.list_items(list_name)
        except NotFoundError:
            _logger.info("SuperOffice has no list %s", list_name)
            items = {}
        self.items[key] = items
        self.fresh.add(key)
        shared_put(self.client.shared, _shared_name(list_name), {"items": items})
        return items
