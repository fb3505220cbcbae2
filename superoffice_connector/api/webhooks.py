"""Webhook helpers: signature check and payload parsing.

SuperOffice signs each delivery with ``X-SuperOffice-Signature: base64(HMAC-SHA256(secret,
raw body))`` when the webhook has a secret. Check it over the *raw* request bytes, before parsing.
"""

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field

from .exceptions import MalformedResponseError
from .parsing import parse_datetime, parse_int

SIGNATURE_HEADER = "X-SuperOffice-Signature"


def compute_signature(secret, raw_body):
    if isinstance(secret, str):
        secret = secret.encode("utf-8")
    if isinstance(raw_body, str):
        raw_body = raw_body.encode("utf-8")
    return base64.b64encode(hmac.new(secret, raw_body, hashlib.sha256).digest()).decode("ascii")


def verify_signature(secret, raw_body, header):
    """True when ``header`` is the signature of ``raw_body`` with ``secret`` (constant time).

    A missing secret or header is never valid.
    """
    if not secret or not header:
        return False
    expected = compute_signature(secret, raw_body)
    return hmac.compare_digest(expected.encode("ascii"), header.strip().encode("ascii", "replace"))


@dataclass(frozen=True)
class WebhookEvent:
    """One delivery. ``entity`` is ``contact``/``person``/``project``/``projectmember``/…;
    ``action`` the part after the dot (``created``, ``changed``, ``deleted`` …)."""

    event_id: str
    event: str
    entity: str
    primary_key: int
    timestamp: object
    context_identifier: str
    changes: tuple
    changed_by_associate_id: int | None
    webhook_name: str
    field_values: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    raw: dict = field(default_factory=dict, repr=False)

    @property
    def action(self):
        return self.event.rsplit(".", 1)[-1] if "." in self.event else self.event

    @property
    def is_test(self):
        return self.event == "test"


def parse_webhook(raw_body):
    """Parse a delivery body (bytes or str) into a :class:`WebhookEvent`."""
    try:
        data = json.loads(raw_body)
    except (ValueError, TypeError):
        raise MalformedResponseError("The webhook body is not JSON.")
    if not isinstance(data, dict) or "Event" not in data:
        raise MalformedResponseError("The webhook body has no Event.")
    event = str(data.get("Event") or "")
    entity = str(data.get("Entity") or (event.split(".", 1)[0] if "." in event else ""))
    try:
        timestamp = parse_datetime(data.get("Timestamp"))
    except MalformedResponseError:
        timestamp = None
    return WebhookEvent(
        event_id=str(data.get("EventId") or ""),
        event=event,
        entity=entity.lower(),
        primary_key=parse_int(data.get("PrimaryKey"), 0),
        timestamp=timestamp,
        context_identifier=str(data.get("ContextIdentifier") or ""),
        changes=tuple(data.get("Changes") or ()),
        changed_by_associate_id=parse_int(data.get("ChangedByAssociateId")),
        webhook_name=str(data.get("WebhookName") or ""),
        field_values=dict(data.get("FieldValues") or {}),
        values=dict(data.get("Values") or {}),
        raw=data,
    )
