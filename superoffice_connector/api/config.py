"""Immutable client configuration."""

from dataclasses import dataclass, field

ENVIRONMENTS = ("sod", "qaonline", "online", "onsite")


@dataclass(frozen=True)
class ClientConfig:
    """Everything a :class:`SuperOfficeClient` needs, as one immutable value.

    ``environment``: ``"sod"`` (development), ``"qaonline"`` (stage), ``"online"`` (production)
    or ``"onsite"``. ``tenant``: the context identifier (``"Cust12345"``); ignored on-site.
    ``auth``: one of ``SystemUserAuth``, ``OAuthAuth``, ``OnsiteAuth``, ``TicketAuth``.
    ``base_url``: on-site, the API root (``"https://crm.example.com/crm/api"``, with or without
    ``/v1``); online, an override of ``https://{environment}.superoffice.com`` (used for the
    simulator). Timeouts are seconds. ``rate_limit`` is requests per second (``0`` disables the
    limiter). ``operation_budget`` bounds the total time one call may spend including retries.
    ``change_overlap`` is subtracted from a change-feed watermark so edits committed while the
    previous run was reading are not lost. ``verify_tls`` may be a CA bundle path.
    """

    environment: str
    tenant: str
    auth: object
    base_url: str | None = None
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    rate_limit: float = 10.0
    operation_budget: float = 120.0
    max_retries: int = 5
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    change_overlap: float = 300.0
    page_size: int = 1000
    verify_tls: object = True
    user_agent: str = "superoffice-connector-odoo/19.0"
    extra_headers: tuple = field(default_factory=tuple)

    def __post_init__(self):
        if self.environment not in ENVIRONMENTS:
            raise ValueError(
                f"Unknown environment {self.environment!r}; use one of {', '.join(ENVIRONMENTS)}."
            )
        if self.environment == "onsite" and not self.base_url:
            raise ValueError("An on-site installation needs base_url (the web API root).")
        if self.environment != "onsite" and not self.tenant:
            raise ValueError("An online environment needs the tenant (context identifier).")
        if self.connect_timeout <= 0 or self.read_timeout <= 0:
            raise ValueError("Timeouts must be positive.")
        if self.rate_limit < 0 or self.max_retries < 0 or self.page_size < 1:
            raise ValueError("rate_limit, max_retries and page_size must not be negative.")

    @property
    def is_onsite(self):
        return self.environment == "onsite"

    @property
    def root_url(self):
        """Un-numbered host: authentication and tenant discovery (online), API root (on-site)."""
        if self.base_url:
            return self.base_url.rstrip("/")
        return f"https://{self.environment}.superoffice.com"

    @property
    def timeout(self):
        return (self.connect_timeout, self.read_timeout)
