"""Online: ``IIntegrationServiceConnectorAuth.Authenticate`` (``D/online/example-api.md``).

SuperOffice's Application Authorization Service sends an RS256 JWT; the connector checks it as
SuperOffice's own host does (issuer ``SuperOffice AS``, audience ``spn:<client id>`` compared
case-insensitively, expiry, signature with SuperOffice's key, a non-empty ``nonce``) and answers
with the nonce signed by the application's private key in the documented partner-token format
``nonce.yyyyMMddHHmm.base64(RSA-SHA256(nonce.yyyyMMddHHmm))``.
"""

import json

from cryptography.hazmat.primitives.asymmetric import rsa

from ..api.exceptions import AuthenticationError, MalformedResponseError
from ..api.signing import decode_jwt, load_public_key, sign_system_token

ISSUER = "SuperOffice AS"


class TokenRejected(ValueError):
    """The SignedToken is not acceptable; the message says why (English, for the log)."""


def _jwks_keys(text):
    import base64

    def number(part):
        return int.from_bytes(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)), "big")

    keys = json.loads(text).get("keys", [])
    return [rsa.RSAPublicNumbers(number(k["e"]), number(k["n"])).public_key()
            for k in keys if k.get("kty") == "RSA"]


def signing_keys(text):
    """SuperOffice's token signing keys from a PEM key or certificate, or a JWKS document."""
    text = (text or "").strip()
    if not text:
        return []
    if text.startswith("{"):
        try:
            return _jwks_keys(text)
        except (ValueError, KeyError, TypeError):
            raise TokenRejected("The SuperOffice signing keys are not a valid JWKS document")
    try:
        return [load_public_key(text)]
    except AuthenticationError as exc:
        raise TokenRejected(str(exc))


def verify_token(token, *, keys_text, client_id, now=None, leeway=60):
    """Return the ``nonce`` of a valid SuperOffice token or raise :class:`TokenRejected`."""
    keys = signing_keys(keys_text)
    if not keys:
        raise TokenRejected("No SuperOffice signing key is configured")
    if not client_id:
        raise TokenRejected("No application (client) id is configured")
    claims, last_error = None, None
    for key in keys:
        try:
            claims = decode_jwt(token or "", public_key=key, leeway=leeway, now=now)
            break
        except (AuthenticationError, MalformedResponseError) as exc:
            last_error = exc
    if claims is None:
        raise TokenRejected(str(last_error))
    if "exp" not in claims:
        raise TokenRejected("The token has no expiry")
    if claims.get("iss") != ISSUER:
        raise TokenRejected(f"Wrong issuer {claims.get('iss')!r}")
    audiences = claims.get("aud")
    audiences = audiences if isinstance(audiences, list) else [audiences]
    if f"spn:{client_id}".lower() not in [str(a).lower() for a in audiences]:
        raise TokenRejected("Wrong audience, mismatch on application identifier")
    nonce = claims.get("nonce")
    if not nonce:
        raise TokenRejected("Failed to retrieve nonce from the token")
    return str(nonce)


def answer_token(nonce, private_key, now=None):
    """The SignedApplicationToken: the nonce signed with the application's key."""
    return sign_system_token(nonce, private_key, now=now)
