"""The SuperOffice WebAPI client.

    from superoffice_connector.api import ClientConfig, SuperOfficeClient, SystemUserAuth
    client = SuperOfficeClient(ClientConfig("online", "Cust12345", SystemUserAuth(...)))
    company = client.contacts.get(42)
    for batch in client.changes("person", since=last_run):
        ...

Every public call runs under one time budget (``operation_budget``) covering discovery,
authentication, rate-limit waits and retries. Two recoveries happen transparently, each at most
once per call: a 421 (tenant moved) rediscovers the API host and repeats the request, and a
refused credential (401, or 401/403 with OAuth) renews the ticket / access token and repeats it.
"""

import logging
from datetime import datetime, timedelta, timezone

from .discovery import TenantDiscovery
from .entities import ArchiveRow
from .exceptions import (
    AuthenticationError,
    ForbiddenError,
    MalformedResponseError,
    MisdirectedError,
)
from .query import F, Filter, Query, all_of, any_of, criterion
from .services import META, EntityService, ProjectService
from .shared import SharedState
from .transport import Deadline, Transport, json_body

_logger = logging.getLogger(__name__)

QUICK_SEARCH_COLUMNS = {
    "contact": ("name", "department", "orgnr", "email/emailAddress",
                "contactPhone/formattedNumber"),
    "person": ("fullName", "email/emailAddress", "personDirectPhone/formattedNumber",
               "personMobilePhone/formattedNumber"),
    "project": ("name", "number"),
}


class SuperOfficeClient:
    def __init__(self, config, shared=None):
        self.config = config
        self.shared = shared or SharedState()  # ticket and tenant address of other processes
        self.transport = Transport(config, secrets=self._secrets)
        self._auth = config.auth.authenticator(self)
        self.discovery = TenantDiscovery(self)
        self.contacts = EntityService(self, "contact")
        self.persons = EntityService(self, "person")
        self.projects = ProjectService(self, "project")

    def _secrets(self):
        auth = getattr(self, "_auth", None)
        return auth.secrets() if auth is not None else ()

    def close(self):
        self.transport.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def request_count(self):
        """HTTP requests sent so far, retries, discovery and authentication included."""
        return self.transport.request_count

    def service(self, kind):
        return {"contact": self.contacts, "person": self.persons, "project": self.projects}[kind]

    # ------------------------------------------------------------------ core
    def request(self, method, path, *, headers=None, json=None, data=None, idempotent=None,
                deadline=None):
        """Send ``method`` to ``{api_base}{path}`` (path relative to ``…/api/v1/``)."""
        deadline = deadline or Deadline(self.config.operation_budget)
        rediscovered = renewed = False
        while True:
            url = self.discovery.api_base(deadline) + path.lstrip("/")
            request_headers = self._auth.headers(deadline)
            request_headers.update(headers or {})
            try:
                response = self.transport.send(
                    method, url, headers=request_headers, json=json, data=data,
                    idempotent=idempotent, deadline=deadline,
                )
            except MisdirectedError:
                if rediscovered or self.config.is_onsite:
                    raise
                _logger.info("Tenant %s moved; rediscovering its API host", self.config.tenant)
                self.discovery.invalidate()
                rediscovered = True
                continue
            except (AuthenticationError, ForbiddenError) as exc:
                if renewed or not self._auth.retry_after_rejection(exc.status):
                    raise
                renewed = True
                continue
            self._auth.mark_used()
            return response

    def get_json(self, path, deadline=None):
        return json_body(self.request("GET", path, deadline=deadline), "GET", path)

    def current_principal(self):
        """``GET User/currentPrincipal``: who we are logged in as (for "Test connection")."""
        data = self.get_json("User/currentPrincipal")
        if not isinstance(data, dict):
            raise MalformedResponseError("currentPrincipal did not return an object.")
        return data

    # ------------------------------------------------------------------ lists
    def list_items(self, list_name):
        """``GET List/{list_name}/Items``: the items of a list (``Category``, ``Business``,
        ``ProjectStatus``, ``ProjectType``, ...) as ``{name: id}``, deleted items left out.

        SuperOffice's list carriers on an entity hold the item's ``Id`` and its ``Value``; the
        list itself names it ``Name``."""
        data = self.get_json(f"List/{list_name}/Items")
        if not isinstance(data, list):
            raise MalformedResponseError(f"The {list_name} list is not a JSON array.")
        items = {}
        for item in data:
            if not isinstance(item, dict) or item.get("Deleted"):
                continue
            name, item_id = item.get("Name"), item.get("Id")
            if isinstance(name, str) and name.strip() and isinstance(item_id, int) and item_id:
                items.setdefault(name.strip(), item_id)
        return items

    # ------------------------------------------------------------------ users
    USER_COLUMNS = ("associateDbId", "fullName", "personEmail", "isActive")

    def users(self, page_size=500):
        """``GET User`` (SuperOffice's "AllUsers" archive, ``$mode=Full``): every user, retired
        ones too, as ``{"id": associate id, "full_name", "email", "active"}`` dicts.

        Full mode gives each column's ``RawValue``: the associate id of ``associateDbId`` (the
        slim value is a display string), ``personEmail`` the e-mail address of the user's
        person (``""`` when it has none), ``isActive`` false for a retired user. Paged with
        ``$top``/``$skip`` until a short page."""
        select = ",".join(self.USER_COLUMNS)
        users, skip = [], 0
        while True:
            data = self.get_json(f"User?$select={select}&$mode=Full&$top={page_size}&$skip={skip}")
            rows = data.get("value") if isinstance(data, dict) else None
            if not isinstance(rows, list):
                raise MalformedResponseError("The User list answer has no 'value' rows.")
            users.extend(filter(None, map(_user_of_row, rows)))
            if len(rows) < page_size:
                return users
            skip += page_size

    # ------------------------------------------------------------------ webhooks
    def list_webhooks(self):
        """``GET Webhook``: the registered webhooks (with their ``State``)."""
        data = self.get_json("Webhook")
        if not isinstance(data, list):
            raise MalformedResponseError("The webhook list is not a JSON array.")
        return data

    def register_webhook(self, name, events, target_url, secret, errors_email=""):
        """``GET Webhook/default`` then ``POST Webhook``; SuperOffice test-POSTs ``target_url``
        first and refuses the registration unless it answers 200. Returns the saved webhook."""
        body = self.get_json("Webhook/default") or {}
        body.update({"Name": name, "Events": list(events), "TargetUrl": target_url,
                     "Secret": secret, "State": "Active", "Type": "webhook",
                     "ErrorsEmail": errors_email})
        response = self.request("POST", "Webhook", json=body, idempotent=False)
        return json_body(response, "POST", "Webhook")

    def delete_webhook(self, webhook_id):
        self.request("DELETE", f"Webhook/{int(webhook_id)}")

    # ------------------------------------------------------------------ search
    def search(self, kind_or_provider, query, deadline=None):
        """One OData request; ``kind`` is ``contact``/``person``/``project`` or ``Archive/X``."""
        meta = META.get(kind_or_provider)
        resource = meta.path if meta else kind_or_provider
        qs = query.to_query_string()
        path = f"{resource}?{qs}" if qs else resource
        data = self.get_json(path, deadline)
        rows = data.get("value") if isinstance(data, dict) else None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise MalformedResponseError(f"The {resource} list answer has no 'value' rows.")
        return [ArchiveRow(r) for r in rows]

    def iter_rows(self, kind, filter=None, select=(), page_size=None):
        """All rows matching ``filter``, ordered by primary key, fetched in pages.

        ``$top``/``$skip`` paging (SuperOffice has no cursor) that stops at the first page shorter
        than ``page_size``: ``ceil((N + 1) / page_size)`` requests for ``N`` rows. A row already
        seen (the list shifted under us) is not yielded twice.
        """
        meta = META[kind]
        size = page_size or self.config.page_size
        base = Query(select=select).order_by(meta.primary_key).top(size)
        if filter is not None:
            base = base.filter(filter)
        seen = set()
        skip = 0
        while True:
            rows = self.search(kind, base.skip(skip))
            for row in rows:
                key = row.id or id(row)
                if key not in seen:
                    seen.add(key)
                    yield row
            if len(rows) < size:
                return
            skip += size

    def quick_search(self, kind, text, *, limit=50, select=()):
        """Text search for the Connect wizard: one request.

        ``text`` is matched with ``contains`` against each column of ``QUICK_SEARCH_COLUMNS``
        (company: name, department, org. number, e-mail, phone) and the criteria are combined
        with ``or``: a row is returned when *any* column contains the text. Blank text lists
        all rows. Results are ordered by primary key, at most ``limit`` rows.
        """
        text = (text or "").strip()
        expression = None
        if text:
            expression = any_of(*(F(c).contains(text) for c in QUICK_SEARCH_COLUMNS[kind]))
        query = Query(select=select).order_by(META[kind].primary_key).top(limit)
        if expression is not None:
            query = query.filter(expression)
        return self.search(kind, query)

    def advanced_search(self, kind, criteria, *, limit=100, select=()):
        """Rows matching *all* criteria (combined with ``and``), one request.

        ``criteria``: ``Filter`` objects or ``(column, operator, value)`` tuples, e.g.
        ``[("name", "begins", "Super"), ("orgnr", "eq", "123"), ("category", "oneOf", [3, 4])]``.
        """
        filters = [c if isinstance(c, Filter) else criterion(*c) for c in criteria]
        query = Query(select=select).order_by(META[kind].primary_key).top(limit)
        expression = all_of(*filters)
        if expression is not None:
            query = query.filter(expression)
        return self.search(kind, query)

    # ------------------------------------------------------------------ change feed
    def changes(self, kind, since, *, overlap=None, select=(), batch_size=None):
        """Records of ``kind`` updated after ``since - overlap``, as batches of archive rows.

        Uses ``{updatedDate|personUpdatedDate} afterTime '<since - overlap>'`` ordered by primary
        key, ``$top=batch_size`` (default ``page_size``, 1000). Cost: ``floor(N / batch) + 1`` list
        requests for ``N`` changed records, i.e. about **1 request per 1,000 records** plus one
        terminating request; the rows carry the ``select``-ed columns, so no per-record GET is
        needed unless the caller wants full entities (then add one GET per record).
        ``since=None`` means everything. Records changed during the run may be seen again on the
        next run (because of the overlap); callers skip echoes by comparing values.
        The returned :class:`ChangeFeed` records ``started_at``, the watermark for the next run.
        """
        return ChangeFeed(self, kind, since, self.config.change_overlap if overlap is None
                          else overlap, select, batch_size or self.config.page_size)


class ChangeFeed:
    def __init__(self, client, kind, since, overlap, select, batch_size):
        self.client = client
        self.kind = kind
        self.started_at = datetime.now(timezone.utc).replace(microsecond=0)
        if not isinstance(overlap, timedelta):
            overlap = timedelta(seconds=overlap)
        self.after = None
        if since is not None:
            if since.tzinfo is None:
                since = since.replace(tzinfo=timezone.utc)
            self.after = since - overlap
        self.select = tuple(select)
        if self.select:
            meta = META[kind]
            for column in (meta.primary_key, meta.updated_column):
                if column not in self.select:
                    self.select += (column,)
        self.batch_size = batch_size
        self.requests = 0

    @property
    def filter(self):
        if self.after is None:
            return None
        return F(META[self.kind].updated_column).after_time(self.after)

    def __iter__(self):
        batch = []
        before = self.client.request_count
        for row in self.client.iter_rows(self.kind, self.filter, self.select, self.batch_size):
            batch.append(row)
            if len(batch) >= self.batch_size:
                self.requests = self.client.request_count - before
                yield batch
                batch = []
        self.requests = self.client.request_count - before
        if batch:
            yield batch


def _raw(row, column):
    cell = (row.get("Column") or {}).get(column)
    return cell.get("RawValue") if isinstance(cell, dict) else None


def _user_of_row(row):
    """One row of the User list as :meth:`SuperOfficeClient.users` gives it, or None for a row
    without an associate id (nothing can be matched with it)."""
    if not isinstance(row, dict):
        raise MalformedResponseError("A User list row is not an object.")
    try:
        associate_id = int(_raw(row, "associateDbId") or 0)
    except (TypeError, ValueError):
        associate_id = 0
    if associate_id <= 0:
        return None
    active = _raw(row, "isActive")
    if isinstance(active, str):
        active = active.strip().lower() in ("true", "1")
    return {"id": associate_id, "full_name": str(_raw(row, "fullName") or "").strip(),
            "email": str(_raw(row, "personEmail") or "").strip(), "active": bool(active)}
