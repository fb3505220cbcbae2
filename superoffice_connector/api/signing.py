"""RSA keys, system-user token signing and RS256 JWT checks (``cryptography`` only)."""

import base64
import json
import re
import time
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .exceptions import AuthenticationError, MalformedResponseError

IDENTITY_NS = "http://schemes.superoffice.net/identity/"
TICKET_CLAIM = IDENTITY_NS + "ticket"
CTX_CLAIM = IDENTITY_NS + "ctx"
_XML_PARTS = ("Modulus", "Exponent", "P", "Q", "DP", "DQ", "InverseQ", "D")


def _b64_int(text):
    return int.from_bytes(base64.b64decode("".join(text.split())), "big")


_PEM_RE = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.S)


def _reflow_pem(text):
    """PEM with its line breaks restored: a key pasted into a one-line (masked) input arrives
    with them removed, and the body is base64 whatever the breaks."""
    match = _PEM_RE.search(text)
    if not match:
        return text
    label, body = match.group(1), "".join(match.group(2).split())
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return "\n".join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----", ""])


def load_private_key(key):
    """Load an RSA private key given as PEM text/bytes or as SuperOffice's ``<RSAKeyValue>`` XML.

    Line breaks do not matter (see :func:`_reflow_pem`)."""
    if isinstance(key, rsa.RSAPrivateKey):
        return key
    text = key.decode() if isinstance(key, bytes) else str(key)
    text = text.strip()
    if text.startswith("<"):
        return _private_key_from_xml(text)
    try:
        loaded = serialization.load_pem_private_key(_reflow_pem(text).encode(), password=None)
    except (ValueError, TypeError):
        raise AuthenticationError("The private key is neither a PEM RSA key nor RSA-XML.")
    if not isinstance(loaded, rsa.RSAPrivateKey):
        raise AuthenticationError("The private key is not an RSA key.")
    return loaded


def _private_key_from_xml(text):
    try:
        root = ET.fromstring(text)
        parts = {child.tag.split("}")[-1]: child.text or "" for child in root}
        values = {name: _b64_int(parts[name]) for name in _XML_PARTS}
        public = rsa.RSAPublicNumbers(values["Exponent"], values["Modulus"])
        numbers = rsa.RSAPrivateNumbers(
            p=values["P"], q=values["Q"], d=values["D"], dmp1=values["DP"],
            dmq1=values["DQ"], iqmp=values["InverseQ"], public_numbers=public,
        )
        return numbers.private_key()
    except (ET.ParseError, KeyError, ValueError, TypeError):
        raise AuthenticationError(
            "The RSA-XML private key is incomplete or invalid (needs Modulus, Exponent, P, Q, "
            "DP, DQ, InverseQ and D)."
        )


def private_key_to_xml(key):
    """Serialise a private key as ``<RSAKeyValue>`` (what SuperOffice's portal hands out)."""
    numbers = load_private_key(key).private_numbers()

    def enc(n):
        return base64.b64encode(n.to_bytes((n.bit_length() + 7) // 8, "big")).decode()

    values = {
        "Modulus": numbers.public_numbers.n, "Exponent": numbers.public_numbers.e,
        "P": numbers.p, "Q": numbers.q, "DP": numbers.dmp1, "DQ": numbers.dmq1,
        "InverseQ": numbers.iqmp, "D": numbers.d,
    }
    body = "".join(f"<{k}>{enc(v)}</{k}>" for k, v in values.items())
    return f"<RSAKeyValue>{body}</RSAKeyValue>"


def load_public_key(key):
    if isinstance(key, rsa.RSAPublicKey):
        return key
    text = key.decode() if isinstance(key, bytes) else str(key)
    text = text.strip()
    try:
        if "CERTIFICATE" in text:
            from cryptography import x509

            return x509.load_pem_x509_certificate(text.encode()).public_key()
        return serialization.load_pem_public_key(text.encode())
    except ValueError:
        raise AuthenticationError("The token signing public key is not a PEM key or certificate.")


def sign_system_token(system_token, private_key, now=None):
    """``token.yyyyMMddHHmm.base64(RSA-SHA256-PKCS1v15(token.yyyyMMddHHmm))`` in UTC."""
    now = now or datetime.now(timezone.utc)
    data = f"{system_token}.{now.astimezone(timezone.utc).strftime('%Y%m%d%H%M')}"
    signature = load_private_key(private_key).sign(
        data.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256()
    )
    return f"{data}.{base64.b64encode(signature).decode('ascii')}"


def _b64url_decode(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def decode_jwt(token, *, public_key=None, tenant=None, leeway=60, now=None):
    """Return the claims of an RS256 JWT after checking signature (if a key is given), ``exp``,
    ``nbf`` and the tenant (``…/identity/ctx``) claim."""
    try:
        header_b64, payload_b64, signature_b64 = token.split(".")
        header = json.loads(_b64url_decode(header_b64))
        claims = json.loads(_b64url_decode(payload_b64))
        signature = _b64url_decode(signature_b64)
    except (ValueError, AttributeError):
        raise MalformedResponseError("The authentication answer holds no readable JWT.")
    if not isinstance(claims, dict):
        raise MalformedResponseError("The JWT holds no claims object.")
    if public_key is not None:
        if header.get("alg") != "RS256":
            raise AuthenticationError("The JWT is not signed with RS256.")
        try:
            load_public_key(public_key).verify(
                signature, f"{header_b64}.{payload_b64}".encode("ascii"),
                padding.PKCS1v15(), hashes.SHA256(),
            )
        except InvalidSignature:
            raise AuthenticationError("The JWT signature is not valid for the configured key.")
    now = time.time() if now is None else now
    exp = claims.get("exp")
    if exp is not None and float(exp) + leeway < now:
        raise AuthenticationError("The JWT returned by SuperOffice has already expired.")
    nbf = claims.get("nbf")
    if nbf is not None and float(nbf) - leeway > now:
        raise AuthenticationError("The JWT returned by SuperOffice is not valid yet.")
    if tenant is not None:
        ctx = claims.get(CTX_CLAIM)
        if ctx is None:
            raise AuthenticationError("The JWT returned by SuperOffice names no tenant.")
        if str(ctx).lower() != tenant.lower():
            raise AuthenticationError(f"The JWT was issued for another tenant than {tenant}.")
    return claims
