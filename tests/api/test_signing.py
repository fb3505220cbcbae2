"""System-user token signing, RSA-XML keys and JWT checks."""

import base64
import json
import time
from datetime import datetime, timezone

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from superoffice_connector.api import AuthenticationError, MalformedResponseError
from superoffice_connector.api.signing import (
    CTX_CLAIM,
    TICKET_CLAIM,
    decode_jwt,
    load_private_key,
    private_key_to_xml,
    sign_system_token,
)

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PEM = KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                        serialization.NoEncryption()).decode()
PUBLIC_PEM = KEY.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_jwt(claims, key=KEY, alg="RS256"):
    head = _b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    body = _b64url(json.dumps(claims).encode())
    sig = key.sign(f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{head}.{body}.{_b64url(sig)}"


@pytest.mark.parametrize("key", [PEM, private_key_to_xml(PEM)], ids=["pem", "rsa-xml"])
def test_signed_token_format_and_signature(key):
    now = datetime(2024, 3, 1, 9, 7, 59, tzinfo=timezone.utc)
    signed = sign_system_token("App-abc.def", key, now=now)
    data, signature = signed.rsplit(".", 1)
    assert data == "App-abc.def.202403010907"
    KEY.public_key().verify(base64.b64decode(signature), data.encode(), padding.PKCS1v15(),
                            hashes.SHA256())


def test_rsa_xml_round_trip_gives_same_key():
    xml = private_key_to_xml(KEY)
    assert "<Modulus>" in xml and "<InverseQ>" in xml
    assert load_private_key(xml).private_numbers() == KEY.private_numbers()


def test_incomplete_xml_key_refused_without_echoing_it():
    xml = private_key_to_xml(KEY).replace("<D>", "<X>").replace("</D>", "</X>")
    with pytest.raises(AuthenticationError) as info:
        load_private_key(xml)
    assert "<Modulus>" not in str(info.value)


def _claims(**extra):
    claims = {TICKET_CLAIM: "7T:abc", CTX_CLAIM: "Cust1", "exp": time.time() + 300}
    claims.update(extra)
    return claims


def test_jwt_accepted_with_key_and_tenant():
    claims = decode_jwt(make_jwt(_claims()), public_key=PUBLIC_PEM, tenant="cust1")
    assert claims[TICKET_CLAIM] == "7T:abc"


def test_jwt_signed_by_another_key_refused():
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(AuthenticationError):
        decode_jwt(make_jwt(_claims(), key=other), public_key=PUBLIC_PEM, tenant="Cust1")


def test_jwt_expired_refused():
    with pytest.raises(AuthenticationError):
        decode_jwt(make_jwt(_claims(exp=time.time() - 3600)), tenant="Cust1")


def test_jwt_for_other_tenant_refused():
    with pytest.raises(AuthenticationError):
        decode_jwt(make_jwt(_claims()), tenant="Cust2")


def test_jwt_garbage_is_malformed():
    with pytest.raises(MalformedResponseError):
        decode_jwt("not-a-jwt")


@pytest.mark.parametrize("joiner", ["", " ", "\r\n"])
def test_pem_key_loads_whatever_its_line_breaks(joiner):
    # A key pasted into the masked (one-line) input of the connection form loses its breaks.
    flat = joiner.join(PEM.splitlines())
    loaded = load_private_key(flat)
    assert loaded.private_numbers() == KEY.private_numbers()


def test_pem_key_of_garbage_is_still_refused():
    with pytest.raises(AuthenticationError):
        load_private_key("-----BEGIN PRIVATE KEY-----not base64-----END PRIVATE KEY-----")
