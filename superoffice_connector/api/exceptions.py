"""Typed exceptions of the SuperOffice client.

Every error the client raises derives from :class:`SuperOfficeError`. Messages are plain English
sentences (the Odoo layer wraps them for translation) and never contain a secret: tickets, tokens,
keys and passwords are removed before a message is built (see ``transport.redact``).

    SuperOfficeError
    ├── AuthenticationError        401, failed ticket exchange, failed token refresh
    ├── ForbiddenError             403 (the user's role does not allow it)
    ├── NotFoundError              404
    ├── ConflictError              409 (a JSON Patch ``test`` operation failed)
    │   └── PreconditionFailedError  412 (``If-Unmodified-Since`` no longer true)
    ├── RateLimitedError           429 after the retries / time budget ran out
    ├── ServerError                5xx after the retries / time budget ran out
    ├── ValidationError            400 with the names of the offending fields
    ├── TransportError             connection failure, timeout, TLS error
    │   └── AmbiguousWriteError    a create may or may not have reached the server
    ├── TenantNotRunningError      tenant state is not Running / OnlineMaintenance
    ├── MisdirectedError           421 (wrong host) even after rediscovering the tenant
    └── MalformedResponseError     the server answered something that is not what it documents
"""


class SuperOfficeError(Exception):
    """Base class. ``status`` is the HTTP status when there was a response."""

    def __init__(self, message, *, status=None, method=None, path=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.method = method
        self.path = path

    def __str__(self):
        return self.message


class AuthenticationError(SuperOfficeError):
    """Credentials were refused or could not be obtained or refreshed."""


class ForbiddenError(SuperOfficeError):
    """The authenticated user may not do this (HTTP 403)."""


class NotFoundError(SuperOfficeError):
    """The record or endpoint does not exist (HTTP 404)."""


class ConflictError(SuperOfficeError):
    """The record changed on the server: a JSON Patch ``test`` failed (HTTP 409)."""


class PreconditionFailedError(ConflictError):
    """The record was modified after the ``If-Unmodified-Since`` time (HTTP 412)."""


PreconditionFailed = PreconditionFailedError


class RateLimitedError(SuperOfficeError):
    """SuperOffice kept answering 429; ``retry_after`` is its last hint in seconds, if any."""

    def __init__(self, message, *, retry_after=None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(SuperOfficeError):
    """SuperOffice kept failing with a 5xx status."""


class ValidationError(SuperOfficeError):
    """The request was refused as invalid (HTTP 400); ``fields`` names the offending fields."""

    def __init__(self, message, *, fields=(), **kwargs):
        super().__init__(message, **kwargs)
        self.fields = tuple(fields)


class TransportError(SuperOfficeError):
    """The server could not be reached or did not answer in time."""


class AmbiguousWriteError(TransportError):
    """A create failed in a way that leaves open whether the server stored the record.

    Raised only when no unique marker was given to check; the caller must look before retrying.
    """


class TenantNotRunningError(SuperOfficeError):
    """The tenant exists but its state does not allow API access; ``state`` holds that state."""

    def __init__(self, message, *, state=None, **kwargs):
        super().__init__(message, **kwargs)
        self.state = state


class MisdirectedError(SuperOfficeError):
    """HTTP 421 twice in a row: the tenant's host could not be found even after rediscovery."""


class MalformedResponseError(SuperOfficeError):
    """The answer could not be understood (not JSON, missing keys, bad token)."""
