"""Entity services: ``client.contacts``, ``client.persons``, ``client.projects``."""

import json
import logging

from .entities import ENTITY_CLASSES, NotModified, thaw
from .exceptions import AmbiguousWriteError, MalformedResponseError, SuperOfficeError
from .parsing import format_http_date, parse_http_date
from .query import F, Filter, Query
from .transport import json_body

_logger = logging.getLogger(__name__)
MERGE_PATCH = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"


class EntityMeta:
    def __init__(self, kind, path, id_field, primary_key, updated_column):
        self.kind = kind
        self.path = path  # REST resource, also the OData list endpoint
        self.id_field = id_field
        self.primary_key = primary_key  # archive column to order and page by
        self.updated_column = updated_column  # archive column of the change feed
        self.cls = ENTITY_CLASSES[kind]


META = {
    "contact": EntityMeta("contact", "Contact", "ContactId", "contactId", "updatedDate"),
    "person": EntityMeta("person", "Person", "PersonId", "personId", "personUpdatedDate"),
    "project": EntityMeta("project", "Project", "ProjectId", "projectId", "updatedDate"),
}


def deep_merge(base, values):
    """``values`` merged into a copy of ``base``; nested objects merge, everything else replaces."""
    result = dict(base)
    for key, value in values.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = deep_merge(result[key], value)
        else:
            result[key] = value
    return result


def changed_fields(current, values):
    """The minimal merge patch turning ``current`` into ``current`` merged with ``values``."""
    patch = {}
    for key, value in values.items():
        old = current.get(key) if current is not None else None
        if isinstance(value, dict) and isinstance(old, dict):
            sub = changed_fields(old, value)
            if sub:
                patch[key] = sub
        elif current is None or key not in current or old != value:
            patch[key] = value
    return patch


def _pointer(parts):
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def json_patch_ops(current, patch, prefix=()):
    """JSON Patch for a merge ``patch``: a ``test`` of each current value, then ``replace``."""
    ops = []
    for key, value in patch.items():
        path = (*prefix, key)
        old_exists = current is not None and key in current
        old = current.get(key) if old_exists else None
        if isinstance(value, dict) and isinstance(old, dict):
            ops.extend(json_patch_ops(old, value, path))
            continue
        if old_exists:
            ops.append({"op": "test", "path": _pointer(path), "value": old})
            ops.append({"op": "replace", "path": _pointer(path), "value": value})
        else:
            ops.append({"op": "add", "path": _pointer(path), "value": value})
    return ops


class EntityService:
    """CRUD for one entity type. Every method makes the HTTP requests it documents, no more."""

    def __init__(self, client, kind):
        self.client = client
        self.meta = META[kind]

    def _entity(self, response, method, path):
        data = json_body(response, method, path)
        if not isinstance(data, dict):
            raise MalformedResponseError(f"{method} {path} did not return a {self.meta.kind}.")
        return self.meta.cls(data, parse_http_date(response.headers.get("Last-Modified")))

    def get(self, entity_id, *, if_modified_since=None):
        """``GET {Type}/{id}``; with ``if_modified_since`` a :class:`NotModified` on 304."""
        path = f"{self.meta.path}/{int(entity_id)}"
        headers = {}
        if if_modified_since is not None:
            headers["If-Modified-Since"] = format_http_date(if_modified_since)
        response = self.client.request("GET", path, headers=headers)
        if response.status_code == 304:
            return NotModified(int(entity_id), parse_http_date(
                response.headers.get("Last-Modified")))
        return self._entity(response, "GET", path)

    def default(self):
        """``GET {Type}/default``: a blank entity with the tenant's preference defaults."""
        path = f"{self.meta.path}/default"
        return self._entity(self.client.request("GET", path), "GET", path)

    def create(self, values, *, marker=None):
        """Create a record: ``default()`` merged with ``values``, then one ``POST``.

        A POST is never blindly repeated. If it fails in a way that leaves open whether the server
        stored it (timeout or reset after sending, 502/503/504), the client checks first: with a
        ``marker`` — a ``Filter`` or ``(column, value)`` that only the new record can match, e.g.
        ``("number", "odoo-res.partner-42")`` with ``Number2`` set in ``values`` — it searches the
        archive (one request); a hit
        is fetched and returned, no hit means the POST did not land and it is sent once more.
        Without a marker, :class:`AmbiguousWriteError` is raised and nothing is repeated.
        """
        body = deep_merge(self.default().raw, thaw(values))
        try:
            return self._post(body)
        except SuperOfficeError as exc:
            # a cut or garbled answer to a POST means the record was probably stored
            if not (getattr(exc, "ambiguous", False) or isinstance(exc, MalformedResponseError)):
                raise
            if marker is None:
                raise AmbiguousWriteError(
                    f"Creating the {self.meta.kind} may or may not have succeeded ({exc}); "
                    "check SuperOffice before trying again.",
                    status=exc.status, method="POST", path=self.meta.path,
                )
            existing = self.find_by_marker(marker)
            if existing:
                _logger.info("Create of %s landed despite the error; using id %s",
                             self.meta.kind, existing)
                return self.get(existing)
            return self._post(body)

    def _post(self, body):
        response = self.client.request("POST", self.meta.path, json=body, idempotent=False)
        return self._entity(response, "POST", self.meta.path)

    def find_by_marker(self, marker):
        """Primary key of the single record matching ``marker``, or ``None``."""
        expression = marker if isinstance(marker, Filter) else F(marker[0]).eq(marker[1])
        query = Query().select(self.meta.primary_key).filter(expression).top(2)
        rows = self.client.search(self.meta.kind, query)
        if len(rows) > 1:
            raise AmbiguousWriteError(
                f"The create marker matches several {self.meta.kind} records; "
                "check SuperOffice before trying again.")
        return rows[0].id if rows else None

    def patch(self, entity_id, changes, *, current=None, optimistic=False,
              if_unmodified_since=None):
        """Update only the given fields with ``PATCH {Type}/{id}``.

        Merge patch (RFC 7396) by default; with ``current`` only fields whose value differs are
        sent, and nothing at all is sent when none differs (``current`` is returned).
        ``optimistic=True`` sends a JSON Patch (RFC 6902) instead, with a ``test`` of each changed
        field's value in ``current`` before its ``replace``: if someone changed one of those
        fields meanwhile, SuperOffice answers 409 and :class:`ConflictError` is raised.
        ``if_unmodified_since`` adds that header (412 → :class:`PreconditionFailedError`).
        """
        changes = thaw(changes)
        cur = thaw(current) if current is not None else None
        if cur is not None:
            changes = changed_fields(cur, changes)
            if not changes:
                return current
        path = f"{self.meta.path}/{int(entity_id)}"
        headers = {}
        if if_unmodified_since is not None:
            headers["If-Unmodified-Since"] = format_http_date(if_unmodified_since)
        if optimistic:
            if cur is None:
                raise ValueError("An optimistic patch needs the current record.")
            headers["Content-Type"] = JSON_PATCH
            body = json_patch_ops(cur, changes)
        else:
            headers["Content-Type"] = MERGE_PATCH
            body = changes
        response = self.client.request("PATCH", path, headers=headers,
                                       data=json.dumps(body).encode("utf-8"))
        return self._entity(response, "PATCH", path)

    def put(self, entity, *, if_unmodified_since=None):
        """Replace the whole record with ``PUT {Type}/{id}``."""
        data = thaw(entity)
        entity_id = data.get(self.meta.id_field)
        if not entity_id:
            raise ValueError(f"PUT needs {self.meta.id_field}.")
        path = f"{self.meta.path}/{int(entity_id)}"
        headers = {}
        if if_unmodified_since is not None:
            headers["If-Unmodified-Since"] = format_http_date(if_unmodified_since)
        response = self.client.request("PUT", path, headers=headers, json=data)
        return self._entity(response, "PUT", path)

    def delete(self, entity_id, *, if_unmodified_since=None):
        """``DELETE {Type}/{id}`` (permanent)."""
        headers = {}
        if if_unmodified_since is not None:
            headers["If-Unmodified-Since"] = format_http_date(if_unmodified_since)
        self.client.request("DELETE", f"{self.meta.path}/{int(entity_id)}", headers=headers)


class ProjectService(EntityService):
    """Projects, plus their members (companies / persons attached to the project)."""

    def members(self, project_id):
        """The project's ``ProjectMembers`` as read-only values (one GET)."""
        return self.get(project_id).members

    def add_member(self, project_id, contact_id, person_id=0, member_type_id=None):
        """Attach a company (and optionally one of its persons); one GET and one PATCH.

        RFC 7396 replaces arrays whole, so the current list plus the new member is sent, guarded
        with ``If-Unmodified-Since`` of the read so a concurrent change gives 412, not a loss.
        """
        project = self.get(project_id)
        members = [thaw(m) for m in project.get("ProjectMembers") or ()]
        member = {"ContactId": int(contact_id), "PersonId": int(person_id or 0),
                  "ProjectId": int(project_id)}
        if member_type_id is not None:
            member["ProjectMemberTypeId"] = int(member_type_id)
        members.append(member)
        return self._patch_members(project, members)

    def remove_member(self, project_id, member_id):
        """Detach the member with ``ProjectmemberId`` ``member_id``; one GET and one PATCH."""
        project = self.get(project_id)
        members = [thaw(m) for m in project.get("ProjectMembers") or ()
                   if int(m.get("ProjectmemberId") or 0) != int(member_id)]
        return self._patch_members(project, members)

    def _patch_members(self, project, members):
        return self.patch(project.id, {"ProjectMembers": members},
                          if_unmodified_since=project.last_modified or project.updated)
