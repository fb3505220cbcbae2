"""Values one side holds that the other side cannot represent (``sync.merge.hold``).

Odoo's default project stage "To Do" is no SuperOffice project status, and SuperOffice's status
"Completed" is no Odoo stage: such a value is not sent (or not taken), the other side keeps its
own, and the base holds the difference so that the next run neither sends it again nor asks a
person again. The difference is told once, in the record's chatter, when the hold begins.
"""

from odoo import api, models

from ..sync import merge


class SuperofficeSyncService(models.AbstractModel):
    _inherit = "superoffice.sync.service"

    @api.model
    def _new_holds(self, old_base, new_base, sides=("odoo", "so")):
        """{key: [side, value]} of the holds in ``new_base`` that ``old_base`` did not have."""
        old = (old_base or {}).get(merge.HELD) or {}
        new = (new_base or {}).get(merge.HELD) or {}
        return {k: v for k, v in new.items() if v[0] in sides and old.get(k) != v}

    @api.model
    def _post_new_holds(self, record, fields_, old_base, new_base, sides=("odoo", "so"),
                         entity=None):
        """Tell once, in the record's chatter, which values one side holds that the other side
        cannot represent (they are not synchronized until one side changes)."""
        holds = self._new_holds(old_base, new_base, sides)
        if not holds:
            return
        by_key = {f.key: f for f in fields_}
        connection = record.sudo().superoffice_link_ids.connection_id[:1]
        sentences = []
        for key, (side, value) in holds.items():
            fmap = by_key.get(key)
            if fmap is None:
                continue
            shown = record._superoffice_display(fmap, value, connection, entity) or "-"
            kept = record._superoffice_display(fmap, new_base.get(key), connection, entity) or "-"
            if side == "odoo":
                sentences.append(self.env._(
                    "%(field)s %(value)s was not sent: SuperOffice has no matching value and "
                    "keeps %(kept)s. Add the value in SuperOffice, or choose another one on "
                    "either side.", field=fmap.label, value=shown, kept=kept,
                ))
            else:
                sentences.append(self.env._(
                    "%(field)s %(value)s from SuperOffice was not taken: Odoo has no matching "
                    "value and keeps %(kept)s. Add the value in Odoo, or choose another one on "
                    "either side.", field=fmap.label, value=shown, kept=kept,
                ))
        if sentences:
            record.sudo().with_context(superoffice_sync=True).message_post(
                body=self.env._("Not synchronized: %(sentences)s",
                                sentences=" ".join(sentences)),
            )
