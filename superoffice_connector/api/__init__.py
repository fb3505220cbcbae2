"""Pure-Python SuperOffice WebAPI client (no Odoo import; relative imports only)."""

from .auth import OAuthAuth, OnsiteAuth, SystemUserAuth, TicketAuth, exchange_authorization_code
from .client import ChangeFeed, SuperOfficeClient
from .config import ClientConfig
from .entities import ArchiveRow, Contact, NotModified, Person, Project, ProjectMember
from .exceptions import (
    AmbiguousWriteError,
    AuthenticationError,
    ConflictError,
    ForbiddenError,
    MalformedResponseError,
    MisdirectedError,
    NotFoundError,
    PreconditionFailed,
    PreconditionFailedError,
    RateLimitedError,
    ServerError,
    SuperOfficeError,
    TenantNotRunningError,
    TransportError,
    ValidationError,
)
from .query import F, Filter, Query
from .shared import MemoryState, SharedState
from .webhooks import WebhookEvent, parse_webhook, verify_signature

__all__ = [
    "AmbiguousWriteError", "ArchiveRow", "AuthenticationError", "ChangeFeed", "ClientConfig",
    "ConflictError", "Contact", "F", "Filter", "ForbiddenError", "MalformedResponseError", "MemoryState", "MisdirectedError",
    "NotFoundError", "NotModified", "OAuthAuth", "OnsiteAuth", "Person", "PreconditionFailed",
    "PreconditionFailedError", "Project", "ProjectMember", "Query", "RateLimitedError",
    "ServerError", "SharedState", "SuperOfficeClient", "SuperOfficeError", "SystemUserAuth",
    "TenantNotRunningError", "TicketAuth", "TransportError", "ValidationError", "WebhookEvent",
    "exchange_authorization_code", "parse_webhook", "verify_signature",
]
