"""Value encoding, search operators and Online token checks of the ERP Sync Connector."""

import base64
import json
import time
from datetime import date, datetime

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from hypothesis import given
from hypothesis import strategies as st

from superoffice_connector.erp import auth, search, values
from superoffice_connector.erp.carriers import (
    CHECKBOX,
    DATETIME,
    DOUBLE,
    INTEGER,
    LIST,
    TEXT,
)


@pytest.mark.parametrize("field_type,text,expected", [
    (TEXT, "[I:1]", "[I:1]"),  # strings are never bracket-decoded
    (INTEGER, "[I:12345]", 12345), (INTEGER, "42", 42), (INTEGER, "[F:3.0]", 3),
    (DOUBLE, "[F:12345.6789]", 12345.6789), (DOUBLE, "[D:0.0]", 0.0), (DOUBLE, "[M:10.5]", 10.5),
    (CHECKBOX, "[I:1]", True), (CHECKBOX, "[I:0]", False), (CHECKBOX, "", False),
    (DATETIME, "[DT:12/31/2013 23:59:59.0000000]", datetime(2013, 12, 31, 23, 59, 59)),
    (DATETIME, "[DT:11/09/2017 14:53:18]", datetime(2017, 11, 9, 14, 53, 18)),
    (DATETIME, "[D:09.11.2017]", datetime(2017, 11, 9)),
    (DATETIME, "", None), (INTEGER, "", None), (LIST, "NO", "NO"),
])
def test_decode_every_documented_form(field_type, text, expected):
    assert values.decode(field_type, text) == expected


@pytest.mark.parametrize("field_type,text", [
    (INTEGER, "[I:1.5]"), (INTEGER, "abc"), (INTEGER, "[DT:1/1/2020]"), (DOUBLE, "x"),
    (CHECKBOX, "[I:2]"), (DATETIME, "[DT:31/12/2013 10:00:00]"), (DATETIME, "tomorrow"),
])
def test_decode_refuses_what_is_not_the_type(field_type, text):
    with pytest.raises(values.ValueEncodingError):
        values.decode(field_type, text)


def test_encode_every_type():
    assert values.encode(INTEGER, 7) == "[I:7]"
    assert values.encode(DOUBLE, 2.5) == "[F:2.5]"
    assert values.encode(CHECKBOX, True) == "[I:1]" and values.encode(CHECKBOX, False) == "[I:0]"
    assert values.encode(DATETIME, date(2026, 3, 4)) == "[DT:03/04/2026 00:00:00.0000000]"
    assert values.encode(TEXT, None) == "" and values.encode(TEXT, False) == ""


@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(9999, 1, 1)))
def test_datetime_round_trips(moment):
    assert values.decode(DATETIME, values.encode(DATETIME, moment)) == moment


@given(st.datetimes(min_value=datetime(1000, 1, 1)), st.datetimes(min_value=datetime(1000, 1, 1)))
def test_last_modified_text_order_is_time_order(a, b):
    a, b = a.replace(microsecond=0), b.replace(microsecond=0)
    ta, tb = values.format_timestamp(a), values.format_timestamp(b)
    assert (ta < tb) == (a < b) and (ta == tb) == (a == b)
    assert values.parse_timestamp(ta) == a


def test_unreadable_timestamp_means_from_the_beginning():
    assert values.parse_timestamp("") == values.EPOCH
    assert values.parse_timestamp("not a date") == values.EPOCH
    assert values.parse_timestamp("[DT:01/02/2026 03:04:05]") == datetime(2026, 1, 2, 3, 4, 5)


STRING_CASES = {
    "=": [("n", "=ilike", "a\\%b")], "isnot": ["!", ("n", "=ilike", "a\\%b")],
    "begins": [("n", "=ilike", "a\\%b%")], "notbegins": ["!", ("n", "=ilike", "a\\%b%")],
    "contains": [("n", "=ilike", "%a\\%b%")], "notcontains": ["!", ("n", "=ilike", "%a\\%b%")],
    "ends": [("n", "=ilike", "%a\\%b")], "notends": ["!", ("n", "=ilike", "%a\\%b")],
}


@pytest.mark.parametrize("operator", sorted(STRING_CASES))
def test_string_operators(operator):
    assert search.restriction_domain("n", TEXT, operator, ["a%b"]) == STRING_CASES[operator]


def test_between_number_bool_list_operators():
    assert search.restriction_domain("n", TEXT, "between", ["a", "c"]) == [("n", ">=", "a"), ("n", "<=", "c")]
    for op in (">", "<", ">=", "<=", "!=", "="):
        assert search.restriction_domain("x", INTEGER, op, ["[I:3]"]) == [("x", op, 3)]
    assert search.restriction_domain("x", DOUBLE, "between", ["[F:1]", "2.5"]) == [("x", ">=", 1.0), ("x", "<=", 2.5)]
    assert search.restriction_domain("b", CHECKBOX, "=", ["[I:0]"]) == [("b", "=", False)]
    codes = {"NO": 1, "SE": 2}
    assert search.restriction_domain("c", LIST, "oneof", ["NO", "XX", "SE"], convert=codes.get) == [("c", "in", [1, 2])]
    assert search.restriction_domain("c", LIST, "notoneof", ["NO"], convert=codes.get) == [("c", "not in", [1])]


def test_datetime_operators_ignore_seconds_or_use_days():
    t = "[DT:03/04/2026 10:20:30]"
    start, end = datetime(2026, 3, 4, 10, 20), datetime(2026, 3, 4, 10, 21)
    assert search.restriction_domain("d", DATETIME, "=", [t]) == [("d", ">=", start), ("d", "<", end)]
    assert search.restriction_domain("d", DATETIME, "before", [t]) == [("d", "<", start)]
    assert search.restriction_domain("d", DATETIME, "beforeOrEqual", [t]) == [("d", "<", end)]
    assert search.restriction_domain("d", DATETIME, "after", [t]) == [("d", ">=", end)]
    assert search.restriction_domain("d", DATETIME, "afterOrEqual", [t]) == [("d", ">=", start)]
    assert search.restriction_domain("d", DATETIME, "between", [t, t], date_only=True) == [
        ("d", ">=", date(2026, 3, 4)), ("d", "<", date(2026, 3, 5))]


@pytest.mark.parametrize("field_type,operator,vals", [
    (TEXT, ">", ["a"]), (INTEGER, "contains", ["1"]), (LIST, "=", ["NO"]), (CHECKBOX, "!=", ["1"]),
    (TEXT, "between", ["a"]), (INTEGER, "=", ["x"]), (DATETIME, "=", [""]),
])
def test_bad_restrictions_are_refused(field_type, operator, vals):
    with pytest.raises(search.SearchError):
        search.restriction_domain("f", field_type, operator, vals)


# ------------------------------------------------------------------------- Online tokens

SO_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
APP_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
SO_PEM = SO_KEY.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(key=SO_KEY, **overrides):
    now = int(time.time())
    claims = {"iss": "SuperOffice AS", "aud": "spn:App-1", "nonce": "ab" * 16, "sub": "Cust1",
              "nbf": now - 60, "exp": now + 300, **overrides}
    claims = {k: v for k, v in claims.items() if v is not None}
    head = b64url(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
    body = b64url(json.dumps(claims).encode())
    signature = key.sign(f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{head}.{body}.{b64url(signature)}"


def test_valid_token_gives_its_nonce_and_the_answer_is_verifiable():
    nonce = auth.verify_token(token(aud="SPN:app-1"), keys_text=SO_PEM, client_id="App-1")
    assert nonce == "ab" * 16
    answer = auth.answer_token(nonce, APP_KEY)
    signed, signature = answer.rsplit(".", 1)
    stamp = signed.split(".")[1]
    assert signed.startswith(nonce + ".") and len(stamp) == 12
    APP_KEY.public_key().verify(base64.b64decode(signature), signed.encode(),
                                padding.PKCS1v15(), hashes.SHA256())


def test_jwks_document_is_accepted():
    numbers = SO_KEY.public_key().public_numbers()
    jwks = json.dumps({"keys": [{"kty": "RSA", "kid": "k1",
                                 "n": b64url(numbers.n.to_bytes(256, "big")),
                                 "e": b64url(numbers.e.to_bytes(3, "big"))}]})
    assert auth.verify_token(token(), keys_text=jwks, client_id="App-1")


@pytest.mark.parametrize("bad,reason", [
    ({"aud": "spn:other"}, "audience"), ({"exp": int(time.time()) - 3600}, "expired"),
    ({"iss": "Evil"}, "issuer"), ({"nonce": ""}, "nonce"), ({"exp": None}, "expiry"),
    ({"nbf": int(time.time()) + 3600}, "not valid yet"),
])
def test_bad_tokens_are_rejected(bad, reason):
    with pytest.raises(auth.TokenRejected, match=reason):
        auth.verify_token(token(**bad), keys_text=SO_PEM, client_id="App-1")


def test_token_signed_by_another_key_or_garbled_is_rejected():
    with pytest.raises(auth.TokenRejected, match="signature"):
        auth.verify_token(token(key=APP_KEY), keys_text=SO_PEM, client_id="App-1")
    with pytest.raises(auth.TokenRejected):
        auth.verify_token("garbage", keys_text=SO_PEM, client_id="App-1")
    with pytest.raises(auth.TokenRejected, match="No SuperOffice signing key"):
        auth.verify_token(token(), keys_text="", client_id="App-1")
