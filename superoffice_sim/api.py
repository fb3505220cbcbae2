"""Data endpoints under `.../api/`: entities, OData lists, archives, webhooks, current user.

Route matching is case-insensitive like the real (ASP.NET) service.
"""

from . import dynamic, entities, jsonpatch, parse, query, refdata, users
from .archive import PROVIDERS
from .errors import HttpError, NotFound
from .login import authenticate
from .web import Response, http_date, parse_http_date

KINDS = {"contact": "contact", "person": "person", "project": "project"}


def handle(sim, req, segs):
    """`segs` are the path segments after `/api` (e.g. ['v1', 'Contact', '12'])."""
    if not segs:
        return Response.json({"v1": sim.api_base, "NetServerVersion": "10.3.10.0",
                              "Version": "v1", "Versions": ["v1"]})
    if segs[0].lower() != "v1":
        raise NotFound(f"Unknown API version {segs[0]!r}")
    associate_id = authenticate(sim, req)
    rest = segs[1:]
    if not rest:
        return Response.json({"Contact": f"{sim.api_base}Contact", "Person":
                              f"{sim.api_base}Person", "Project": f"{sim.api_base}Project",
                              "Archive": f"{sim.api_base}Archive", "Webhook":
                              f"{sim.api_base}Webhook"})
    head = rest[0].lower()
    if head in KINDS:
        return _entity(sim, req, KINDS[head], rest[1:], associate_id)
    if head == "archive" and len(rest) == 2 and req.method == "GET":
        if rest[1].lower() == "dynamic":
            return _dynamic(sim, req)
        if rest[1].lower() == "allusers":
            return _users(sim, req)
        kind = PROVIDERS.get(rest[1].lower())
        if kind is None:
            raise NotFound(f"Unknown archive provider {rest[1]!r}")
        return _list(sim, req, kind)
    if head == "webhook":
        return _webhook(sim, req, rest[1:], associate_id)
    if head == "list" and len(rest) == 3 and rest[2].lower() == "items" and req.method == "GET":
        return _list_items(rest[1])
    if [s.lower() for s in rest] == ["user", "currentprincipal"] and req.method == "GET":
        return _principal(sim, associate_id)
    if [s.lower() for s in rest] == ["user"] and req.method == "GET":
        return _users(sim, req)  # "Calls the Archive service using the AllUsers archive"
    raise NotFound(f"No endpoint {req.method} {'/'.join(rest)}")


# sub-archives `{Entity}/{id}/{Name}`: archive kind and the column tying rows to the parent
SUB_ARCHIVES = {("contact", "persons"): ("person", "contactId")}


def _list(sim, req, kind, scope=None):
    """An OData list; `scope` is `(column, id)` restricting it to one parent's rows."""
    params = {name: req.param(name) for name in ("$select", "$filter", "$orderby", "$top",
                                                 "$skip", "$mode")}
    if scope:
        restriction = f"{scope[0]} eq {int(scope[1])}"
        user = (params["$filter"] or "").strip()
        params["$filter"] = f"{restriction} and ({user})" if user else restriction
    rows = query.run(kind, params, sim.store)
    return Response.json({"odata.metadata": f"{sim.api_base}Archive//$metadata",
                          "odata.nextLink": None, "value": rows})


def _list_items(name):
    """`GET List/{name}/Items`: every item of a built-in list (a JSON array)."""
    items = refdata.list_items(name)
    if items is None:
        raise NotFound(f"Unknown list {name!r}")
    return Response.json(items)


def _users(sim, req):
    params = {name: req.param(name) for name in ("$select", "$filter", "$top", "$skip",
                                                 "$mode")}
    return Response.json({"odata.metadata": f"{sim.api_base}Archive//$metadata",
                          "odata.nextLink": None, "value": users.run(params, sim.store)})


def _dynamic(sim, req):
    params = {name: req.param(name) for name in ("$select", "$filter", "$orderby", "$top",
                                                 "$skip", "$mode")}
    rows = dynamic.run(params, sim.store)
    return Response.json({"odata.metadata": f"{sim.api_base}Archive//$metadata",
                          "odata.nextLink": None, "value": rows})


def _record_id(raw):
    try:
        return int(raw)
    except ValueError:
        raise HttpError(400, f"'{raw}' is not a valid id")


def _unmodified_check(req, rec):
    limit = req.header("If-Unmodified-Since")
    if limit:
        since = parse_http_date(limit)
        if since is None or rec["updated"] > since:
            raise HttpError(412, "The entity was modified after If-Unmodified-Since",
                            ErrorType="PreconditionFailed")


def _check_fields(sim, kind, old, new):
    """403 when a write changes a field the rights make read-only (rendered values compared)."""
    store = sim.store
    if store.rights.readonly_fields(kind):
        store.rights.check_fields(kind, entities.render(kind, old, store, sim.api_base),
                                  entities.render(kind, new, store, sim.api_base),
                                  entities.ENTITY_NAMES[kind])


def _entity_response(sim, req, kind, rec, status=200):
    body = entities.select_fields(entities.render(kind, rec, sim.store, sim.api_base),
                                  req.param("$select"))
    headers = {}
    if rec["updated"] != refdata.EMPTY_DATE:
        headers["Last-Modified"] = http_date(rec["updated"])
    return Response.json(body, status, headers)


def _entity(sim, req, kind, rest, associate_id):
    store, name = sim.store, entities.ENTITY_NAMES[kind]
    method = req.method
    if not rest:
        if method == "GET":
            return _list(sim, req, kind)
        if method == "POST":
            store.rights.check_table(kind, method, name)
            body = req.json()
            with store.lock:
                default = store.default(kind)
                rec = parse.parse(kind, body, default, store)
                _check_fields(sim, kind, default, rec)
                rec = store.insert(kind, rec, associate_id)
                return _entity_response(sim, req, kind, rec)
        raise HttpError(405, f"{method} is not allowed on {name}")
    sub = SUB_ARCHIVES.get((kind, rest[-1].lower())) if len(rest) == 2 else None
    if sub and method == "GET":
        parent_id = _record_id(rest[0])
        if store.record(kind, parent_id) is None:
            raise NotFound(f"{name} with id {parent_id} not found")
        return _list(sim, req, sub[0], (sub[1], parent_id))
    if len(rest) != 1:
        raise NotFound(f"No endpoint {name}/{'/'.join(rest)}")
    if rest[0].lower() == "default" and method == "GET":
        rec = store.default(kind)
        rec["created_by"] = associate_id
        body = entities.render(kind, rec, store, sim.api_base, right="URI")
        return Response.json(body)
    rec_id = _record_id(rest[0])
    store.rights.check_table(kind, method, name)
    with store.lock:
        rec = store.record(kind, rec_id)
        if rec is None:
            raise NotFound(f"{name} with id {rec_id} not found")
        if method == "GET":
            since = req.header("If-Modified-Since")
            since = parse_http_date(since) if since else None
            if since and rec["updated"] <= since:
                return Response.empty(304, {"Last-Modified": http_date(rec["updated"])})
            return _entity_response(sim, req, kind, rec)
        if method == "DELETE":
            _unmodified_check(req, rec)
            store.delete(kind, rec_id, associate_id)
            return Response.empty(204)
        if method == "PUT":
            body = req.json()
            _unmodified_check(req, rec)
            new = parse.parse(kind, body, rec, store)
        elif method == "PATCH":
            body = req.json()
            _unmodified_check(req, rec)
            current = entities.render(kind, rec, store, sim.api_base)
            content_type = (req.header("Content-Type") or "").lower()
            if isinstance(body, list) and "merge-patch" not in content_type:
                patched = jsonpatch.apply_json_patch(current, body)
            else:
                patched = jsonpatch.apply_merge_patch(current, body)
            new = parse.parse(kind, patched, rec, store)
        else:
            raise HttpError(405, f"{method} is not allowed on {name}/{{id}}")
        _check_fields(sim, kind, rec, new)
        rec = store.replace(kind, rec_id, new, associate_id)
        return _entity_response(sim, req, kind, rec)


def _webhook(sim, req, rest, associate_id):
    hooks, method = sim.webhooks, req.method
    if not rest:
        if method == "GET":
            return Response.json(hooks.list())
        if method == "POST":
            return Response.json(hooks.create(req.json(), associate_id))
    elif len(rest) == 1 and rest[0].lower() == "default" and method == "GET":
        return Response.json(hooks.default())
    elif len(rest) == 1 and rest[0].lower() == "test" and method == "POST":
        return Response.json(hooks.test(req.json()))
    elif len(rest) == 1:
        hook_id = _record_id(rest[0])
        if method == "GET":
            return Response.json(hooks.get(hook_id))
        if method == "PUT":
            return Response.json(hooks.update(hook_id, req.json(), associate_id))
        if method == "DELETE":
            hooks.delete(hook_id)
            return Response.empty(204)
    raise HttpError(405, f"{method} is not allowed on Webhook/{'/'.join(rest)}")


def _principal(sim, associate_id):
    carrier = refdata.associate(associate_id) or {}
    system = associate_id == sim.app.system_associate_id
    return Response.json({
        "AssociateId": associate_id, "Associate": carrier.get("Name", ""),
        "FullName": carrier.get("FullName", ""), "PersonId": carrier.get("PersonId", 0),
        "ContactId": 1, "GroupId": carrier.get("GroupIdx", 0),
        "UserType": "SystemAssociate" if system else "InternalAssociate",
        "IsSystemUser": system, "ContextIdentifier": sim.tenant,
        "EjUserId": carrier.get("EjUserId", 0), "Licenses": [],
    })
