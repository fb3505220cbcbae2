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
        """Synchronize this link at once (from the link list or the conflicts list)."""
        self.ensure_one()
        self._odoo_record().check_access("write")
        outcome = self.connection_id._sync_link(self)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Synchronized"),
                "message": self._outcome_message(outcome),
                "type": "success" if outcome != "conflict" else "warning",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _outcome_message(self, outcome):
        """The translated sentence of a Sync now outcome (see ``_sync_link``)."""
        messages = {
            "updated": self.env._("Odoo was updated from SuperOffice."),
            "pushed": self.env._("SuperOffice was updated from Odoo."),
            "unchanged": self.env._("Both sides were already the same."),
            "conflict": self.env._("The record changed on both sides: resolve the conflict."),
            "deleted": self.env._("The record was deleted in SuperOffice."),
        }
        return messages.get(outcome) or self.env._("Synchronized.")
