"""The contract between an Odoo model and the synchronization: a few hooks and the dirty flag.

A synchronized model (``res.partner``, ``project.project``) inherits this mixin, declares its
``superoffice_link_ids`` one2many and implements :meth:`_superoffice_entity_type`. The mixin then
provides:

* :meth:`_superoffice_values` — the record as canonical values for the sync core;
* :meth:`_superoffice_apply` — canonical values written back through the ORM, with the context
  key ``superoffice_sync`` so the write is not mistaken for a user edit;
* ``write()`` dirty tracking — a changed mapped field (sent to SuperOffice) marks the record's
  links "needs sync";
* the state shown on the form, in lists and in the search filters, and the form's buttons.

    >>> partner._superoffice_values(connection._mapping("company"))["name"]
    'ACME AS'
    >>> partner._superoffice_apply({"city": "Oslo"}, connection._mapping("company"))

The mixin is declared in two files: this one (fields, state, dirty tracking, the buttons, the
hooks each model fills in) and ``superoffice_sync_mixin_values`` (canonical values to and from
the ORM, used by the wizards and the sync engine).
"""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..api.exceptions import SuperOfficeError
from ..sync import canonical
from .superoffice_link import STATES
from .superoffice_sync_push import SyncBusy

USER_GROUP = "superoffice_connector.superoffice_connector_group_user"
# Worst state first: what a record with several links (several connections) shows.
_STATE_PRIORITY = ["conflict", "failed", "needs_sync", "linked", "disconnected"]

WIZARD_ACTIONS = {
    "connect": "superoffice_connector.superoffice_connect_wizard_action",
    "create": "superoffice_connector.superoffice_create_wizard_action",
    "disconnect": "superoffice_connector.superoffice_disconnect_wizard_action",
}

# Tag-like models a SuperOffice list value may create a record in when none has that name.


class SuperofficeSyncMixin(models.AbstractModel):
    _name = "superoffice.sync.mixin"
    _description = "SuperOffice Synchronized Record"

    superoffice_link_id = fields.Many2one(
        "superoffice.link", string="SuperOffice link", compute="_compute_superoffice_link",
        search="_search_superoffice_link_id", groups=USER_GROUP,
    )
    superoffice_state = fields.Selection(
        [("not_linked", "Not linked"), *STATES], string="SuperOffice",
        compute="_compute_superoffice_link", search="_search_superoffice_state",
        groups=USER_GROUP,
    )
    superoffice_so_id = fields.Integer(
        string="SuperOffice ID", compute="_compute_superoffice_link",
        search="_search_superoffice_so_id", groups=USER_GROUP,
    )
    superoffice_connection_id = fields.Many2one(
        "superoffice.connection", string="SuperOffice connection",
        compute="_compute_superoffice_connection", groups=USER_GROUP,
    )
    superoffice_can_create = fields.Boolean(
        compute="_compute_superoffice_connection", groups=USER_GROUP
    )
    superoffice_actor_type = fields.Selection(
        related="superoffice_link_id.actor_type", string="SuperOffice actor", groups=USER_GROUP
    )
    superoffice_last_sync_at = fields.Datetime(
        related="superoffice_link_id.last_sync_at", string="Last synchronized", groups=USER_GROUP
    )
    superoffice_last_error = fields.Text(
        related="superoffice_link_id.last_error", string="Sync error", groups=USER_GROUP
    )
    superoffice_url = fields.Char(
        related="superoffice_link_id.so_url", string="Open in SuperOffice", groups=USER_GROUP
    )
    superoffice_values_html = fields.Html(
        string="Synchronized values", compute="_compute_superoffice_values_html",
        sanitize=False, groups=USER_GROUP,
    )

    @api.depends("superoffice_link_ids.state", "superoffice_link_ids.so_id")
    @api.depends_context("allowed_company_ids")
    def _compute_superoffice_link(self):
        companies = self.env.companies
        for record in self:
            links = record.sudo().superoffice_link_ids.filtered(
                lambda link: link.company_id in companies
            )
            if not links:
                record.superoffice_link_id = False
                record.superoffice_state = "not_linked"
                record.superoffice_so_id = 0
                continue
            link = min(links, key=lambda lk: (_STATE_PRIORITY.index(lk.state), lk.id))
            record.superoffice_link_id = link
            record.superoffice_state = link.state
            record.superoffice_so_id = link.so_id

    @api.depends("superoffice_link_id")
    @api.depends_context("allowed_company_ids")
    def _compute_superoffice_connection(self):
        Connection = self.env["superoffice.connection"].sudo()
        defaults = {}
        for record in self:
            link = record.superoffice_link_id
            if link:
                connection = link.connection_id
            else:
                company = record._superoffice_company()
                if company.id not in defaults:
                    defaults[company.id] = Connection._default_for_company(company)
                connection = defaults[company.id]
            record.superoffice_connection_id = connection
            record.superoffice_can_create = bool(
                connection and connection.allow_create_superoffice and not link
            )

    def _search_superoffice_state(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        states = set(value)
        linked = states - {"not_linked"}
        domain = [("superoffice_link_ids.state", "in", list(linked))] if linked else []
        if "not_linked" in states:
            no_link = [("superoffice_link_ids", "=", False)]
            domain = ["|", *no_link, *domain] if domain else no_link
        if not domain:
            domain = [("id", "=", False)]
        return domain if operator == "in" else ["!", *domain]

    def _search_superoffice_link_id(self, operator, value):
        return [("superoffice_link_ids", operator, value)]

    def _search_superoffice_so_id(self, operator, value):
        return [("superoffice_link_ids.so_id", operator, value)]

    @api.depends("superoffice_link_id", "superoffice_link_ids.base_snapshot")
    def _compute_superoffice_values_html(self):
        for record in self:
            link = record.superoffice_link_id.sudo()
            if not link:
                record.superoffice_values_html = False
                continue
            snapshot = link.base_snapshot or {}
            rows = [
                Markup("<tr><th class='pe-3'>%s</th><td>%s</td></tr>")
                % (fmap.label, record._superoffice_display(
                    fmap, snapshot.get(fmap.key), link.connection_id))
                for fmap in link._mapping()
                if fmap.show_on_tab
            ]
            record.superoffice_values_html = (
                Markup("<table class='table table-sm o_superoffice_values'><tbody>%s</tbody></table>")
                % Markup("").join(rows)
            )

    # ------------------------------------------------------------------ CRUD

    def write(self, vals):
        """Mark the links "needs sync" when a field sent to SuperOffice really changes.

        Writes made by the synchronization itself carry ``superoffice_sync=True`` and are not
        changes to send back (they would echo)."""
        if self.env.context.get("superoffice_sync") or not self:
            return super().write(vals)
        watched = self._superoffice_watched_links(vals)
        if not watched:
            return super().write(vals)
        self._check_superoffice_company_wall(watched)
        before = {link: link._odoo_record()._superoffice_values(fmaps, link.connection_id)
                  for link, fmaps in watched.items()}
        result = super().write(vals)
        Link = self.env["superoffice.link"].sudo()
        dirty = Link
        for link, fmaps in watched.items():
            after = link._odoo_record()._superoffice_values(fmaps, link.connection_id)
            if any(not canonical.equal(f, before[link][f.key], after[f.key]) for f in fmaps):
                dirty |= link
        dirty._mark_dirty()
        return result

    def _check_superoffice_company_wall(self, watched):
        """Refuse the edit of fields sent to SuperOffice by a user outside the company of one
        of the links' connections: the push would write it into that company's SuperOffice.

        Refused rather than kept out of the push: the three-way merge sends whatever differs
        from the base snapshot, so an edit left in Odoo would still leave with the next push
        of the record (README, "Multi-company")."""
        if self.env.su:
            return
        allowed = self.env.user.company_ids
        for link in watched:
            if link.company_id not in allowed:
                raise UserError(self.env._(
                    "%(record)s is synchronized with SuperOffice by the connection %(connection)s "
                    "of the company %(company)s, which you do not belong to: you may not change "
                    "its synchronized fields (%(fields)s).",
                    record=link._odoo_record().display_name,
                    connection=link.connection_id.name,
                    company=link.company_id.name,
                    fields=", ".join(fmap.label for fmap in watched[link]),
                ))

    @api.constrains("company_id")
    def _check_superoffice_link_company(self):
        """A linked record stays in its connections' company (or in none)."""
        for record in self:
            links = record.sudo().superoffice_link_ids
            if record.company_id and links.filtered(
                lambda link, company=record.company_id: link.company_id != company
            ):
                raise ValidationError(self.env._(
                    "%(record)s is linked to SuperOffice by a connection of another company: "
                    "it cannot belong to %(company)s.",
                    record=record.display_name, company=record.company_id.name,
                ))

    def _superoffice_watched_links(self, vals):
        """{link: FieldMaps written by ``vals`` and sent to SuperOffice} for the links of self."""
        Mapping = self.env["superoffice.field.mapping"]
        if not any(
            set(vals) & Mapping._odoo_fields_to_so(entity_type)
            for entity_type in self._superoffice_entity_types()
        ):
            return {}
        links = self.sudo().superoffice_link_ids.filtered(
            lambda link: link.state in ("linked", "failed", "needs_sync", "conflict")
        )
        watched = {}
        for link in links:
            fmaps = [f for f in link._mapping() if f.writes_so and f.odoo_field in vals]
            if fmaps:
                watched[link] = fmaps
        return watched

    # ------------------------------------------------------------------ actions

    def action_superoffice_connect(self):
        """Open the Connect wizard (search SuperOffice, compare, link)."""
        return self._superoffice_wizard_action("connect")

    def action_superoffice_create(self):
        """Open the Create in SuperOffice wizard."""
        self.ensure_one()
        if self.superoffice_link_id:
            # The form was opened before another request (a second click, another user) linked
            # the record: that, not the connection, is why it cannot be created again.
            raise UserError(self.env._(
                "%(name)s was just linked to SuperOffice (%(connection)s) by another request. "
                "Reload the page to see its SuperOffice tab.",
                name=self.display_name, connection=self.superoffice_link_id.connection_id.name,
            ))
        if not self.superoffice_can_create:
            raise UserError(
                self.env._("The SuperOffice connection does not allow creating records there.")
            )
        return self._superoffice_wizard_action("create")

    def action_superoffice_disconnect(self):
        """Open the Disconnect confirmation."""
        return self._superoffice_wizard_action("disconnect")

    def action_superoffice_resolve(self):
        """Open the side-by-side screen of a sync conflict (the Connect wizard's resolve step)."""
        self.ensure_one()
        action = self._superoffice_wizard_action("connect")
        action["context"] = {**action["context"], "superoffice_link_id": self.superoffice_link_id.id}
        return action

    def action_superoffice_sync_now(self):
        """Synchronize the record's link at once and say what changed, in which direction."""
        self.ensure_one()
        link = self.superoffice_link_id
        if not link:
            raise UserError(self.env._("This record is not linked to SuperOffice."))
        return self._superoffice_sync_now(link)

    def _superoffice_sync_now(self, link):
        """Sync now of ``link`` (one of this record's links): the notification to show."""
        self.ensure_one()
        self._check_superoffice_edit_right()
        connection = link.connection_id
        fmaps = [f for f in link.sudo()._mapping() if f.direction != "none"]
        before = self._superoffice_values(fmaps, connection)
        base_before = dict(link.sudo().base_snapshot or {})
        try:
            outcome = connection._sync_link(link)
        except SyncBusy as exc:
            return self._superoffice_notification(
                self.env._("Already being synchronized"), exc.args[0], "info"
            )
        except (UserError, SuperOfficeError, ValueError) as exc:
            message = exc.args[0] if isinstance(exc, UserError) else connection._user_message(exc)
            return self._superoffice_notification(self.env._("Sync failed"), message, "danger")
        if outcome == "conflict":
            labels = {f.key: f.label for f in fmaps}
            notification = self._superoffice_notification(
                self.env._("Sync conflict"),
                self.env._(
                    "Changed on both sides since the last sync: %(fields)s. Nothing was "
                    "overwritten; choose the values to keep with Resolve conflict.",
                    fields=", ".join(labels.get(k, k) for k in link.conflict_fields or ()),
                ),
                "warning",
            )
        elif outcome == "deleted":
            notification = self._superoffice_notification(
                self.env._("Deleted in SuperOffice"),
                self.env._("The SuperOffice record was deleted; the link is disconnected."),
                "warning",
            )
        else:
            after = self._superoffice_values(fmaps, connection)
            message = self._superoffice_sync_report(
                fmaps, before, after, base_before, dict(link.sudo().base_snapshot or {})
            )
            notification = self._superoffice_notification(
                self.env._("Synchronized"), message, "success"
            )
        notification["params"]["next"] = {"type": "ir.actions.client", "tag": "soft_reload"}
        return notification

    def _superoffice_sync_report(self, fmaps, before, after, base_before, base_after):
        """What a Sync now changed, in a sentence or two: the fields updated in Odoo from
        SuperOffice, the fields whose Odoo edit was sent to SuperOffice, and the values one
        side holds that the other side lacks (held: not sent, or not taken)."""
        to_odoo = [f.label for f in fmaps
                   if not canonical.equal(f, before.get(f.key), after.get(f.key))]
        to_so = [
            f.label for f in fmaps
            if f.writes_so and f.label not in to_odoo
            and not canonical.equal(f, base_before.get(f.key), base_after.get(f.key))
            and canonical.equal(f, base_after.get(f.key), after.get(f.key))
        ]
        parts = []
        held = self.env["superoffice.sync.service"]._held_report(fmaps, base_after,
                                                                 self[:1] or None)
        if to_odoo:
            parts.append(self.env._(
                "Updated in Odoo from SuperOffice: %(fields)s.", fields=", ".join(to_odoo)
            ))
        if to_so:
            parts.append(self.env._(
                "Sent to SuperOffice: %(fields)s.", fields=", ".join(to_so)
            ))
        if not parts and not held:
            return self.env._("Nothing changed: both sides already hold the same values.")
        return " ".join(parts + held)

    def action_superoffice_open_link(self):
        self.ensure_one()
        link = self.superoffice_link_id
        return {
            "type": "ir.actions.act_window",
            "res_model": "superoffice.link",
            "res_id": link.id,
            "view_mode": "form",
            "target": "current",
        }

    def _superoffice_wizard_action(self, which):
        self.ensure_one()
        self._check_superoffice_edit_right()
        action_record = self.env.ref(WIZARD_ACTIONS[which], raise_if_not_found=False)
        if not action_record:
            raise UserError(self.env._("This SuperOffice action is not available yet."))
        action = self.env["ir.actions.act_window"]._for_xml_id(WIZARD_ACTIONS[which])
        action["context"] = {
            "active_model": self._name,
            "active_id": self.id,
            "active_ids": self.ids,
            "superoffice_link_id": self.superoffice_link_id.id,
            "default_connection_id": self.superoffice_connection_id.id,
        }
        wizard_model = self.env[action["res_model"]].with_context(**action["context"])
        if hasattr(wizard_model, "_open_for"):
            # saved at once, so the buttons on its lists (hits) work from the first screen
            return wizard_model._open_for(self)
        return action

    def _check_superoffice_edit_right(self):
        """SuperOffice users act only on records they may edit."""
        self.check_access("write")

    def _superoffice_notification(self, title, message, kind):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"title": title, "message": message, "type": kind, "sticky": False},
        }

    # ------------------------------------------------------------------ hooks

    def _superoffice_entity_type(self):
        """``"company"``, ``"person"`` or ``"project"`` for one record."""
        raise NotImplementedError

    def _superoffice_entity_types(self):
        """Entity types a record of this model can have (for the cheap dirty-tracking test)."""
        raise NotImplementedError

    def _superoffice_company(self):
        """The company whose connection this record uses."""
        self.ensure_one()
        return self.company_id or self.env.company
