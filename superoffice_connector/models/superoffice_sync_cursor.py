"""Pull watermarks: per connection and entity type, how far the change feed has been read.

``watermark`` is the start time of the last complete pull of that entity type; the next pull
asks SuperOffice for records updated after ``watermark - overlap``. While a pull runs,
``run_start`` holds its start time and ``after_id`` the last primary key whose batch committed, so
a run that stops early (429, time limit, crash) is resumed by the next one where it stopped, in
the same window; the watermark moves to ``run_start`` only after the last batch committed.
The row is also the pull's lock: a pull reads one entity feed only while holding it.
"""

from odoo import fields, models

from .. import compat


class SuperofficeSyncCursor(models.Model):
    _name = "superoffice.sync.cursor"
    _description = "SuperOffice Pull Watermark"
    _order = "connection_id, entity_type"

    connection_id = fields.Many2one(
        "superoffice.connection", required=True, index=True, ondelete="cascade"
    )
    entity_type = fields.Selection(
        [("company", "Company"), ("person", "Person"), ("project", "Project")], required=True
    )
    watermark = fields.Datetime(help="Start of the last complete pull (UTC).")
    run_start = fields.Datetime(help="Start of the pull in progress, if any.")
    after_id = fields.Integer(
        string="Resume after ID", help="Last primary key of the run in progress that committed."
    )

    _connection_entity_uniq = compat.Constraint(
        "UNIQUE(connection_id, entity_type)", "One watermark per connection and entity type."
    )

    def _for(self, connection, entity_type):
        cursor = self.search(
            [("connection_id", "=", connection.id), ("entity_type", "=", entity_type)], limit=1
        )
        return cursor or self.create({"connection_id": connection.id, "entity_type": entity_type})
