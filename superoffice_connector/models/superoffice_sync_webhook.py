"""Register and unregister the connection's webhook in SuperOffice (connection form buttons).

One webhook per connection, for the create/change/delete events of companies, persons and
projects, pointing at ``<web.base.url>/superoffice/webhook/<connection id>`` and signed with the
connection's secret (generated when empty). SuperOffice only calls HTTPS URLs with a valid
certificate and checks the URL with a test call when the webhook is saved.
"""

import secrets

from odoo import models

from ..api import exceptions as so_exc

WEBHOOK_EVENTS = (
    "contact.created", "contact.changed", "contact.softdeleted", "contact.deleted",
    "person.created", "person.changed", "person.softdeleted", "person.deleted",
    "project.created", "project.changed", "project.deleted",
)


class SuperofficeConnection(models.Model):
    _inherit = "superoffice.connection"

    def _webhook_url(self):
        self.ensure_one()
        base = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        return f"{base.rstrip('/')}/superoffice/webhook/{self.id}"

    def action_register_webhook(self):
        """Create the webhook in SuperOffice (replacing the one registered before, if any)."""
        self.ensure_one()
        self.check_access("write")
        connection = self.sudo()
        if not connection.webhook_secret:
            connection.webhook_secret = secrets.token_urlsafe(32)
        client = connection._get_client()
        try:
            if connection.webhook_id:
                self._delete_webhook(client, connection.webhook_id)
            body = client.get_json("Webhook/default")
            body.update({
                "Name": f"Odoo {self.env.cr.dbname} {connection.name}"[:100],
                "Events": list(WEBHOOK_EVENTS),
                "TargetUrl": connection._webhook_url(),
                "Secret": connection.webhook_secret,
                "State": "Active",
                "Type": "webhook",
            })
            response = client.request("POST", "Webhook", json=body)
            webhook_id = int(response.json().get("WebhookId") or 0)
        except (so_exc.SuperOfficeError, ValueError) as exc:
            self._raise_user_error(exc)
        connection.webhook_id = webhook_id
        return self._notification(
            self.env._("Webhook registered"),
            self.env._("SuperOffice now notifies %(url)s of changes.", url=self._webhook_url()),
            "success",
        )

    def action_unregister_webhook(self):
        """Delete the webhook in SuperOffice; the scheduled pull keeps working without it."""
        self.ensure_one()
        self.check_access("write")
        connection = self.sudo()
        if connection.webhook_id:
            try:
                self._delete_webhook(connection._get_client(), connection.webhook_id)
            except (so_exc.SuperOfficeError, ValueError) as exc:
                self._raise_user_error(exc)
        connection.webhook_id = 0
        return self._notification(
            self.env._("Webhook removed"),
            self.env._("Changes are now read by the scheduled pull only."), "info",
        )

    def _delete_webhook(self, client, webhook_id):
        try:
            client.request("DELETE", f"Webhook/{int(webhook_id)}")
        except so_exc.NotFoundError:
            pass  # already gone in SuperOffice
