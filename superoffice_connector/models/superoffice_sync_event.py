"""Webhook deliveries: the primary keys SuperOffice told us about, waiting for the next pull.

The webhook endpoint only verifies and records (a few milliseconds, so SuperOffice never times
out and never retries because of us); the pull cron, triggered at once, reads the records by
primary key. Refused and ignored deliveries are kept too, with the reason, so an administrator can
see why an edit did not arrive.
"""

from odoo import fields, models

ENTITY_TYPES = {"contact": "company", "person": "person", "project": "project"}


class SuperofficeSyncEvent(models.Model):
    _name = "superoffice.sync.event"
    _description = "SuperOffice Webhook Event"
    _order = "id desc"

    connection_id = fields.Many2one(
        "superoffice.connection", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="connection_id.company_id", store=True)
    event_id = fields.Char(string="Event ID", index="btree_not_null")
    event = fields.Char(required=True)
    entity_type = fields.Selection(
        [("company", "Company"), ("person", "Person"), ("project", "Project")]
    )
    so_id = fields.Integer(string="SuperOffice ID")
    changed_by_associate_id = fields.Integer(string="Changed by associate")
    state = fields.Selection(
        [("pending", "Waiting for the pull"), ("done", "Pulled"), ("ignored", "Ignored"),
         ("refused", "Refused")],
        required=True, default="pending", index=True,
    )
    reason = fields.Char()

    _pending_idx = models.Index("(connection_id, entity_type, so_id) WHERE state = 'pending'")

    # ------------------------------------------------------------------ recording deliveries

    def _record_refused(self, connection, raw_body, signature):
        """Log a delivery whose signature did not match (nothing of its body is trusted)."""
        return self.create({
            "connection_id": connection.id,
            "event": "?",
            "state": "refused",
            "reason": self.env._("Missing signature") if not signature
            else self.env._("Invalid signature (%(size)s bytes)", size=len(raw_body or b"")),
        })

    def _record_delivery(self, connection, event, hook_test=False):
        """Record a verified delivery and trigger the pull when it names a record to read.

        Ignored: SuperOffice's ``test`` event, entities we do not sync, and the echoes of our own
        writes (``ChangedByAssociateId`` is the connection's associate). A repeated delivery
        (same ``EventId``, SuperOffice retries when our answer got lost) is not recorded twice.
        """
        if event.event_id and self.search_count(
            [("connection_id", "=", connection.id), ("event_id", "=", event.event_id)], limit=1
        ):
            return self.browse()
        values = {
            "connection_id": connection.id,
            "event_id": event.event_id or False,
            "event": event.event or "?",
            "entity_type": ENTITY_TYPES.get(event.entity, False),
            "so_id": event.primary_key or 0,
            "changed_by_associate_id": event.changed_by_associate_id or 0,
        }
        own = connection.superoffice_associate_id
        if event.is_test or hook_test:
            values.update(state="ignored", reason=self.env._("Test event"))
        elif not values["entity_type"] or not values["so_id"]:
            values.update(state="ignored", reason=self.env._("Not a synchronized record"))
        elif own and event.changed_by_associate_id == own:
            values.update(state="ignored", reason=self.env._("Our own change (echo)"))
        record = self.create(values)
        if record.state == "pending":
            self.env.ref("superoffice_connector.superoffice_cron_pull")._trigger()
        return record
