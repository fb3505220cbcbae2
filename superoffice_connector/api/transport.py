"""HTTP transport: one pooled session, rate limiting, retries with backoff, error mapping.

Retry policy (all bounded by ``max_retries`` and by the operation's time budget):

* 429, 502, 503, 504 and connection failures are retried with exponential backoff and full
  jitter (``backoff_base * 2**n``, capped at ``backoff_max``, a random value in the upper half);
  a ``Retry-After`` header (seconds or HTTP date) replaces the computed delay. When the wait
  would overrun the time budget, the error is raised at once instead of sleeping in vain.
* A request that is not idempotent (POST create) is retried only when it certainly did not
  reach the server: the connection could not be opened, or the answer was 429. Any other
  failure after sending marks the error ``ambiguous`` and is left to the caller, which checks
  before writing again (see ``EntityService.create``).
"""

import logging
import random
import threading
import time

import requests

from .exceptions import (
    AuthenticationError,
    ConflictError,
    ForbiddenError,
    MalformedResponseError,
    MisdirectedError,
    NotFoundError,
    PreconditionFailedError,
    RateLimitedError,
    ServerError,
    SuperOfficeError,
    TransportError,
    ValidationError,
)
from .parsing import parse_http_date

_logger = logging.getLogger(__name__)
RETRY_STATUSES = frozenset({429, 502, 503, 504})
REDACTED = "***"


class RateLimiter:
    """Spaces requests at least ``1/rate`` seconds apart (thread-safe); rate 0 disables it."""

    def __init__(self, rate, clock=time.monotonic, sleep=time.sleep):
        self.interval = 1.0 / rate if rate else 0.0
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def acquire(self):
        if not self.interval:
            return 0.0
        with self._lock:
            now = self._clock()
            slot = max(now, self._next)
            self._next = slot + self.interval
        wait = slot - now
        if wait > 0:
            self._sleep(wait)
        return wait


class Deadline:
    """The time budget of one operation."""

    def __init__(self, seconds, clock=time.monotonic):
        self._clock = clock
        self.seconds = seconds
        self.end = clock() + seconds

    def remaining(self):
        return self.end - self._clock()

    def allows(self, wait):
        return self.remaining() > wait


def redact(text, secrets):
    """Replace every known secret in ``text`` by ``***``."""
    if not text:
        return text
    for secret in secrets:
        if secret and len(secret) >= 4 and secret in text:
            text = text.replace(secret, REDACTED)
    return text


def parse_retry_after(value):
    """Seconds to wait from a ``Retry-After`` header (seconds or HTTP date), or ``None``."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    when = parse_http_date(value)
    return None if when is None else max(0.0, when.timestamp() - time.time())


def _sent_nothing(exc):
    """True when a connection error happened before any byte of the request was sent."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    text = repr(exc)
    return "NewConnectionError" in text or "ConnectTimeoutError" in text


class Transport:
    """Sends requests through one pooled ``requests.Session``."""

    def __init__(self, config, secrets=lambda: ()):
        self.config = config
        self.session = requests.Session()
        self.session.headers.update(
            {
                "Accept": "application/json",
                "Accept-Language": "*",
                "User-Agent": config.user_agent,
            }
        )
        self.session.headers.update(dict(config.extra_headers))
        self.limiter = RateLimiter(config.rate_limit)
        self.secrets = secrets
        self.request_count = 0
        self._count_lock = threading.Lock()

    def close(self):
        self.session.close()

    def redact(self, text):
        return redact(text, tuple(self.secrets()))

    # ------------------------------------------------------------------ sending
    def send(self, method, url, *, headers=None, params=None, json=None, data=None,
             idempotent=None, deadline=None):
        """Send with retries; return the ``requests.Response`` for 2xx and 304, raise otherwise."""
        cfg = self.config
        if idempotent is None:
            idempotent = method.upper() != "POST"
        deadline = deadline or Deadline(cfg.operation_budget)
        path = url.split("?", 1)[0]
        attempt = 0
        while True:
            self.limiter.acquire()
            remaining = deadline.remaining()
            if remaining <= 0:
                raise TransportError(
                    f"The time budget of {deadline.seconds:g} s ran out before {method} {path}.",
                    method=method, path=path,
                )
            timeout = (min(cfg.connect_timeout, remaining), min(cfg.read_timeout, remaining))
            started = time.monotonic()
            try:
                with self._count_lock:
                    self.request_count += 1
                response = self.session.request(
                    method, url, headers=headers, params=params, json=json, data=data,
                    timeout=timeout, verify=cfg.verify_tls,
                )
            except requests.exceptions.RequestException as exc:
                safe = idempotent or _sent_nothing(exc)
                error = self._transport_error(exc, method, path, ambiguous=not safe)
                if not safe or attempt >= cfg.max_retries:
                    raise error
                wait = self._backoff(attempt)
                if not deadline.allows(wait):
                    raise error
                _logger.warning("%s %s failed (%s); retry %d in %.2f s",
                                method, path, type(exc).__name__, attempt + 1, wait)
                time.sleep(wait)
                attempt += 1
                continue
            elapsed = (time.monotonic() - started) * 1000
            _logger.debug("%s %s -> %s in %.0f ms", method, path, response.status_code, elapsed)
            status = response.status_code
            if status < 300 or status == 304:
                return response
            if status in RETRY_STATUSES:
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                error = self.error_for(response, method, path, retry_after=retry_after)
                if not idempotent and status != 429:
                    error.ambiguous = True
                    raise error
                if attempt >= cfg.max_retries:
                    raise error
                wait = retry_after if retry_after is not None else self._backoff(attempt)
                if not deadline.allows(wait):
                    raise error
                _logger.warning("%s %s answered %s; retry %d in %.2f s",
                                method, path, status, attempt + 1, wait)
                time.sleep(wait)
                attempt += 1
                continue
            raise self.error_for(response, method, path)

    def _backoff(self, attempt):
        cap = min(self.config.backoff_max, self.config.backoff_base * (2**attempt))
        return random.uniform(cap / 2, cap)

    def _transport_error(self, exc, method, path, ambiguous):
        if isinstance(exc, requests.exceptions.Timeout):
            what = "did not answer in time"
        elif isinstance(exc, requests.exceptions.SSLError):
            what = "failed the TLS handshake"
        else:
            what = "could not be reached"
        error = TransportError(
            f"SuperOffice {what} ({type(exc).__name__}) on {method} {self.redact(path)}.",
            method=method, path=path,
        )
        error.ambiguous = ambiguous
        return error

    # ------------------------------------------------------------------ errors
    def error_for(self, response, method, path, retry_after=None):
        """Map an error response to a typed exception with a secret-free message."""
        status = response.status_code
        detail, fields = _error_detail(response)
        detail = self.redact(detail)
        path = self.redact(path)
        where = f"{method} {path}"
        suffix = f": {detail}" if detail else "."
        kw = {"status": status, "method": method, "path": path}
        if status == 400:
            names = f" (fields: {', '.join(fields)})" if fields else ""
            return ValidationError(f"SuperOffice refused {where} as invalid{names}{suffix}",
                                   fields=fields, **kw)
        if status == 401:
            return AuthenticationError(f"SuperOffice refused the credentials on {where}{suffix}",
                                       **kw)
        if status == 403:
            return ForbiddenError(f"Access denied on {where}{suffix}", **kw)
        if status == 404:
            return NotFoundError(f"Not found: {where}{suffix}", **kw)
        if status == 409:
            return ConflictError(
                f"The record changed on the server; {where} was not applied{suffix}", **kw)
        if status == 412:
            return PreconditionFailedError(
                f"The record was modified since it was read; {where} was not applied{suffix}",
                **kw)
        if status == 421:
            return MisdirectedError(f"Wrong host for the tenant on {where}{suffix}", **kw)
        if status == 429:
            return RateLimitedError(f"SuperOffice is throttling requests ({where}){suffix}",
                                    retry_after=retry_after, **kw)
        if status >= 500:
            return ServerError(f"SuperOffice failed with HTTP {status} on {where}{suffix}", **kw)
        return SuperOfficeError(f"Unexpected HTTP {status} on {where}{suffix}", **kw)


def _error_detail(response):
    """Best-effort message and field names from an error body (shape not fully documented)."""
    try:
        body = response.json()
    except ValueError:
        text = (response.text or "").strip()
        return (text[:200] if text and "<" not in text[:1] else ""), ()
    if not isinstance(body, dict):
        return "", ()
    parts = []
    for key in ("Message", "message", "Error", "error", "error_description", "MessageDetail",
                "ErrorMessage", "FriendlyText"):
        value = body.get(key)
        if isinstance(value, str) and value and value not in parts:
            parts.append(value)
    return " ".join(parts)[:300], tuple(_field_names(body))


def _field_names(body):
    for key in ("FieldName", "Field", "fieldName"):
        if isinstance(body.get(key), str) and body[key]:
            return [body[key]]
    for key in ("Fields", "fields", "FieldNames", "InvalidFields"):
        value = body.get(key)
        if isinstance(value, list):
            return [str(v.get("Field") or v.get("Name")) if isinstance(v, dict) else str(v)
                    for v in value]
        if isinstance(value, dict):
            return [str(k) for k in value]
    for key in ("ValidationErrors", "Errors", "errors", "ModelState"):
        value = body.get(key)
        if isinstance(value, dict):
            return [str(k) for k in value]
        if isinstance(value, list):
            return [str(v.get("Field") or v.get("FieldName") or v.get("Name"))
                    for v in value if isinstance(v, dict)]
    return []


def json_body(response, method, path):
    """Decode a JSON answer or raise :class:`MalformedResponseError`."""
    if response.status_code == 204 or not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        raise MalformedResponseError(
            f"SuperOffice answered {method} {path} with something that is not JSON.",
            status=response.status_code, method=method, path=path,
        )
