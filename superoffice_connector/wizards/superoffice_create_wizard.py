"""Create the Odoo record in SuperOffice and link it at once.

The values are prefilled from the Odoo record (an empty Odoo value stays empty; only a field
SuperOffice requires takes the value of its ``default`` entity) and editable before sending; the
POST body is the ``default`` entity with the edited values merged in. Afterwards both sides hold
the same values: what SuperOffice stored is written to the Odoo record too (an edited City is the
record's City from then on; a value SuperOffice fills in by itself, such as its default country,
as well, with a note in the chatter) and becomes the link's base, so the next sync has nothing to
carry over and nothing to overwrite.

Never two SuperOffice records for one Odoo record:

* a double click: the second request cannot lock the partner/project row (``FOR UPDATE
  NOWAIT``) while the first one runs and is refused; a request that gets the lock later
  re-reads the links and finds the first one's link;
* a failure after the POST was sent (timeout, reset, 5xx, cut answer): the client does not
  repeat the POST blindly; it searches SuperOffice for the record (same name, registered since
  just before the attempt) and uses it when found; when it cannot tell, nothing is linked and the
  user is asked to check SuperOffice (an ambiguous error) instead of creating a second record.
"""

import json
from datetime import datetime, timedelta, timezone

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .. import compat
from ..api.query import F
from ..sync import canonical, merge
from .superoffice_wizard_mixin import ACTOR_TYPES

# archive columns of the create marker: name and registration time
_MARKER = {
    "company": ("name", "registeredDate"),
    "person": ("fullName", "personRegisteredDate"),
    "project": ("name", "registeredDate"),
}


class SuperofficeCreateWizardLine(models.TransientModel):
    _name = "superoffice.create.wizard.line"
    _description = "Create in SuperOffice: one value"
    _order = "sequence, id"

    wizard_id = fields.Many2one("superoffice.create.wizard", required=True, ondelete="cascade")
    sequence = fields.Integer()
    key = fields.Char(required=True)
    label = fields.Char(string="Field", readonly=True)
    value = fields.Char()
    # What the line showed when the dialog opened and the canonical value behind it: an
    # untouched line sends that value, not a re-reading of its display text.
    prefill = fields.Char()
    prefill_value = fields.Char()
    mandatory = fields.Boolean(readonly=True)
    readonly = fields.Boolean(help="Computed by SuperOffice or not written there.")


class SuperofficeCreateWizard(models.TransientModel):
    _name = "superoffice.create.wizard"
    _inherit = ["superoffice.wizard.mixin"]
    _description = "Create in SuperOffice"

    actor_type = fields.Selection(ACTOR_TYPES, string="Create as", default="customer")
    parent_so_id = fields.Integer(readonly=True)
    blocked_message = fields.Char(readonly=True)
    create_blocked_reason = fields.Char(compute="_compute_create_blocked_reason")
    line_ids = fields.One2many("superoffice.create.wizard.line", "wizard_id", string="Values")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        record = self._active_record()
        # "res_model" is asked for when the form opens, not when create() fills in the
        # defaults of fields the client did not send: the SuperOffice calls run once.
        if record and not self.env.context.get("superoffice_wizard_draft"):
            if "res_model" in fields_list:
                values.update(
                    self._initial_values(record, self.env.context.get("default_actor_type"))
                )
            else:
                values.update(self._defaults_from_record(record))
        return values

    @api.model
    def _open_for(self, record, actor_type=None):
        """Create the wizard for ``record`` and show it."""
        wizard = self.with_context(
            active_model=record._name, active_id=record.id, superoffice_wizard_draft=True
        ).create(
            self._initial_values(record, actor_type)
        )
        return wizard._reopen()

    @api.model
    def _initial_values(self, record, actor_type=None):
        values = self._defaults_from_record(record)
        if record._name == "res.partner":
            values["actor_type"] = actor_type or (
                self._guess_actor(record)
            )
        wizard = self._new(values)
        if wizard._link_of(record):
            raise UserError(self.env._(
                "%(name)s is already linked to SuperOffice.", name=record.display_name
            ))
        record._check_superoffice_not_erp_linked()
        if values["entity_type"] == "person":
            parent = record.parent_id.commercial_partner_id
            link = wizard._link_of(parent) if parent else None
            if not link:
                values["blocked_message"] = self.env._(
                    "A contact person is created in SuperOffice under its company: link the "
                    "company %(company)s to SuperOffice first (connect or create it).",
                    company=parent.display_name if parent else self.env._("(none)"),
                )
                return values
            values["parent_so_id"] = link.so_id
        values["line_ids"] = wizard._prefill_lines(record, values.get("parent_so_id"))
        return values

    def _prefill_lines(self, record, parent_so_id=None):
        """One editable line per field written to SuperOffice, holding the Odoo value.

        An empty Odoo value stays empty; a field SuperOffice requires takes the value of its
        ``default`` entity."""
        fields_ = self._fmaps()
        odoo_values = record._superoffice_values(fields_)
        default = None
        lines = []
        for sequence, fmap in enumerate(fields_):
            if fmap.key == "company" and self.entity_type == "person":
                continue  # set from the parent's link
            if fmap.direction == "none":
                continue
            value = odoo_values.get(fmap.key)
            if value is None and fmap.mandatory_so:
                if default is None:
                    default = self._so_values(self._so_call(self._service().default))
                value = default.get(fmap.key)
            shown = self._display(fmap, value) or False
            lines.append(Command.create({
                "sequence": sequence,
                "key": fmap.key,
                "label": fmap.label,
                "value": shown,
                "prefill": shown,
                "prefill_value": json.dumps(value),
                "mandatory": fmap.mandatory_so,
                "readonly": not fmap.writes_so,
            }))
        return lines

    # ------------------------------------------------------------------ actions

    def action_connect_parent(self):
        self.ensure_one()
        return self.env["superoffice.connect.wizard"]._open_for(
            self._record().parent_id.commercial_partner_id
        )

    def action_create_parent(self):
        self.ensure_one()
        return self._open_for(self._record().parent_id.commercial_partner_id)

    def action_create(self):
        """POST the record to SuperOffice and link it; see the module docstring for retries."""
        self.ensure_one()
        record = self._record()
        self._check_user_may_edit(record)
        reason = self._create_blocked_reason(record)
        if reason:
            raise UserError(reason)
        if self.blocked_message:
            raise UserError(self.blocked_message)
        self._lock(record)
        if self._link_of(record):
            # an earlier click already created and linked it
            return self._back_to_record(record)
        values = self._edited_values()
        service = self._service()
        default = self._so_call(service.default)
        body, skipped = self._so_patch(
            {k: v for k, v in values.items() if v is not None}, default.raw
        )
        entity = self._so_call(service.create, body, marker=self._marker(values))
        # The SuperOffice record exists from here on: link it in this same transaction so it is
        # never orphaned, with both sides holding what SuperOffice stored.
        base = self._take_superoffice_values(record, entity, {key for key, _s in skipped})
        link = self._create_link(record, self.entity_type, entity.id, base, self.actor_type)
        link.write(self._link_sync_values(entity))
        self._post_skipped(record, skipped)
        return self._back_to_record(record)

    def _take_superoffice_values(self, record, entity, skipped=()):
        """Write to ``record`` what SuperOffice stored where it differs from the record (the
        values edited in the dialog, a project number SuperOffice computed); return the base.

        A value Odoo cannot hold (a SuperOffice user with no Odoo user) keeps the record's value
        in the base, as the sync does, so the next run neither clears it nor sends it back. A
        value that could not be sent (``skipped`` keys) is not overwritten in Odoo: the
        difference is held in the base (``sync.merge.hold``) and told once in the chatter, so
        the next sync neither sends it nor asks again until one side changes it."""
        fmaps = [f for f in self._fmaps() if f.direction != "none"]
        so_values = self._so_values(entity)
        before = record._superoffice_values(fmaps)
        to_odoo = {
            f.key: so_values.get(f.key) for f in fmaps
            if f.writes_odoo and f.key in so_values and f.key not in skipped
            and not canonical.equal(f, before.get(f.key), so_values.get(f.key))
        }
        base = {f.key: so_values.get(f.key) for f in fmaps}
        for key in skipped:
            merge.hold(base, key, "odoo", before.get(key), so_values.get(key))
        if not to_odoo:
            return base
        record._superoffice_apply(to_odoo, fmaps, self.connection_id)
        after = record._superoffice_values(fmaps)
        taken = [
            f"{f.label}: {self._display(f, after.get(f.key), entity) or '-'}" for f in fmaps
            if f.key in to_odoo and f.writes_so
            and not canonical.equal(f, before.get(f.key), after.get(f.key))
        ]
        if taken:
            record.message_post(body=self.env._(
                "Updated in Odoo to match what SuperOffice stored: %(fields)s.",
                fields="; ".join(taken),
            ))
        service = self.env["superoffice.sync.service"]
        settled = service._settled(fmaps, base, to_odoo, after)
        service._post_new_holds(record, fmaps, base, settled, sides=("so",), entity=entity)
        return settled

    def _lock(self, record):
        """Row lock on the Odoo record for the time of the create (double-click guard).

        The row is also given a new version: under REPEATABLE READ a request whose snapshot
        predates our commit and that locks the row afterwards gets a serialization failure, so
        Odoo retries it with a fresh snapshot that sees our link (a mere lock would not do that).
        """
        try:
            compat.lock_for_update(record)
        except compat.LockError as exc:
            raise UserError(self._busy_message()) from exc
        self.env.cr.execute(SQL(
            "UPDATE %s SET write_date = write_date WHERE id = %s",
            SQL.identifier(record._table), record.id,
        ))

    def _busy_message(self):
        return self.env._(
            "This record is being created in SuperOffice by another request. Reload the page in "
            "a moment."
        )

    def _edited_values(self):
        """Canonical values of the lines, checked for mandatory ones.

        A line left as it was prefilled sends the value behind it; an edited one is read from
        its text (an owner by the name, login or e-mail address of an Odoo user)."""
        fmaps = {f.key: f for f in self._fmaps()}
        values = {}
        for line in self.line_ids:
            fmap = fmaps.get(line.key)
            if not fmap or not fmap.writes_so:
                continue
            if (line.value or False) == (line.prefill or False) and line.prefill_value:
                value = canonical.normalize(fmap, json.loads(line.prefill_value))
            else:
                value = self._typed_value(fmap, line.value or None)
            if value is None and fmap.mandatory_so:
                raise UserError(self.env._("%(field)s is required.", field=line.label))
            values[line.key] = value
        if self.entity_type == "person":
            values["company"] = self.parent_so_id
        return values

    def _marker(self, values):
        """A filter only the new record matches: same name, registered since just before now."""
        name_column, registered_column = _MARKER[self.entity_type]
        name = values.get("name")
        if not name:
            return None
        since = datetime.now(timezone.utc) - timedelta(minutes=2)
        marker = F(name_column).eq(name) & F(registered_column).after_time(since)
        if self.entity_type == "person" and self.parent_so_id:
            marker = marker & F("contactId").eq(self.parent_so_id)
        return marker
