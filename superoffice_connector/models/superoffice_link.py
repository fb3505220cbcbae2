"""Links: one row per Odoo record and SuperOffice record, unique both ways per connection.

Each link keeps the base snapshot (the last synchronized canonical value of every mapped field),
the sync state and the retry bookkeeping. The chatter of the linked partner or project records the
life of the link: linked, disconnected, conflict gained and resolved.
"""

from markupsafe import Markup

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .. import compat

STATES = [
    ("linked", "Linked"),
    ("needs_sync", "Needs sync"),
    ("conflict", "Sync conflict"),
    ("failed", "Sync failed"),
    ("disconnected", "Disconnected"),
]
ENTITY_TYPES = [("company", "Company"), ("person", "Person"), ("project", "Project")]
PUSH_CRON_XMLID = "superoffice_connector.superoffice_cron_push"
# What a link is: none of it changes once the link exists (see _check_fixed_fields).
FIXED_FIELDS = ("connection_id", "entity_type", "so_id", "partner_id", "project_id")


_FLIGHTS = "superoffice_connector.flights"  # cursor cache key: link id -> latest write in flight


class SuperofficeLink(models.Model):
    _name = "superoffice.link"
    _description = "SuperOffice Link"
    _order = "id desc"
    _check_company_auto = True

    connection_id = fields.Many2one(
        "superoffice.connection", required=True, ondelete="cascade", index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        related="connection_id.company_id", store=True, index=True, precompute=True
    )
    entity_type = fields.Selection(ENTITY_TYPES, required=True)
    so_id = fields.Integer(string="SuperOffice ID", required=True, index=True)
    # check_company: the linked record belongs to the connection's company, or to none.
    partner_id = fields.Many2one(
        "res.partner", ondelete="cascade", index="btree_not_null", check_company=True
    )
    project_id = fields.Many2one(
        "project.project", ondelete="cascade", index="btree_not_null", check_company=True
    )
    actor_type = fields.Selection(
        [("customer", "Customer"), ("supplier", "Supplier")],
        help="How the company is linked: as a customer or as a supplier (one actor per company).",
    )
    state = fields.Selection(STATES, required=True, default="linked", index=True)
    last_sync_at = fields.Datetime(string="Last synchronized", copy=False)
    so_updated_at = fields.Datetime(
        string="SuperOffice updated", copy=False,
        help="UpdatedDate of the SuperOffice record when it was last read.",
    )
    base_snapshot = fields.Json(
        copy=False, help="Last synchronized canonical value of every mapped field."
    )
    conflict_fields = fields.Json(copy=False, help="Keys of the fields changed on both sides.")
    pending_so_values = fields.Json(
        string="Writes in flight", compute="_compute_pending_so_values",
        groups="superoffice_connector.superoffice_connector_group_admin",
        help="Values sent to SuperOffice by a run that ended before the base snapshot was "
        "saved; the next run takes them into account.",
    )
    pending_so_resolved_id = fields.Integer(
        string="Last settled write", copy=False, groups="superoffice_connector.superoffice_connector_group_admin",
        help="Last write in flight already included in the base snapshot.",
    )
    retry_count = fields.Integer(copy=False, default=0)
    next_retry_at = fields.Datetime(copy=False)
    last_error = fields.Text(copy=False)
    so_url = fields.Char(string="Open in SuperOffice", compute="_compute_so_url")
    record_name = fields.Char(string="Odoo record", compute="_compute_record_name")

    _so_record_uniq = compat.Constraint(
        "UNIQUE(connection_id, entity_type, so_id)",
        "This SuperOffice record is already linked to another Odoo record.",
    )
    _partner_uniq = compat.Constraint(
        "UNIQUE(connection_id, partner_id)",
        "This contact is already linked to SuperOffice on this connection.",
    )
    _project_uniq = compat.Constraint(
        "UNIQUE(connection_id, project_id)",
        "This project is already linked to SuperOffice on this connection.",
    )
    _one_record = compat.Constraint(
        "CHECK((partner_id IS NULL) <> (project_id IS NULL))",
        "A link points to exactly one partner or one project.",
    )
    _so_id_positive = compat.Constraint("CHECK(so_id > 0)", "The SuperOffice ID must be positive.")
    # The push run reads dirty links per connection; the retry scan reads due failed links.
    _dirty_idx = compat.Index(
        "(connection_id, state) WHERE state IN ('needs_sync', 'failed', 'conflict')"
    )
    _retry_idx = compat.Index("(next_retry_at) WHERE next_retry_at IS NOT NULL")

    @api.depends("connection_id", "entity_type", "so_id")
    def _compute_so_url(self):
        for link in self:
            link.so_url = link.connection_id and link.connection_id._web_url(
                link.entity_type, link.so_id
            )

    @api.depends("pending_so_resolved_id", "base_snapshot")
    def _compute_pending_so_values(self):
        for link in self:
            values = {}
            for row in link._pending_so_rows():
                values.update(row.so_values or {})
            link.pending_so_values = values or False

    @api.depends("partner_id", "project_id")
    def _compute_record_name(self):
        for link in self:
            link.record_name = link._odoo_record().display_name or False

    @api.depends("entity_type", "so_id", "partner_id", "project_id")
    def _compute_display_name(self):
        labels = dict(self._fields["entity_type"]._description_selection(self.env))
        for link in self:
            link.display_name = self.env._(
                "%(record)s ↔ SuperOffice %(type)s %(id)s",
                record=link._odoo_record().display_name or "?",
                type=labels.get(link.entity_type, ""),
                id=link.so_id,
            )

    @api.constrains("entity_type", "partner_id", "project_id", "actor_type")
    def _check_entity(self):
        for link in self:
            if link.entity_type == "project" and not link.project_id:
                raise ValidationError(self.env._("A SuperOffice project is linked to a project."))
            if link.entity_type != "project" and not link.partner_id:
                raise ValidationError(
                    self.env._("A SuperOffice company or person is linked to a contact.")
                )
            if link.entity_type == "company" and not link.actor_type:
                raise ValidationError(
                    self.env._("A company is linked either as a customer or as a supplier.")
                )
            if link.entity_type != "company" and link.actor_type:
                raise ValidationError(
                    self.env._("Only companies are linked as a customer or a supplier.")
                )

    # ------------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        links = super().create(vals_list)
        links._check_record_editable()
        for link in links:
            link._post_on_record(
                self.env._(
                    "Linked to SuperOffice %(type)s %(id)s (%(connection)s).",
                    type=link._entity_label(), id=link.so_id, connection=link.connection_id.name,
                ),
                link.so_url,
            )
        return links

    def write(self, vals):
        self._check_fixed_fields(vals)
        self._check_record_editable()
        before = {link.id: link.state for link in self} if "state" in vals else {}
        result = super().write(vals)
        if before:
            for link in self:
                link._post_state_change(before[link.id])
        return result

    def unlink(self):
        self._check_record_editable()
        for link in self:
            link._post_on_record(
                self.env._(
                    "Disconnected from SuperOffice %(type)s %(id)s (%(connection)s). "
                    "The data stays on both sides.",
                    type=link._entity_label(), id=link.so_id, connection=link.connection_id.name,
                )
            )
        pending = self.env["superoffice.link.pending"].sudo().search([("link_id", "in", self.ids)])
        pending.unlink()
        return super().unlink()

    # ------------------------------------------------------------------ writes in flight

    def _pending_so_rows(self):
        """The writes in flight of this link not yet in its base snapshot, oldest first."""
        self.ensure_one()
        if not self.id:
            return self.env["superoffice.link.pending"]
        return self.env["superoffice.link.pending"].sudo().search([
            ("link_id", "=", self.id), ("id", ">", self.sudo().pending_so_resolved_id),
        ])

    def _load_flights(self):
        """Read the latest write in flight of each link, in a fresh cursor.

        Called once the links are locked: the run that wrote the row has ended by then (it held
        the lock), but its row may have been committed after this transaction's snapshot was
        taken, so the transaction itself might not see it. Kept in the cursor's cache for the
        batch (one query for all its links); returns that cache."""
        ids = [link_id for link_id in self.ids if link_id]
        cache = self.env.cr.cache[_FLIGHTS] = {}  # what was read for earlier batches may be stale
        if not ids:
            return cache
        with self.env.registry.cursor() as cr:
            cr.execute(
                "SELECT DISTINCT ON (link_id) link_id, id, flight FROM superoffice_link_pending"
                " WHERE link_id = ANY(%s) ORDER BY link_id, id DESC",
                [ids],
            )
            rows = {link_id: (row_id, flight) for link_id, row_id, flight in cr.fetchall()}
        for link_id in ids:
            cache[link_id] = rows.get(link_id)
        return cache

    def _flight(self):
        """``(row id, record)`` of the last write in flight not yet in the base snapshot (a
        ``sync.merge.in_flight`` record), or ``(0, None)``."""
        self.ensure_one()
        cache = self.env.cr.cache.get(_FLIGHTS) or {}
        if self.id not in cache:
            cache = self._load_flights()
        entry = cache.get(self.id)
        if entry and entry[1] and entry[0] > self.sudo().pending_so_resolved_id:
            return entry
        return 0, None

    def _store_pending_so(self, flight):
        """Commit ``flight`` (a ``sync.merge.in_flight`` record of a ``to_so`` about to be
        PATCHed) at once; returns the row id.

        A separate cursor, because the caller's transaction must not commit here: a cron batch
        commits many links at once (every record in its own savepoint), and Sync now and the
        wizards run in the user's request. The row must be durable before the PATCH leaves, or a
        crash right after the PATCH loses it. The link row itself is locked by the caller's
        transaction, hence the separate table (see ``superoffice.link.pending``)."""
        self.ensure_one()
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            row_id = env["superoffice.link.pending"].create({
                "link_id": self.id, "so_values": flight["to_so"], "flight": flight,
            }).id
        self.env.cr.cache.setdefault(_FLIGHTS, {})[self.id] = (row_id, flight)
        return row_id

    def _settle_pending_so(self, pending_ids):
        """Values for ``write``: the writes in flight ``pending_ids`` are in the base now.
        Written together with the base snapshot, in the same transaction."""
        if not pending_ids:
            return {}
        # Rows committed before this transaction's snapshot can go; later ones (this run's) are
        # settled by the id and removed by a later run.
        self.env["superoffice.link.pending"].sudo().search([
            ("link_id", "=", self.id), ("id", "<=", max(pending_ids)),
        ]).unlink()
        return {"pending_so_resolved_id": max(pending_ids)}

    def _settle_all_pending_so(self):
        """Values for ``write`` next to a base snapshot made outside the sync engine (the Connect
        and conflict wizards): it is newer than any write in flight, so they are settled, or
        the next run would recover the base from a stale record."""
        self.ensure_one()
        row_id, _flight = self._load_flights().get(self.id) or (0, None)
        if row_id <= self.sudo().pending_so_resolved_id:
            return {}
        return self._settle_pending_so([row_id])

    # ------------------------------------------------------------------ actions

    def action_open_record(self):
        self.ensure_one()
        record = self._odoo_record()
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_open_superoffice(self):
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": self.so_url, "target": "new"}

    def action_mark_needs_sync(self):
        """Queue the links for the next push (also resets a failed link's retries)."""
        self.write({"state": "needs_sync", "retry_count": 0, "next_retry_at": False,
                    "last_error": False})
        self._trigger_push()

    # ------------------------------------------------------------------ business methods

    def _odoo_record(self):
        """The linked ``res.partner`` or ``project.project``."""
        self.ensure_one()
        return self.project_id if self.entity_type == "project" else self.partner_id

    def _check_record_editable(self):
        """A SuperOffice user links, changes and removes only links of records they may edit.

        The link model's access rights are those of every SuperOffice user; which links one of
        them may touch follows the partner or project (the synchronization runs as superuser)."""
        if self.env.su:
            return
        links = self.sudo()
        for records in (links.partner_id, links.project_id):
            if records:
                records.with_env(self.env).check_access("write")

    def _check_fixed_fields(self, vals):
        """A link keeps its connection and the two records it links, whoever writes: moving it
        would hand one company's record to another company's SuperOffice, or point a base
        snapshot at a record it was never taken from. Disconnect and link again instead."""
        changed = [name for name in FIXED_FIELDS if name in vals]
        for link in self.sudo():
            for name in changed:
                field = self._fields[name]
                current = link[name].id if field.type == "many2one" else link[name]
                if (vals[name] or False) != (current or False):
                    raise UserError(self.env._(
                        "A link to SuperOffice keeps its connection and the records it links "
                        "(%(field)s cannot change). Disconnect it and link the record again.",
                        field=field._description_string(self.env),
                    ))

    def _entity_label(self):
        return dict(self._fields["entity_type"]._description_selection(self.env)).get(
            self.entity_type, ""
        )

    def _mapping(self):
        """The connection's FieldMaps for this link's entity type."""
        self.ensure_one()
        return self.connection_id._mapping(self.entity_type)

    def _mark_dirty(self):
        """A mapped field changed in Odoo: queue the push of linked (or failed) links.

        Conflicts stay conflicts (the person resolving them sees the new value) and
        disconnected links are not synchronized."""
        dirty = self.filtered(lambda link: link.state in ("linked", "failed"))
        if dirty:
            dirty.write({"state": "needs_sync"})
            dirty._trigger_push()
        return dirty

    def _trigger_push(self):
        """Ask the push cron to run soon (no-op while the cron does not exist)."""
        cron = self.env.ref(PUSH_CRON_XMLID, raise_if_not_found=False)
        if cron and cron.active:
            cron.sudo()._trigger()

    def _post_on_record(self, body, url=None):
        if self.env.context.get("superoffice_no_chatter"):
            return
        record = self.sudo()._odoo_record()
        if not record or not hasattr(record, "message_post"):
            return
        if url:
            body = Markup("%s <a href='%s' target='_blank'>%s</a>") % (
                body, url, self.env._("Open in SuperOffice")
            )
        record.message_post(body=body, subtype_xmlid="mail.mt_note")

    def _post_state_change(self, old_state):
        new_state = self.state
        if old_state == new_state:
            return
        if new_state == "conflict":
            fields_text = ", ".join(self.conflict_fields or []) or "?"
            self._post_on_record(
                self.env._(
                    "Sync conflict with SuperOffice: %(fields)s changed on both sides. "
                    "Open the SuperOffice tab to choose the values.",
                    fields=fields_text,
                )
            )
        elif old_state == "conflict":
            self._post_on_record(self.env._("Sync conflict with SuperOffice resolved."))
        elif new_state == "disconnected":
            self._post_on_record(
                self.env._("The SuperOffice record was removed; the link is disconnected.")
            )
