"""What the Odoo processes serving one connection share: the system user's ticket, the
tenant's address, and the copies of SuperOffice's users and lists with the time they were read
(see ``api/shared.py``).

Without it each worker process logged in and discovered the tenant on its own. The values live
in ``superoffice_shared_state`` (one row per connection and name, JSON), read and written on
the process's own bookkeeping connection (the one of its rate limiter), outside Odoo's
transactions, so a value another process stored is seen at once. The ticket is a credential:
the table is readable by SuperOffice administrators only and emptied by ``neutralize.sql``.
"""

import json

from odoo import fields, models

from .. import compat
from ..api.shared import SharedState


class SuperofficeSharedState(models.Model):
    _name = "superoffice.shared.state"
    _description = "SuperOffice Client State Shared by Processes"
    _log_access = False

    # A plain id, no foreign key (see superoffice.rate.limit).
    connection_id = fields.Integer(required=True, readonly=True)
    name = fields.Char(required=True, readonly=True)
    value = fields.Text(readonly=True)

    _connection_name_uniq = compat.Constraint(
        "UNIQUE(connection_id, name)", "One value per connection and name."
    )


class DatabaseState(SharedState):
    """The shared state of connection ``connection_id``, on the bookkeeping connection ``db``
    (an ``OwnConnection``)."""

    def __init__(self, db, connection_id):
        self.db = db
        self.connection_id = connection_id

    def get(self, name):
        row = self.db.fetchone(
            "SELECT value FROM superoffice_shared_state WHERE connection_id = %s AND name = %s",
            (self.connection_id, name),
        )
        return json.loads(row[0]) if row and row[0] else None

    def put(self, name, value):
        self.db.fetchone(
            "INSERT INTO superoffice_shared_state (connection_id, name, value) "
            "VALUES (%s, %s, %s) ON CONFLICT (connection_id, name) "
            "DO UPDATE SET value = EXCLUDED.value",
            (self.connection_id, name, json.dumps(value) if value else None),
        )
