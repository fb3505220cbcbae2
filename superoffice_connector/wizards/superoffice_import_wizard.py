"""Create in Odoo ("create in ERP"): find a SuperOffice company or project and create it here.

Search as in Connect, pick a hit, edit the values, create. A value edited in the dialog is sent
to SuperOffice as well, so both sides end with the values the user saw. A company may bring its
persons as contacts. An Odoo partner with the same VAT / organisation number, or the same name and city,
is offered for Connect instead of a duplicate.
"""

import json
import re

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .. import compat
from ..api.query import F, Query
from ..sync import canonical, merge
from . import superoffice_search as so_search


class SuperofficeImportWizardHit(models.TransientModel):
    _name = "superoffice.import.wizard.hit"
    _description = "Create in Odoo: search hit"
    _order = "sequence, id"

    wizard_id = fields.Many2one("superoffice.import.wizard", required=True, ondelete="cascade")
    sequence = fields.Integer()
    so_id = fields.Integer(string="SuperOffice ID")
    name = fields.Char()
    vat = fields.Char(string="Org. number")
    city = fields.Char()
    email = fields.Char(string="E-mail")
    number = fields.Char(string="Project number")
    linked_record = fields.Char(string="Linked to")

    def action_pick(self):
        self.ensure_one()
        return self.wizard_id._pick(self)


class SuperofficeImportWizardLine(models.TransientModel):
    _name = "superoffice.import.wizard.line"
    _description = "Create in Odoo: one value"
    _order = "sequence, id"

    wizard_id = fields.Many2one("superoffice.import.wizard", required=True, ondelete="cascade")
    sequence = fields.Integer()
    key = fields.Char(required=True)
    label = fields.Char(string="Field", readonly=True)
    value = fields.Char()
    # what the line showed and the SuperOffice value behind it (see the create wizard's lines)
    prefill = fields.Char()
    prefill_value = fields.Char()


class SuperofficeImportWizard(models.TransientModel):
    _name = "superoffice.import.wizard"
    _inherit = ["superoffice.wizard.mixin"]
    _description = "Create in Odoo from SuperOffice"

    step = fields.Selection(
        [("search", "Search"), ("values", "Values")], default="search", required=True
    )
    actor_type = fields.Selection(
        [("customer", "Customer"), ("supplier", "Supplier")], string="Link as", default="customer"
    )
    search_text = fields.Char(string="Search")
    searched = fields.Boolean(readonly=True)
    hit_ids = fields.One2many("superoffice.import.wizard.hit", "wizard_id", string="Hits")
    so_id = fields.Integer(string="SuperOffice ID", readonly=True)
    so_name = fields.Char(string="SuperOffice record", readonly=True)
    line_ids = fields.One2many("superoffice.import.wizard.line", "wizard_id", string="Values")
    # Ticked: the dialog is the one place that brings a company's persons over at once (README,
    # "Create in Odoo"); unticking it creates the company alone.
    with_persons = fields.Boolean(
        string="Also create its persons as contacts", default=True,
        help="Ticked by default: the company's SuperOffice persons are created as its contacts "
             "and linked. Untick it to create the company alone.")
    person_count = fields.Integer(readonly=True)
    duplicate_id = fields.Many2one("res.partner", string="Existing partner", readonly=True)
    duplicate_reason = fields.Char(readonly=True)
    allowed = fields.Boolean(compute="_compute_allowed")
    blocked_reason = fields.Char(compute="_compute_allowed")

    @api.depends("connection_id.allow_create_odoo")
    @api.depends_context("allowed_company_ids")
    def _compute_allowed(self):
        for wizard in self:
            wizard.blocked_reason = wizard._blocked_reason()
            wizard.allowed = not wizard.blocked_reason

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if not values.get("connection_id"):
            connection = self.env["superoffice.connection"]._default_for_company()
            values["connection_id"] = connection.id
        if values.get("entity_type") not in ("company", "project"):
            values["entity_type"] = "company"
        return values

    def _blocked_reason(self):
        """Why nothing can be created in Odoo from this dialog, or ``False``."""
        if not self.connection_id:
            # a company without a connection: the dialog has nothing to search, and the user
            # is told who can add one rather than that "this connection" refuses
            company = self.env.company
            admins = compat.group_users(self.env.ref(
                "superoffice_connector.superoffice_connector_group_admin"
            ).sudo()).filtered(lambda user: company in user.company_ids and user.active
                               and not user.share)
            return self.env._(
                "Your company %(company)s has no SuperOffice connection. A SuperOffice "
                "administrator of %(company)s (%(admins)s) can add one under SuperOffice → "
                "Configuration → Connections.",
                company=company.name,
                admins=", ".join(admins.mapped("name")) or self.env._("none yet: an Odoo "
                                                                      "administrator can name one"),
            )
        if not self.connection_id.allow_create_odoo:
            return self.env._(
                "The connection %(name)s does not allow creating records in Odoo.",
                name=self.connection_id.display_name,
            )
        return False

    def _check_allowed(self):
        reason = self._blocked_reason()
        if reason:
            raise UserError(reason)

    # ------------------------------------------------------------------ search

    def action_search(self):
        self.ensure_one()
        self._check_allowed()
        cols = so_search.columns(self.entity_type)
        keys = ["vat", "city", "email"] if self.entity_type == "company" else ["number"]
        query = (Query().select(*so_search.select_columns(self.entity_type, keys))
                 .order_by(cols["id"]).top(50))
        expression = so_search.quick_filter(self.entity_type, self.search_text)
        if expression is not None:
            query = query.filter(expression)
        rows = self._so_call(self._client().search, self._kind(), query)
        linked = self._linked_so_ids([row.id for row in rows])
        commands = [Command.clear()]
        for sequence, row in enumerate(rows):
            link = linked.get(row.id)
            commands.append(Command.create({
                "sequence": sequence,
                "so_id": row.id,
                **{key: row.get(cols[key]) or False for key in keys},
                "name": row.get(cols["name"]) or False,
                "linked_record": link._odoo_record().display_name if link else False,
            }))
        self.write({"hit_ids": commands, "searched": True})
        return self._reopen()

    def _pick(self, hit):
        self._check_allowed()
        if hit.linked_record:
            raise UserError(self.env._(
                "%(so)s is already linked to %(odoo)s.", so=hit.name, odoo=hit.linked_record
            ))
        entity = self._so_call(self._service().get, hit.so_id)
        so_values = self._so_values(entity)
        lines = [Command.clear()]
        for sequence, fmap in enumerate(self._fmaps()):
            if not fmap.writes_odoo or fmap.transform in ("members", "ref"):
                continue
            shown = self._display(fmap, so_values.get(fmap.key), entity) or False
            lines.append(Command.create({
                "sequence": sequence,
                "key": fmap.key,
                "label": fmap.label,
                "value": shown,
                "prefill": shown,
                "prefill_value": json.dumps(so_values.get(fmap.key)),
            }))
        values = {"step": "values", "so_id": hit.so_id, "so_name": hit.name, "line_ids": lines}
        if self.entity_type == "company":
            values["person_count"] = len(entity.get("Persons") or ())
            values.update(self._duplicate_values(so_values))
        self.write(values)
        return self._reopen()

    def _duplicate_values(self, so_values):
        """An Odoo company with the same VAT/org number, or the same name and city."""
        Partner = self.env["res.partner"]
        vat = re.sub(r"^[A-Z]{2}", "", so_search.compact_vat(so_values.get("vat")))
        if vat:
            # Compared in SQL without separators and country prefix ("NO 911 222 333" and
            # "911222333" are the same), then searched again for the user's access rules.
            Partner.flush_model(["vat", "is_company"])
            self.env.cr.execute(SQL(
                "SELECT id FROM res_partner WHERE is_company AND vat IS NOT NULL AND "
                "regexp_replace(regexp_replace(upper(vat), '[[:space:].-]', '', 'g'), "
                "'^[A-Z]{2}', '') = %s",
                vat,
            ))
            ids = [row[0] for row in self.env.cr.fetchall()]
            partner = ids and Partner.search([("id", "in", ids)], limit=1, order="id")
            if partner:
                return {"duplicate_id": partner.id, "duplicate_reason": self.env._(
                    "Same VAT / organisation number")}
        name, city = so_values.get("name"), so_values.get("city")
        if name:
            domain = [("is_company", "=", True), ("name", "=ilike", name)]
            if city:
                domain.append(("city", "=ilike", city))
            partner = Partner.search(domain, limit=1)
            if partner:
                return {"duplicate_id": partner.id,
                        "duplicate_reason": self.env._("Same name and city")}
        return {"duplicate_id": False, "duplicate_reason": False}

    def action_back(self):
        self.ensure_one()
        self.write({"step": "search", "line_ids": [Command.clear()], "duplicate_id": False})
        return self._reopen()

    def action_connect_existing(self):
        """Connect the existing partner to the chosen SuperOffice record instead."""
        self.ensure_one()
        ctx = {"active_model": "res.partner", "active_id": self.duplicate_id.id,
               "superoffice_wizard_draft": True}
        Connect = self.env["superoffice.connect.wizard"].with_context(**ctx)
        wizard = Connect.create({
            **Connect._defaults_from_record(self.duplicate_id),
            "connection_id": self.connection_id.id, "actor_type": self.actor_type,
        })
        wizard._check_user_may_edit(self.duplicate_id)
        wizard.write(wizard._resolve_values(self.so_id))
        return wizard._reopen()

    # ------------------------------------------------------------------ create

    def action_create_in_odoo(self):
        """Create the partner (and its persons) or the project, linked, with the edited values."""
        self.ensure_one()
        self._check_allowed()
        if self._linked_so_ids([self.so_id]):
            raise UserError(self.env._("This SuperOffice record is already linked."))
        values, edited = self._line_values()
        if not values.get("name"):
            raise UserError(self.env._("The name is required."))
        # Everything the connector creates belongs to the connection's company (its users are
        # the ones who may see and edit what comes from that SuperOffice tenant).
        company_id = self.connection_id.company_id.id
        if self.entity_type == "company":
            record = self.env["res.partner"].create(
                {"name": values["name"], "is_company": True, "company_id": company_id}
            )
            record._superoffice_apply(values, self._fmaps(), self.connection_id)
        else:
            # the values go into create: Odoo keeps a project's start date without an end date
            # when the project is created with it, while a later write drops a lone start date
            record = self.env["project.project"]._superoffice_create(
                [values], self._fmaps(), self.connection_id,
                [{"name": values["name"], "company_id": company_id}],
            )
        service = self._service()
        entity = self._so_call(service.get, self.so_id)
        so_values = self._so_values(entity)
        base = self._settled_base(record, so_values, so_values)
        # values edited in the dialog (as Odoo now holds them) go to SuperOffice too
        fmaps = {f.key: f for f in self._fmaps()}
        to_so = {
            key: base[key] for key in edited
            if fmaps[key].writes_so and not canonical.equal(fmaps[key], base[key], so_values[key])
        }
        held = base.get(merge.HELD) or {}
        for key in to_so:
            held.pop(key, None)  # not a SuperOffice value Odoo lacks: the user's edit
        patch, skipped = self._so_patch(to_so, entity.raw) if to_so else ({}, [])
        for key, _sentence in skipped:
            merge.hold(base, key, "odoo", base[key], so_values[key])
        self.env["superoffice.sync.service"]._post_new_holds(
            record, self._fmaps(), {}, base, sides=("so",), entity=entity
        )
        link = self._create_link(record, self.entity_type, self.so_id, base, self.actor_type)
        if self.entity_type == "company" and self.with_persons:
            self._create_persons(record)
        self.env.flush_all()
        if patch:  # last: a refusal rolls the Odoo side back
            entity = self._so_call(service.patch, self.so_id, patch)
        link.write(self._link_sync_values(entity))
        self._post_skipped(record, skipped)
        return self._back_to_record(record)

    def _line_values(self):
        """(canonical values of the lines, keys of the lines the user edited): an untouched
        line gives the SuperOffice value behind it."""
        fmaps = {f.key: f for f in self._fmaps()}
        values, edited = {}, []
        for line in self.line_ids:
            fmap = fmaps.get(line.key)
            if not fmap:
                continue
            if (line.value or False) == (line.prefill or False) and line.prefill_value:
                values[line.key] = canonical.normalize(fmap, json.loads(line.prefill_value))
            else:
                values[line.key] = self._typed_value(fmap, line.value or None)
                edited.append(line.key)
        return values, edited

    def _create_persons(self, company):
        query = (Query().select("personId").filter(F("contactId").eq(self.so_id))
                 .order_by("personId").top(500))
        rows = self._so_call(self._client().search, "person", query)
        linked = self._linked_so_ids([row.id for row in rows], "person")
        service = self._service("person")
        fields_ = self._fmaps("person")
        for row in rows:
            if row.id in linked:
                continue
            entity = self._so_call(service.get, row.id)
            values = self._so_values(entity, "person")
            person = self.env["res.partner"].create({
                "name": values.get("name") or str(row.id), "parent_id": company.id,
                "type": "contact", "company_id": company.company_id.id,
            })
            person._superoffice_apply(values, fields_, self.connection_id)
            base = self._settled_base(person, values, values, "person")
            link = self._create_link(person, "person", row.id, base)
            link.write(self._link_sync_values(entity))
