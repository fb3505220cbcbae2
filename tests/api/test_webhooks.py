"""Webhook signature check and payload parsing."""

import base64
import hashlib
import hmac
import json

import pytest

from superoffice_connector.api import MalformedResponseError, parse_webhook, verify_signature

BODY = json.dumps({
    "EventId": "8337ae4a-1dd6-40fd-8dc7-a050664a0af7", "Timestamp": "2018-04-24T07:50:50.6812131Z",
    "Changes": ["contact_id", "department"], "Event": "contact.changed", "PrimaryKey": 994863,
    "Entity": "contact", "ContextIdentifier": "Cust1234", "ChangedByAssociateId": 316,
    "WebhookName": "Odoo",
}).encode()


def _sign(secret, body):
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def test_valid_signature_accepted():
    assert verify_signature("s3cret", BODY, _sign("s3cret", BODY))


@pytest.mark.parametrize("secret,body,header", [
    ("other", BODY, _sign("s3cret", BODY)),
    ("s3cret", BODY + b" ", _sign("s3cret", BODY)),
    ("s3cret", BODY, ""),
    ("", BODY, _sign("", BODY)),
    ("s3cret", BODY, "not base64 ü"),
])
def test_invalid_signatures_refused(secret, body, header):
    assert not verify_signature(secret, body, header)


def test_signature_is_over_raw_bytes_not_reserialised_json():
    spaced = json.dumps(json.loads(BODY), indent=2).encode()
    assert not verify_signature("k", spaced, _sign("k", BODY))


def test_parse_webhook():
    event = parse_webhook(BODY)
    assert (event.entity, event.action, event.primary_key) == ("contact", "changed", 994863)
    assert event.changes == ("contact_id", "department")
    assert event.timestamp.year == 2018
    assert not event.is_test


def test_parse_webhook_rejects_garbage():
    with pytest.raises(MalformedResponseError):
        parse_webhook(b"<html>")
    with pytest.raises(MalformedResponseError):
        parse_webhook(b"[1]")
