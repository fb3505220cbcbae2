"""Register and unregister the connection's webhook in SuperOffice (connection form buttons).

``superoffice.sync.webhook`` is a service (abstract model) called with the connection by its
``action_register_webhook`` / ``action_unregister_webhook`` buttons. One webhook per connection,
for the create/change/delete events of companies, persons and projects, pointing at
``<web.base.url>/superoffice/webhook/<connection id>`` and signed with the connection's secret
(generated when empty). SuperOffice only calls HTTPS URLs with a valid certificate and checks the
URL with a test call when the webhook is saved: that call reaches our endpoint while the
registration request is still open, in another transaction, so the secret it is signed with must
already be committed (connections get one at creation; an empty one is refused before calling).
"""

import logging

from odoo import models

from ..api import exceptions as so_exc

_logger = logging.getLogger(__name__)

WEBHOOK_EVENTS = (
    "contact.created", "contact.changed", "contact.softdeleted", "contact.deleted",
    "person.created", "person.changed", "person.softdeleted", "person.deleted",
    "project.created", "project.changed", "project.deleted",
)


class SuperofficeSyncWebhook(models.AbstractModel):
    _name = "superoffice.sync.webhook"
    _description = "SuperOffice Synchronization: webhook registration"

    def _target_url(self, connection):
        """The URL SuperOffice posts the connection's events to."""
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        return f"{base.rstrip('/')}/superoffice/webhook/{connection.id}"

    def _register_webhook(self, connection):
        """Create the webhook in SuperOffice (replacing the one registered before, if any);
        ``connection`` is sudo'ed (it reads the secret). Raises the client's exceptions (or
        ValueError for an incomplete configuration)."""
        connection.ensure_one()
        client = connection._get_client()
        if connection.webhook_id:
            self._delete_webhook(client, connection.webhook_id)
            connection.webhook_id = 0
        body = client.get_json("Webhook/default")
        body.update({
            "Name": f"Odoo {self.env.cr.dbname} {connection.name}"[:100],
            "Events": list(WEBHOOK_EVENTS),
            "TargetUrl": self._target_url(connection),
            "Secret": connection.webhook_secret,
            "State": "Active",
            "Type": "webhook",
        })
        response = client.request("POST", "Webhook", json=body)
        connection.webhook_id = int(response.json().get("WebhookId") or 0)
        return connection.webhook_id

    def _unregister_webhook(self, connection):
        """Delete the connection's webhook in SuperOffice, if it has one."""
        connection.ensure_one()
        if connection.webhook_id:
            self._delete_webhook(connection._get_client(), connection.webhook_id)
        connection.webhook_id = 0

    def _delete_webhook(self, client, webhook_id):
        try:
            client.request("DELETE", f"Webhook/{int(webhook_id)}")
        except so_exc.NotFoundError:
            # Deleted in SuperOffice already (by hand, or a tenant reset): the goal is reached.
            _logger.info("SuperOffice webhook %s was already gone", webhook_id)
