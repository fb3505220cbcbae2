"""Endpoint for SuperOffice webhook deliveries.

    POST /superoffice/webhook/<connection id>
    X-SuperOffice-Signature: base64(HMAC-SHA256(webhook secret, raw body))

The body is capped at :data:`MAX_BODY` bytes before anything reads it: a body without a declared
length, or with a larger one, is refused with 413 unread.
It is checked against the connection's secret over the raw bytes before it is parsed; a delivery
without a valid signature is refused (403), and so is a signed one whose ``Timestamp`` is far
from now (a replay). Refusals are counted, not stored one by one (see
``superoffice.sync.event``). A valid delivery is recorded as a ``superoffice.sync.event`` (once,
however often it is repeated) and the pull cron is triggered: the endpoint never calls
SuperOffice itself, so it answers within milliseconds and SuperOffice does not retry because of a
slow reply.
"""

import logging

from odoo import http
from odoo.http import request

from ..api import parse_webhook, verify_signature
from ..api.exceptions import MalformedResponseError
from ..api.webhooks import SIGNATURE_HEADER
from ..models.superoffice_sync_event import REFUSALS, body_digest

_logger = logging.getLogger(__name__)

# SuperOffice's deliveries are a few hundred bytes (a created event with FieldValues a few KB).
MAX_BODY = 64 * 1024


class SuperofficeWebhookController(http.Controller):
    @http.route(
        "/superoffice/webhook/<int:connection_id>", type="http", auth="public", methods=["POST"],
        csrf=False, save_session=False, max_content_length=MAX_BODY,
    )
    def superoffice_webhook(self, connection_id, **_kwargs):
        env = request.env(su=True)
        connection = env["superoffice.connection"].browse(connection_id).exists()
        Event = env["superoffice.sync.event"]
        if not connection or not connection.active:
            if REFUSALS.add((env.cr.dbname, "unknown")):
                _logger.warning("SuperOffice webhook for unknown connection %s refused",
                                connection_id)
            return request.make_response("unknown connection", status=404)
        remote_addr = request.httprequest.remote_addr
        raw = self._read_body()
        if raw is None:
            Event._record_refused(connection, "too_large", MAX_BODY, remote_addr)
            return request.make_response("too large", status=413)
        signature = request.httprequest.headers.get(SIGNATURE_HEADER)
        if not verify_signature(connection.webhook_secret, raw, signature):
            kind = "bad_signature" if signature else "no_signature"
            Event._record_refused(connection, kind, len(raw), remote_addr)
            return request.make_response("invalid signature", status=403)
        try:
            event = parse_webhook(raw)
        except MalformedResponseError as exc:
            _logger.warning("SuperOffice webhook for connection %s unreadable: %s",
                            connection_id, exc)
            return request.make_response("malformed", status=400)
        if not Event._timestamp_ok(event):
            Event._record_refused(connection, "stale", len(raw), remote_addr)
            return request.make_response("stale", status=403)
        hook_test = request.httprequest.headers.get("X-Hook-Test", "").lower() == "true"
        Event._record_delivery(connection, event, hook_test=hook_test, digest=body_digest(raw))
        return request.make_response("ok", status=200)

    def _read_body(self):
        """The raw body, or ``None`` when it has no declared length or a length over
        :data:`MAX_BODY` (then nothing was read). The read is bounded by the declared length:
        a chunked body (no length) could only be read to its end."""
        httprequest = request.httprequest
        length = httprequest.content_length
        if length is None or length > MAX_BODY:
            return None
        return httprequest.get_data(cache=False)
