"""Connect an Odoo partner or project to a SuperOffice record: search, pick, resolve, connect.

The Odoo side of SuperOffice's own "Connect to ERP" dialog::

    action = env["superoffice.connect.wizard"]._open_for(partner)   # likely matches listed
    wizard = env["superoffice.connect.wizard"].browse(action["res_id"])
    wizard.search_text = "acme"; wizard.action_search()               # quick search
    wizard.hit_ids[0].action_pick()                                   # resolve step
    wizard.line_ids.filtered(lambda l: l.key == "city").choice = "odoo"
    wizard.action_connect()        # one ORM write, one PATCH, the link, a chatter message

The same resolve step resolves sync conflicts: opened with ``link_id`` it applies the choices to
the existing link instead of creating one (``_open_for(record, link)``).

The steps live in two files: this one (opening, the blocked step of a contact person, the
resolve step, Connect and the contact persons of a linked company) and
``superoffice_connect_wizard_search`` (the search step and its hit list).
"""

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..api.query import F, Query
from ..sync import compare, merge
from . import superoffice_search as so_search
from .superoffice_wizard_mixin import ACTOR_TYPES


class SuperofficeConnectWizard(models.TransientModel):
    _name = "superoffice.connect.wizard"
    _inherit = ["superoffice.wizard.mixin"]
    _description = "Connect to SuperOffice"

    step = fields.Selection(
        [("search", "Search"), ("resolve", "Compare"), ("persons", "Persons"),
         ("blocked", "Not possible yet")],
        default="search", required=True,
    )
    actor_type = fields.Selection(ACTOR_TYPES, string="Link as", default="customer")
    parent_so_id = fields.Integer(help="SuperOffice company the parent company is linked to.")
    blocked_message = fields.Char(readonly=True)
    link_id = fields.Many2one("superoffice.link", string="Link to resolve", ondelete="cascade")

    # resolve step
    so_id = fields.Integer(string="SuperOffice ID", readonly=True)
    so_name = fields.Char(string="SuperOffice record", readonly=True)
    line_ids = fields.One2many("superoffice.connect.wizard.line", "wizard_id", string="Fields")
    differing_count = fields.Integer(compute="_compute_differing_count")

    # persons step
    person_hit_ids = fields.One2many(
        "superoffice.connect.wizard.hit", "wizard_id", domain=[("is_person_option", "=", True)],
    )
    person_line_ids = fields.One2many(
        "superoffice.connect.wizard.person", "wizard_id", string="Persons"
    )

    @api.depends("line_ids.is_equal")
    def _compute_differing_count(self):
        for wizard in self:
            wizard.differing_count = len(wizard.line_ids.filtered(lambda line: not line.is_equal))

    # ------------------------------------------------------------------ opening

    @api.model
    def default_get(self, fields_list):
        """Opened from a partner or project form: its likely matches are already listed.

        With ``superoffice_link_id`` in the context (conflict resolution, or a record already
        linked) the wizard opens on the resolve step of that link instead."""
        values = super().default_get(fields_list)
        record = self._active_record()
        # "res_model" is asked for when the form opens, not when create() fills in the
        # defaults of fields the client did not send: the SuperOffice calls run once.
        if record and not self.env.context.get("superoffice_wizard_draft"):
            if "res_model" in fields_list:
                values.update(self._initial_values(record))
            else:
                values.update(self._defaults_from_record(record))
        return values

    @api.model
    def _initial_values(self, record):
        values = {**self._defaults_from_record(record), **self._actor_defaults(record)}
        link = self.env["superoffice.link"].browse(
            self.env.context.get("superoffice_link_id") or []
        ).exists()
        if link:
            values.update(connection_id=link.connection_id.id, link_id=link.id,
                          actor_type=link.actor_type or values.get("actor_type"))
            values.update(self._new(values)._resolve_values(link.so_id))
            return values
        wizard = self._new(values)
        wizard._check_user_may_edit(record)
        record._check_superoffice_not_erp_linked()
        if wizard._link_of(record):
            raise UserError(self.env._(
                "%(name)s is already linked to SuperOffice.", name=record.display_name
            ))
        if wizard.entity_type == "person":
            values.update(wizard._person_parent_values())
            if values.get("step") == "blocked":
                return values
            wizard = self._new(values)
        values.update(wizard._likely_values())
        return values

    @api.model
    def _actor_defaults(self, record):
        if record._name != "res.partner":
            return {}
        actor = self._guess_actor(record)
        return {"actor_type": actor}

    @api.model
    def _open_for(self, record, link=None):
        """Create the wizard for ``record`` (or the resolve step of ``link``) and show it."""
        record.ensure_one()
        link = link or self.env["superoffice.link"].browse(
            self.env.context.get("superoffice_link_id") or []
        ).exists()
        ctx = {"active_model": record._name, "active_id": record.id,
               "superoffice_link_id": link.id if link else False,
               "superoffice_wizard_draft": True}
        wizard = self.with_context(**ctx).create(self.with_context(**ctx)._initial_values(record))
        return wizard._reopen()

    def _reopen(self):
        action = super()._reopen()
        # wide enough for the hit list's columns and the two values side by side
        action["context"] = {**action["context"], "dialog_size": "extra-large"}
        if self.link_id and self.link_id.state == "conflict":
            action["name"] = self.env._("Resolve sync conflict")
        return action

    def _person_parent_values(self):
        """An individual can only link to a person of the company its parent is linked to."""
        record = self._record()
        parent = record.parent_id.commercial_partner_id if record.parent_id else None
        link = self._link_of(parent) if parent else None
        if link:
            return {"parent_so_id": link.so_id}
        if parent:
            message = self.env._(
                "Link the company %(company)s to SuperOffice first: a contact person can only be "
                "linked to a person of the SuperOffice company its company is linked to.",
                company=parent.display_name,
            )
        else:
            message = self.env._(
                "This contact has no company. Set its company and link that company to "
                "SuperOffice first."
            )
        return {"step": "blocked", "blocked_message": message}

    def action_connect_parent(self):
        """From the blocked step of a contact person: connect its company first."""
        self.ensure_one()
        return self._open_for(self._record().parent_id.commercial_partner_id)

    def action_create_parent(self):
        """From the blocked step of a contact person: create its company in SuperOffice."""
        self.ensure_one()
        return self.env["superoffice.create.wizard"]._open_for(
            self._record().parent_id.commercial_partner_id
        )

    # ------------------------------------------------------------------ resolve step

    def action_back_to_search(self):
        """From the resolve step: back to the hit list, the rows are dropped."""
        self.ensure_one()
        self.write({"step": "search", "so_id": 0, "so_name": False,
                    "line_ids": [Command.clear()]})
        return self._reopen()

    def _pick(self, hit):
        if hit.linked_elsewhere:
            raise UserError(self.env._(
                "%(so)s is already linked to %(odoo)s and cannot be linked twice.",
                so=hit.name, odoo=hit.linked_record,
            ))
        self.write(self._resolve_values(hit.so_id))
        return self._reopen()

    def _compare(self, so_id):
        """(entity, rows) for the SuperOffice record ``so_id`` against the Odoo record."""
        entity = self._so_call(self._service().get, so_id)
        fields_ = self._fmaps()
        rows = compare.connect_rows(
            self._record()._superoffice_values(fields_), self._so_values(entity), fields_,
            self.connection_id.conflict_policy,
        )
        return entity, rows

    def _resolve_values(self, so_id):
        entity, rows = self._compare(so_id)
        conflicted = set(self.link_id.conflict_fields or ()) if self.link_id else set()
        fmaps = {f.key: f for f in self._fmaps()}
        commands = [Command.clear()]
        record = self._record()
        held = ((self.link_id.base_snapshot or {}).get(merge.HELD) or {}) if self.link_id else {}
        for sequence, row in enumerate(rows):
            choice = row.default_choice
            if row.key in held and not row.equal and row.direction == "both":
                # a known difference: keeping the side that holds it keeps it as it is
                choice = "odoo" if held[row.key][0] == "odoo" else "superoffice"
            shown = (self._display(fmaps[row.key], row.odoo_value) or False,
                     self._display(fmaps[row.key], row.so_value, entity) or False)
            commands.append(Command.create({
                "sequence": 0 if row.key in conflicted else sequence + 1,
                "key": row.key,
                "label": row.label,
                "direction": row.direction,
                "odoo_display": shown[0],
                "so_display": shown[1],
                "note": self._unappliable_note(record, entity, fmaps[row.key], row, shown),
                "is_equal": row.equal,
                "choice": choice,
            }))
        name = entity.get("Name") or getattr(entity, "full_name", "") or str(so_id)
        return {"step": "resolve", "so_id": so_id, "so_name": name, "line_ids": commands}

    def action_connect(self):
        """Write the chosen values to both sides and create (or update) the link.

        Order matters: the Odoo write and the link are made first in this transaction and
        flushed (so a constraint fails before anything leaves Odoo); the PATCH to SuperOffice is
        the last step, so a SuperOffice error rolls the Odoo side back and changes nothing."""
        self.ensure_one()
        record = self._record()
        self._check_user_may_edit(record)
        if not self.so_id:
            raise UserError(self.env._("Choose a SuperOffice record first."))
        if not self.link_id:
            self._check_not_linked(record)
        self._check_choices_made()
        entity, rows = self._compare(self.so_id)
        choices = {line.key: line.choice for line in self.line_ids if line.choice}
        try:
            applied = compare.apply_choices(rows, choices)
        except ValueError as exc:
            raise UserError(self.env._("%(detail)s", detail=str(exc))) from exc
        patch, skipped = self._so_patch(applied.to_so, entity.raw) if applied.to_so else ({}, [])
        self._hold_skipped(applied, skipped, entity)
        old_base = (self.link_id.base_snapshot or None) if self.link_id else None
        service = self.env["superoffice.sync.service"]
        if applied.to_odoo:
            record._superoffice_apply(applied.to_odoo)
            applied.base = self._settled_base(record, applied.base, applied.to_odoo)
            service._post_new_holds(record, self._fmaps(), old_base, applied.base, sides=("so",),
                                     entity=entity)
        # a difference already held (and told) when the conflict was resolved is not told again
        told = service._new_holds(old_base, applied.base, sides=("odoo",))
        skipped = [(key, sentence) for key, sentence in skipped if key in told]
        link = self._save_link(record, entity, applied.base)
        self.env.flush_all()
        settled = {}
        if patch:
            if self.link_id:
                # Resolving a conflict changes an existing base: a crash after the PATCH must
                # not leave the old base to the next run (see superoffice.link.pending).
                flight = merge.in_flight(
                    old_base,
                    merge.MergeResult(
                        to_odoo=dict(applied.to_odoo), to_so=dict(applied.to_so),
                        new_base=dict(applied.base),
                    ),
                    entity.change_stamp, self.connection_id._own_associate_id(),
                )
                pending_id = link._store_pending_so(flight)
                settled = link.sudo()._settle_pending_so([pending_id])
            entity = self._so_call(self._service().patch, self.so_id, patch)
        link.write(self._link_sync_values(entity))
        if settled:
            link.sudo().write(settled)
        self._post_connected(record, entity, applied)
        self._post_skipped(record, skipped)
        if self.entity_type == "company" and not self.link_id and self._prepare_persons():
            return self._reopen()
        return self._back_to_record(record)

    def _check_choices_made(self):
        """Every differing two-way row needs a side: no value is overwritten by default."""
        open_rows = self.line_ids.filtered(lambda line: not line.choice_fixed and not line.choice)
        if open_rows:
            raise UserError(self.env._(
                "Choose which value to keep for: %(fields)s",
                fields=", ".join(open_rows.mapped("label")),
            ))

    def _check_not_linked(self, record):
        record._check_superoffice_not_erp_linked()
        if self._link_of(record):
            raise UserError(self.env._(
                "%(name)s is already linked to SuperOffice.", name=record.display_name
            ))
        taken = self._linked_so_ids([self.so_id]).get(self.so_id)
        if taken:
            raise UserError(self.env._(
                "This SuperOffice record is already linked to %(odoo)s.",
                odoo=taken._odoo_record().display_name,
            ))

    def _save_link(self, record, entity, base):
        if self.link_id:
            # every mapped field was chosen again: the holds are those of the new base only
            snapshot = dict(self.link_id.base_snapshot or {})
            snapshot.pop(merge.HELD, None)
            snapshot.update(base)
            self.link_id.write({
                "base_snapshot": snapshot, "conflict_fields": False,
                **self.link_id.sudo()._settle_all_pending_so(),
            })
            return self.link_id
        # the wizard posts the one note of the link, with the choices made (_post_connected)
        return self.with_context(superoffice_no_chatter=True)._create_link(
            record, self.entity_type, entity.id, base, self.actor_type
        )

    def _post_connected(self, record, entity, applied):
        """The one chatter note of Connect or of a resolved conflict."""
        link = self.link_id or self._link_of(record)
        if self.link_id:
            body = self.env._(
                "Sync conflict resolved with SuperOffice record %(so_id)s.", so_id=entity.id
            )
        else:
            body = self.env._(
                "Linked to SuperOffice record %(so_id)s (%(name)s): %(odoo)s field(s) updated "
                "from SuperOffice, %(so)s sent to SuperOffice.",
                so_id=entity.id, name=self.so_name, odoo=len(applied.to_odoo),
                so=len(applied.to_so),
            )
        link.sudo().with_context(superoffice_no_chatter=False)._post_on_record(
            body, link.so_url
        )

    # ------------------------------------------------------------------ persons step

    def _prepare_persons(self):
        """After a company is linked: pair its Odoo contacts with the SuperOffice persons."""
        record = self._record()
        children = record.child_ids.filtered(
            lambda p: not p.is_company and p.type == "contact" and not self._link_of(p)
        )
        if not children:
            return False
        query = (Query().select(*so_search.select_columns("person", ["email", "function"]))
                 .filter(F("contactId").eq(self.so_id)).order_by("personId").top(200))
        rows = self._so_call(self._client().search, "person", query)
        linked = self._linked_so_ids([row.id for row in rows], "person")
        rows = [row for row in rows if row.id not in linked]
        if not rows:
            return False
        cols = so_search.columns("person")
        options = self.env["superoffice.connect.wizard.hit"]
        for row in rows:
            options |= options.create({
                "wizard_id": self.id, "is_person_option": True, "so_id": row.id,
                "name": row.get(cols["name"]), "email": row.get(cols["email"]) or False,
                "function": row.get(cols["function"]) or False,
            })
        prefer = "odoo" if self.connection_id.conflict_policy == "odoo_wins" else "superoffice"
        lines = []
        for child in children:
            match = self._best_person(child, options)
            lines.append(Command.create({
                "partner_id": child.id, "hit_id": match.id if match else False,
                "to_link": bool(match), "prefer": prefer,
            }))
        self.write({"step": "persons", "person_line_ids": lines})
        return True

    def _best_person(self, partner, options):
        email = (partner.email or "").strip().lower()
        for option in options:
            if email and (option.email or "").strip().lower() == email:
                return option
        best = max(options, key=lambda o: so_search.similarity(partner.name, o.name))
        return best if so_search.similarity(partner.name, best.name) >= 0.8 else None

    def action_link_persons(self):
        """Link the ticked contact persons; where values differ the chosen side is kept."""
        self.ensure_one()
        record = self._record()
        lines = self.person_line_ids.filtered(lambda line: line.to_link and line.hit_id)
        if len({line.hit_id.id for line in lines}) < len(lines):
            raise UserError(self.env._("Each SuperOffice person can be linked only once."))
        service = self._service("person")
        fields_ = self._fmaps("person")
        patches = []
        for line in lines:
            partner = line.partner_id
            entity = self._so_call(service.get, line.hit_id.so_id)
            rows = compare.connect_rows(
                partner._superoffice_values(fields_), self._so_values(entity, "person"), fields_,
                self.connection_id.conflict_policy,
            )
            choices = {row.key: line.prefer for row in rows
                       if not row.equal and row.direction == "both"}
            applied = compare.apply_choices(rows, choices)
            if applied.to_so:
                patch, skipped = self._so_patch(applied.to_so, entity.raw, "person")
                self._hold_skipped(applied, skipped, entity, "person")
                self._post_skipped(partner, skipped)
                patches.append((entity.id, patch))
            if applied.to_odoo:
                partner._superoffice_apply(applied.to_odoo)
                applied.base = self._settled_base(partner, applied.base, applied.to_odoo, "person")
            # the link posts the one "Linked to SuperOffice person" note
            self._create_link(partner, "person", entity.id, applied.base)
        self.env.flush_all()
        for so_id, patch in patches:
            self._so_call(service.patch, so_id, patch)
        return self._back_to_record(record)

    def action_skip_persons(self):
        self.ensure_one()
        return self._back_to_record(self._record())
