"""Conflicts: links whose record changed on both sides since the last synchronization.

The background sync never overwrites such a field (unless the connection's policy says who
wins); it leaves the link in "conflict" with the keys in ``conflict_fields``. The "Sync
conflicts" menu lists those links; Resolve opens the Connect wizard's side-by-side resolve step
on the link, the same screen as the SuperOffice tab's button, which writes the chosen values to
both sides and clears the state.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError


class SuperofficeLink(models.Model):
    _inherit = "superoffice.link"

    conflict_labels = fields.Char(
        string="Changed on both sides", compute="_compute_conflict_labels"
    )

    @api.depends("conflict_fields", "entity_type", "connection_id")
    def _compute_conflict_labels(self):
        for link in self:
            keys = link.conflict_fields or []
            labels = {f.key: f.label for f in link._mapping()} if keys else {}
            link.conflict_labels = ", ".join(
                labels.get(k, k) for k in keys
            ) or False

    def action_resolve_conflict(self):
        """Open the side-by-side resolution screen of this link's conflict."""
        self.ensure_one()
        if self.state != "conflict":
            raise UserError(self.env._("This link has no sync conflict."))
        record = self._odoo_record()
        record.check_access("write")
        return self.env["superoffice.connect.wizard"]._open_for(record, self)

    def action_sync_now(self):
        """Synchronize this link at once (from the link list or the conflicts list), with the
        same report as the record's Sync now button."""
        self.ensure_one()
        return self._odoo_record()._superoffice_sync_now(self)
