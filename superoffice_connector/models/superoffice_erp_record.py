"""Records SuperOffice's ERP Sync engine has linked: created (CreateActor) or saved (SaveActors).

SuperOffice keeps the link itself (ErpKey, actor type, timestamp); Odoo learns of it only from
these calls. A row here means SuperOffice's engine synchronizes the record through the ERP Sync
Connector, so the addon's own pull and push leave it alone (one engine per record) and the
record's SuperOffice tab says it is linked from SuperOffice.

``create_fingerprint`` makes CreateActor idempotent under retries: it is a hash of the
connection, the actor type, the parent and the sorted field values. A CreateActor whose
fingerprint matches a record created through the same connection within
``CREATE_RETRY_WINDOW`` answers that record instead of creating another one (a retry after a
lost answer sends exactly the same actor; two different new records never share all values).
"""

import hashlib
import json
from datetime import timedelta

from odoo import api, fields, models

from .. import compat

CREATE_RETRY_WINDOW = timedelta(minutes=30)


def create_fingerprint(connection, actor):
    payload = json.dumps(
        [connection.id, actor.actor_type, actor.parent_actor_type, actor.parent_erp_key,
         sorted(actor.field_values.items())],
        ensure_ascii=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


class SuperofficeErpRecord(models.Model):
    _name = "superoffice.erp.record"
    _description = "Record linked from SuperOffice's ERP Sync"
    _order = "id desc"

    connection_id = fields.Many2one(
        "superoffice.erp.connection", required=True, ondelete="cascade", index=True,
    )
    company_id = fields.Many2one(related="connection_id.company_id", store=True)
    actor_type = fields.Char(required=True)
    partner_id = fields.Many2one("res.partner", ondelete="cascade", index="btree_not_null")
    project_id = fields.Many2one("project.project", ondelete="cascade", index="btree_not_null")
    created_by_superoffice = fields.Boolean(readonly=True)
    create_fingerprint = fields.Char(index="btree_not_null", readonly=True)
    last_saved_at = fields.Datetime(readonly=True)

    _partner_uniq = compat.Constraint(
        "UNIQUE(connection_id, partner_id)", "A contact is linked once per ERP Sync connection.",
    )
    _project_uniq = compat.Constraint(
        "UNIQUE(connection_id, project_id)", "A project is linked once per ERP Sync connection.",
    )

    @api.model
    def _record_field(self, record):
        return "project_id" if record._name == "project.project" else "partner_id"

    @api.model
    def _mark(self, connection, actor_type, record, fingerprint=None):
        """Remember that SuperOffice's engine owns ``record`` (sudo: bookkeeping, not data)."""
        Record = self.sudo()
        name = self._record_field(record)
        row = Record.search([("connection_id", "=", connection.id), (name, "=", record.id)], limit=1)
        vals = {"last_saved_at": fields.Datetime.now(), "actor_type": actor_type}
        if row:
            row.write(vals)
            return row
        vals.update({"connection_id": connection.id, name: record.id,
                     "created_by_superoffice": bool(fingerprint),
                     "create_fingerprint": fingerprint})
        row = Record.create(vals)
        self._take_over(connection, record)
        return row

    @api.model
    def _take_over(self, connection, record):
        """Disconnect the link of the addon's own sync: one engine per record."""
        links = self.env["superoffice.link"].sudo().search([
            (self._record_field(record), "=", record.id), ("state", "!=", "disconnected")])
        if links:
            links.write({"state": "disconnected"})
            record.sudo().message_post(body=self.env._(
                "Linked from SuperOffice through ERP Sync (%(connection)s): SuperOffice's engine "
                "synchronizes this record from now on; the link of Odoo's own synchronization "
                "was disconnected.", connection=connection.sudo().name))

    @api.model
    def _created_before(self, connection, fingerprint):
        """The record a CreateActor with the same fingerprint created recently, if any."""
        since = fields.Datetime.now() - CREATE_RETRY_WINDOW
        row = self.sudo().search([
            ("connection_id", "=", connection.id), ("create_fingerprint", "=", fingerprint),
            ("create_date", ">=", since),
        ], limit=1)
        return row.project_id or row.partner_id

    @api.model
    def _owned(self, records):
        """The subset of ``records`` that SuperOffice's ERP Sync engine synchronizes."""
        if not records:
            return records
        name = self._record_field(records)
        rows = self.sudo().search([
            (name, "in", records.ids), ("connection_id.active", "=", True),
            ("connection_id.state", "=", "connected"),
        ])
        return records.browse(set(rows.mapped(name).ids))
