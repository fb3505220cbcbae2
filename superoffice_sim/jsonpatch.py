"""RFC 6902 JSON Patch (add, replace, remove, test) and RFC 7396 merge patch on entity JSON.

Like SuperOffice: paths are case-insensitive and the leading slash is optional; `move` and
`copy` are not supported; a failing `test` is a 409 Conflict. Entity properties cannot vanish,
so removing one (or merging `null`) sets it to null, which the parser reads as "empty".
"""

import copy

from .errors import HttpError


def _bad(message):
    return HttpError(400, message, ErrorType="PatchError")


def _segments(path):
    if not isinstance(path, str):
        raise _bad("JSON Patch path must be a string")
    path = path[1:] if path.startswith("/") else path
    if not path:
        return []
    return [s.replace("~1", "/").replace("~0", "~") for s in path.split("/")]


def _key(obj, name):
    """The existing key of `obj` matching `name` case-insensitively, else `name`."""
    if name in obj:
        return name
    lower = name.lower()
    return next((k for k in obj if k.lower() == lower), name)


def _index(arr, seg, allow_end):
    if seg == "-" and allow_end:
        return len(arr)
    if not seg.isdigit():
        raise _bad(f"'{seg}' is not an array index")
    i = int(seg)
    if i > len(arr) or (i == len(arr) and not allow_end):
        raise _bad(f"array index {i} is out of range")
    return i


def _parent(doc, segs, path):
    target = doc
    for seg in segs[:-1]:
        if isinstance(target, dict):
            key = _key(target, seg)
            if key not in target:
                raise _bad(f"path '{path}' does not exist")
            target = target[key]
        elif isinstance(target, list):
            target = target[_index(target, seg, False)]
        else:
            raise _bad(f"path '{path}' does not exist")
        if target is None:
            raise _bad(f"path '{path}' goes through a null value")
    return target


def _get(doc, path):
    segs = _segments(path)
    if not segs:
        return doc
    parent = _parent(doc, segs, path)
    if isinstance(parent, dict):
        key = _key(parent, segs[-1])
        if key not in parent:
            raise _bad(f"path '{path}' does not exist")
        return parent[key]
    if isinstance(parent, list):
        return parent[_index(parent, segs[-1], False)]
    raise _bad(f"path '{path}' does not exist")


def apply_json_patch(doc, ops):
    doc = copy.deepcopy(doc)
    if not isinstance(ops, list):
        raise _bad("a JSON Patch document is an array of operations")
    for op in ops:
        if not isinstance(op, dict) or "op" not in op or "path" not in op:
            raise _bad("each operation needs 'op' and 'path'")
        name, path = str(op["op"]).lower(), op["path"]
        if name in ("move", "copy"):
            raise _bad(f"JSON Patch operation '{name}' is not supported")
        if name not in ("add", "replace", "remove", "test"):
            raise _bad(f"unknown JSON Patch operation '{name}'")
        if name in ("add", "replace", "test") and "value" not in op:
            raise _bad(f"operation '{name}' needs a value")
        if name == "test":
            current = _get(doc, path)
            if current != op["value"]:
                raise HttpError(409, f"Test failed: value at '{path}' is {current!r}, "
                                     f"not {op['value']!r}", ErrorType="PatchTestFailed")
            continue
        segs = _segments(path)
        if not segs:
            raise _bad("the whole entity cannot be replaced by a patch")
        parent = _parent(doc, segs, path)
        if isinstance(parent, dict):
            key = _key(parent, segs[-1])
            if name in ("replace", "remove") and key not in parent:
                raise _bad(f"path '{path}' does not exist")
            parent[key] = None if name == "remove" else copy.deepcopy(op["value"])
        elif isinstance(parent, list):
            i = _index(parent, segs[-1], name == "add")
            if name == "add":
                parent.insert(i, copy.deepcopy(op["value"]))
            elif name == "replace":
                parent[i] = copy.deepcopy(op["value"])
            else:
                del parent[i]
        else:
            raise _bad(f"path '{path}' does not exist")
    return doc


def apply_merge_patch(doc, patch):
    if not isinstance(patch, dict):
        raise _bad("a merge patch is a JSON object")
    doc = copy.deepcopy(doc)
    _merge(doc, patch)
    return doc


def _merge(target, patch):
    for name, value in patch.items():
        key = _key(target, name)
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)
