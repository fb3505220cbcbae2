"""Small request/response objects shared by the handlers."""

import datetime as dt
import json
from email.utils import formatdate, parsedate_to_datetime
from urllib.parse import parse_qsl

from .errors import HttpError


class Request:
    def __init__(self, method, path, raw_query, headers, body):
        self.method = method
        self.path = path
        self.raw_query = raw_query
        self.query = dict(parse_qsl(raw_query, keep_blank_values=True))
        self.headers = headers
        self.body = body

    def header(self, name, default=None):
        return self.headers.get(name, default)

    def json(self, required=True):
        if not self.body.strip():
            if required:
                raise HttpError(400, "The request body is empty; an entity is required.")
            return None
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise HttpError(400, f"The request body is not valid JSON: {exc}")

    def form(self):
        return dict(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))

    def param(self, name):
        """Query parameter, case-insensitive name (`$orderBy` == `$orderby`)."""
        lower = name.lower()
        for key, value in self.query.items():
            if key.lower() == lower:
                return value
        return None


class Response:
    def __init__(self, status=200, body=b"", headers=None, content_type="application/json"):
        self.status = status
        self.body = body
        self.headers = dict(headers or {})
        if body or status not in (204, 304):
            self.headers.setdefault("Content-Type", f"{content_type}; charset=utf-8")

    @classmethod
    def json(cls, obj, status=200, headers=None):
        body = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return cls(status, body, headers)

    @classmethod
    def empty(cls, status=204, headers=None):
        return cls(status, b"", headers)

    @classmethod
    def error(cls, exc):
        return cls.json(exc.body(), exc.status, exc.headers)


def http_date(stamp):
    """'2020-04-22T15:51:25' (naive UTC) -> 'Wed, 22 Apr 2020 15:51:25 GMT'."""
    moment = dt.datetime.fromisoformat(stamp).replace(tzinfo=dt.timezone.utc)
    return formatdate(moment.timestamp(), usegmt=True)


def parse_http_date(value):
    """HTTP date -> naive UTC ISO string, or None if unreadable."""
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")
