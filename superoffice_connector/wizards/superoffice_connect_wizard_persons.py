"""The persons step of the Connect wizard: after a company is linked, pair its contacts.

Each Odoo contact of the company is offered the SuperOffice person with the same e-mail (or a
very similar name); the ticked pairs are linked with the side chosen where values differ.
"""

from odoo import Command, fields, models
from odoo.exceptions import UserError

from ..api.query import F, Query
from ..sync import compare
from . import superoffice_search as so_search


class SuperofficeConnectWizard(models.TransientModel):
    _inherit = "superoffice.connect.wizard"

    person_hit_ids = fields.One2many(
        "superoffice.connect.wizard.hit", "wizard_id", domain=[("is_person_option", "=", True)],
    )
    person_line_ids = fields.One2many(
        "superoffice.connect.wizard.person", "wizard_id", string="Persons"
    )

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
                for key, _message in skipped:
                    applied.base.pop(key, None)
                self._post_skipped(partner, skipped)
                patches.append((entity.id, patch))
            if applied.to_odoo:
                partner._superoffice_apply(applied.to_odoo)
            self._create_link(partner, "person", entity.id, applied.base)
            partner.message_post(body=self.env._(
                "Linked to SuperOffice person %(so_id)s.", so_id=entity.id
            ))
        self.env.flush_all()
        for so_id, patch in patches:
            self._so_call(service.patch, so_id, patch)
        return self._back_to_record(record)

    def action_skip_persons(self):
        self.ensure_one()
        return self._back_to_record(self._record())
