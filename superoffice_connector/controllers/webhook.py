"""Endpoint for SuperOffice webhook deliveries.

    POST /superoffice/webhook/<connection id>
    X-SuperOffice-Signature: base64(HMAC-SHA256(webhook secret, raw body))

The body is checked against the connection's secret over the raw bytes before it is parsed; a
delivery without a valid signature is refused (403) and logged. A valid one is recorded as a
``superoffice.sync.event`` and the pull cron is triggered: the endpoint never calls SuperOffice
itself, so it answers within milliseconds and SuperOffice does not retry because of a slow reply.
"""

import logging

from odoo import http
from odoo.http import request

from ..api import parse_webhook, verify_signature
from ..api.exceptions import MalformedResponseError
from ..api.webhooks import SIGNATURE_HEADER

_logger = logging.getLogger(__name__)


class SuperofficeWebhookController(http.Controller):
    @http.route(
        "/superoffice/webhook/<int:connection_id>", type="http", auth="public", methods=["POST"],
        csrf=False, save_session=False,
    )
    def superoffice_webhook(self, connection_id, **_kwargs):
        raw = request.httprequest.get_data(cache=False)
        env = request.env(su=True)
        connection = env["superoffice.connection"].browse(connection_id).exists()
        Event = env["superoffice.sync.event"]
        if not connection or not connection.active:
            _logger.warning("SuperOffice webhook for unknown connection %s refused", connection_id)
            return request.make_response("unknown connection", status=404)
        signature = request.httprequest.headers.get(SIGNATURE_HEADER)
        if not verify_signature(connection.webhook_secret, raw, signature):
            _logger.warning(
                "SuperOffice webhook for connection %s refused: %s", connection_id,
                "no signature" if not signature else "invalid signature",
            )
            Event._record_refused(connection, raw, signature)
            return request.make_response("invalid signature", status=403)
        try:
            event = parse_webhook(raw)
        except MalformedResponseError as exc:
            _logger.warning("SuperOffice webhook for connection %s unreadable: %s",
                            connection_id, exc)
            return request.make_response("malformed", status=400)
        hook_test = request.httprequest.headers.get("X-Hook-Test", "").lower() == "true"
        Event._record_delivery(connection, event, hook_test=hook_test)
        return request.make_response("ok", status=200)
