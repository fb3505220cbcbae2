"""Sync now for one link, straight through the sync core's three-way merge.

The sync engine (``models/superoffice_sync_engine.py``) provides ``_sync_link``; while it is not
installed this small version is used instead, and once it is, this method only calls it.
"""

from odoo import fields, models

from ..api import exceptions as so_exc
from ..sync import merge, transforms
from .superoffice_search import KIND


class SuperofficeConnection(models.Model):
    _inherit = "superoffice.connection"

    def _sync_link(self, link):
        parent = getattr(super(), "_sync_link", None)
        if parent is not None:
            return parent(link)
        return self._sync_link_merge(link)

    def _sync_link_merge(self, link):
        """Merge one link: both writes, or the conflict recorded; returns the MergeResult.

        The Odoo write is made first and the PATCH last, so a SuperOffice error (raised as a
        translated UserError) rolls back the Odoo side too."""
        self.ensure_one()
        record = link._odoo_record()
        fmaps = self._mapping(link.entity_type)
        try:
            service = self._get_client().service(KIND[link.entity_type])
            entity = service.get(link.so_id)
        except (so_exc.SuperOfficeError, ValueError) as exc:
            self._raise_user_error(exc)
        so_values = transforms.from_superoffice(link.entity_type, entity, fmaps)
        odoo_values = record._superoffice_values(fmaps, self)
        result = merge.three_way(
            link.base_snapshot or None, odoo_values, so_values, fmaps, self.conflict_policy
        )
        patch = {}
        if result.to_so:
            patch = transforms.to_superoffice_patch(
                link.entity_type, result.to_so, fmaps, current=entity.raw
            )
        if result.to_odoo:
            record._superoffice_apply(result.to_odoo, fmaps, self)
        values = {
            "base_snapshot": result.new_base,
            "last_sync_at": fields.Datetime.now(),
            "retry_count": 0,
            "last_error": False,
        }
        if result.has_conflicts:
            values.update(state="conflict", conflict_fields=[c.key for c in result.conflicts])
        else:
            values.update(state="linked", conflict_fields=False)
        link.write(values)
        self.env.flush_all()
        if patch:
            try:
                entity = service.patch(link.so_id, patch)
            except (so_exc.SuperOfficeError, ValueError) as exc:
                self._raise_user_error(exc)
        if entity.updated:
            link.so_updated_at = entity.updated.replace(tzinfo=None)
        return result
