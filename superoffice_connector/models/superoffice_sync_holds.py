"""Values one side holds that the other side cannot represent (``sync.merge.hold``).

Odoo's default project stage "To Do" is no SuperOffice project status, and SuperOffice's status
"Completed" is no Odoo stage: such a value is not sent (or not taken), the other side keeps its
own, and the base holds the difference so that the next run neither sends it again nor asks a
person again. The difference is told once, in the record's chatter, when the hold begins.
"""

from odoo import api, models

from ..sync import canonical, merge


class SuperofficeSyncService(models.AbstractModel):
    _inherit = "superoffice.sync.service"

    @api.model
    def _new_holds(self, old_base, new_base, sides=("odoo", "so")):
        """{key: [side, value]} of the holds in ``new_base`` that ``old_base`` did not have."""
        old = (old_base or {}).get(merge.HELD) or {}
        new = (new_base or {}).get(merge.HELD) or {}
        return {k: v for k, v in new.items() if v[0] in sides and old.get(k) != v}

    @api.model
    def _release_resolved_holds(self, fields_, base, lookups):
        """``base`` without the holds of Odoo list values and users SuperOffice has by now (an
        administrator added the value to SuperOffice's list, or the user, since): the merge
        then sees Odoo's value as an edit and sends it. Every other hold stays."""
        held = (base or {}).get(merge.HELD) or {}

        def known(fmap, value):
            if fmap.transform == "owner":
                return lookups.associate_id(value) is not None
            return lookups.list_id(fmap.so_field, value) is not None

        released = [
            f.key for f in fields_
            if f.transform in ("list_item", "owner") and f.writes_so
            and held.get(f.key, [None])[0] == "odoo" and held[f.key][1]
            and known(f, held[f.key][1])
        ]
        if not released:
            return base
        base = dict(base)
        base[merge.HELD] = {k: v for k, v in held.items() if k not in released}
        if not base[merge.HELD]:
            del base[merge.HELD]
        return base

    @api.model
    def _held_report(self, fields_, base, record=None):
        """Sentences for Sync now on the values ``base`` holds (``sync.merge.hold``): the
        Odoo values not sent and the SuperOffice values not taken, each with its field, so
        that a Sync now that leaves the two sides different never says nothing changed.
        With ``record``, values are shown as on its screens (an owner by the user's name).
        Empty when nothing is held."""
        held = (base or {}).get(merge.HELD) or {}
        by_key = {f.key: f for f in fields_}
        connection = record.sudo().superoffice_link_ids.connection_id[:1] if record else None
        shown = {"odoo": [], "so": []}
        for key, (side, value) in held.items():
            fmap = by_key.get(key)
            if fmap is not None and side in shown:
                if record is not None:
                    value_shown = record._superoffice_display(fmap, value, connection)
                else:
                    value_shown = canonical.display(fmap, value)
                shown[side].append(f"{fmap.label} {value_shown or '-'}")
        sentences = []
        not_sent, not_taken = shown["odoo"], shown["so"]
        if len(not_sent) == 1:
            sentences.append(self.env._(
                "1 value not sent: %(values)s. SuperOffice has no matching value; add it in "
                "SuperOffice, or choose another one.", values=not_sent[0],
            ))
        elif not_sent:
            sentences.append(self.env._(
                "%(count)s values not sent: %(values)s. SuperOffice has no matching values; "
                "add them in SuperOffice, or choose others.",
                count=len(not_sent), values=", ".join(not_sent),
            ))
        if len(not_taken) == 1:
            sentences.append(self.env._(
                "1 value from SuperOffice not taken: %(values)s (the record's chatter says "
                "why).", values=not_taken[0],
            ))
        elif not_taken:
            sentences.append(self.env._(
                "%(count)s values from SuperOffice not taken: %(values)s (the record's chatter "
                "says why).", count=len(not_taken), values=", ".join(not_taken),
            ))
        return sentences

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
            if side == "odoo" and canonical.kind_of(fmap) == "owner":
                sentences.append(self.env._(
                    "%(field)s %(value)s was not sent: SuperOffice has no matching user (one "
                    "active user with this user's e-mail address, or with the same full name "
                    "when it has no e-mail address) and keeps %(kept)s. Give the user the same "
                    "e-mail address on both sides, or choose another one on either side.",
                    field=fmap.label, value=shown, kept=kept,
                ))
            elif side == "odoo":
                sentences.append(self.env._(
                    "%(field)s %(value)s was not sent: SuperOffice has no matching value and "
                    "keeps %(kept)s. Add the value in SuperOffice, or choose another one on "
                    "either side.", field=fmap.label, value=shown, kept=kept,
                ))
            elif canonical.kind_of(fmap) == "owner":
                sentences.append(self.env._(
                    "%(field)s %(value)s from SuperOffice was not taken: no user of %(company)s "
                    "in Odoo matches this SuperOffice user (one active user with its e-mail "
                    "address, or with the same full name when it has no e-mail address). Odoo "
                    "keeps %(kept)s. Give the user the same e-mail address on both sides, or "
                    "choose another one on either side.",
                    field=fmap.label, value=shown, kept=kept,
                    company=connection.company_id.name or "-",
                ))
            elif reason := record._superoffice_not_taken_reason(fmap):
                sentences.append(self.env._(
                    "%(field)s %(value)s from SuperOffice was not taken: %(reason)s. Odoo keeps "
                    "%(kept)s.", field=fmap.label, value=shown, reason=reason, kept=kept,
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
