"""SuperOffice writes in flight: the record of a PATCH, committed before the PATCH is sent.

A run that dies after sending a PATCH but before Odoo committed the new base leaves the link with
its old base. Its record (``sync.merge.in_flight``: the base it merged with, the values sent,
the keys written to Odoo, its new base and SuperOffice's change stamp as read) lets the next run
recover the right base (``sync.merge.recover_base``, see ``superoffice.link._flight``): an Odoo
edit made in between back to the old value is not mistaken for "unchanged" and overwritten, and
a field whose newest value cannot be told is a conflict. Only the latest record of a link counts:
each run merges with the base recovered from the previous one.

Why a table of its own and not a field on the link: the row is written and committed in a
separate cursor while the run's transaction holds the link's row lock (``try_lock_for_update``,
``FOR UPDATE``) or has already updated the link; an UPDATE of the link (or a foreign key to it)
from that cursor would wait for the run's own transaction forever. Rows are only ever inserted
(never updated), so the run's REPEATABLE READ snapshot never meets a concurrent update; a row
counts as settled once its id is at most the link's ``pending_so_resolved_id``, which is written
in the run's transaction together with the base snapshot.
"""

from odoo import api, fields, models


class SuperofficeLinkPending(models.Model):
    _name = "superoffice.link.pending"
    _description = "SuperOffice write in flight"
    _order = "id"
    _log_access = False

    # A plain integer, not a Many2one: a foreign key check would wait for the link's row lock.
    link_id = fields.Integer(string="Link ID", required=True, index=True)
    so_values = fields.Json(string="Values sent")
    flight = fields.Json(
        string="Run record",
        help="What the run sent and what it read; the next run uses it to finish the write.",
    )

    @api.autovacuum
    def _gc_settled(self):
        """Remove the rows already in their link's base, and those of links deleted by the
        database (a partner, project or connection deleted with its links: ``ondelete``)."""
        self.env.flush_all()
        self.env.cr.execute("""
            DELETE FROM superoffice_link_pending p
             WHERE NOT EXISTS (SELECT 1 FROM superoffice_link l
                                WHERE l.id = p.link_id
                                  AND COALESCE(l.pending_so_resolved_id, 0) < p.id)
        """)
        self.env.invalidate_all()

