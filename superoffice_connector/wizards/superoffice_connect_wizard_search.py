"""The search step of the Connect wizard: likely matches, quick and advanced search, paging.

Hits are ranked by :mod:`.superoffice_search` (same VAT/org number, same e-mail domain, similar
name) and marked when already linked to another Odoo record. The seconds spent waiting for
SuperOffice are kept apart from the time spent in Odoo (the benchmark reports both).
"""

import time

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..api.query import F, Query, all_of
from ..sync import countries
from . import superoffice_search as so_search

HIT_KEYS = ("department", "vat", "ref", "city", "country", "phone", "email", "function",
            "company", "number", "status", "type")
# canonical key -> hit field (when they differ)
HIT_FIELD = {"company": "company_name", "type": "project_type"}


class SuperofficeConnectWizard(models.TransientModel):
    _inherit = "superoffice.connect.wizard"

    search_text = fields.Char(string="Search")
    advanced = fields.Boolean(string="Advanced search")
    adv_name = fields.Char(string="Name")
    adv_department = fields.Char(string="Department")
    adv_orgnr = fields.Char(string="Org. number")
    adv_city = fields.Char(string="City")
    adv_country_id = fields.Many2one("res.country", string="Country")
    adv_email = fields.Char(string="E-mail")
    adv_phone = fields.Char(string="Phone")
    adv_updated_since = fields.Datetime(string="Updated since")
    search_mode = fields.Selection(
        [("likely", "Likely matches"), ("quick", "Quick"), ("advanced", "Advanced")],
        readonly=True,
    )
    searched = fields.Boolean(readonly=True)
    page = fields.Integer(default=0, readonly=True)
    page_size = fields.Integer(default=20)
    has_next = fields.Boolean(readonly=True)
    total_count = fields.Integer(readonly=True)
    total_known = fields.Boolean(readonly=True)
    page_info = fields.Char(compute="_compute_page_info")
    so_seconds = fields.Float(
        string="Time waiting for SuperOffice (s)", readonly=True,
        help="Of the last search: time spent in SuperOffice calls.",
    )
    hit_ids = fields.One2many(
        "superoffice.connect.wizard.hit", "wizard_id", string="Hits",
        domain=[("is_person_option", "=", False)],
    )
    no_hit = fields.Boolean(compute="_compute_no_hit")
    create_blocked_reason = fields.Char(compute="_compute_create_blocked_reason")
    show_department = fields.Boolean(compute="_compute_show_columns")
    show_vat = fields.Boolean(compute="_compute_show_columns")
    show_ref = fields.Boolean(compute="_compute_show_columns")
    show_city = fields.Boolean(compute="_compute_show_columns")
    show_country = fields.Boolean(compute="_compute_show_columns")
    show_phone = fields.Boolean(compute="_compute_show_columns")
    show_email = fields.Boolean(compute="_compute_show_columns")
    show_function = fields.Boolean(compute="_compute_show_columns")
    show_company = fields.Boolean(compute="_compute_show_columns")
    show_number = fields.Boolean(compute="_compute_show_columns")
    show_status = fields.Boolean(compute="_compute_show_columns")
    show_type = fields.Boolean(compute="_compute_show_columns")

    @api.depends("searched", "search_mode", "page", "page_size", "has_next", "total_count",
                 "total_known", "hit_ids")
    def _compute_page_info(self):
        for wizard in self:
            if not wizard.searched or wizard.search_mode == "likely" or not wizard.hit_ids:
                wizard.page_info = False
                continue
            first = wizard.page * wizard.page_size + 1
            last = wizard.page * wizard.page_size + len(wizard.hit_ids)
            if wizard.total_known:
                wizard.page_info = self.env._(
                    "%(first)s-%(last)s of %(total)s", first=first, last=last,
                    total=wizard.total_count,
                )
            else:
                wizard.page_info = self.env._(
                    "%(first)s-%(last)s of more", first=first, last=last
                )

    @api.depends("searched", "hit_ids", "step")
    def _compute_no_hit(self):
        for wizard in self:
            wizard.no_hit = wizard.step == "search" and wizard.searched and not wizard.hit_ids

    @api.depends("connection_id", "entity_type")
    def _compute_show_columns(self):
        for wizard in self:
            keys = set()
            if wizard.connection_id:
                keys = {f.key for f in wizard._fmaps() if f.show_in_search}
            for key in HIT_KEYS:
                wizard[f"show_{key}"] = key in keys

    # ------------------------------------------------------------------ search step

    def action_search(self):
        """Quick search (text) or, with Advanced search ticked, the combined criteria."""
        self.ensure_one()
        self.page = 0
        if self.advanced:
            self.search_mode = "advanced"
        else:
            self.search_mode = "quick"
        self._search_page()
        return self._reopen()

    def action_next_page(self):
        self.ensure_one()
        if self.has_next:
            self.page += 1
            self._search_page()
        return self._reopen()

    def action_previous_page(self):
        self.ensure_one()
        if self.page > 0:
            self.page -= 1
            self._search_page()
        return self._reopen()

    def _criteria(self):
        return {
            "name": self.adv_name,
            "department": self.adv_department,
            "vat": self.adv_orgnr,
            "city": self.adv_city,
            "country_id": countries.country_id(self.adv_country_id.code)
            if self.adv_country_id else None,
            "email": self.adv_email,
            "phone": self.adv_phone,
            "updated": self.adv_updated_since,
        }

    def _filter(self):
        if self.search_mode == "advanced":
            expression = so_search.advanced_filter(self.entity_type, self._criteria())
        else:
            expression = so_search.quick_filter(self.entity_type, self.search_text)
        if self.entity_type == "person" and self.parent_so_id:
            expression = all_of(F("contactId").eq(self.parent_so_id), expression)
        return expression

    def _select(self):
        keys = [key for key in HIT_KEYS if self[f"show_{key}"]]
        return so_search.select_columns(self.entity_type, ["email", "vat", *keys])

    def _timed_search(self, query, timing):
        """``client.search`` of one query; adds the seconds spent waiting to ``timing``."""
        client = self._client()
        started = time.perf_counter()
        try:
            return self._so_call(client.search, self._kind(), query)
        finally:
            timing.append(time.perf_counter() - started)

    def _search_page(self):
        """One page of the current search, ranked; asks for one row more to know if more follow."""
        timing = []
        cols = so_search.columns(self.entity_type)
        query = (Query().select(*self._select()).order_by(cols["id"])
                 .top(self.page_size + 1).skip(self.page * self.page_size))
        expression = self._filter()
        if expression is not None:
            query = query.filter(expression)
        rows = self._timed_search(query, timing)
        has_next = len(rows) > self.page_size
        rows = rows[: self.page_size]
        values = {"has_next": has_next, "searched": True}
        if not has_next:
            values.update(total_known=True, total_count=self.page * self.page_size + len(rows))
        elif self.page == 0:
            values.update(total_known=False, total_count=0)
        values["hit_ids"] = self._hit_commands(rows)
        values["so_seconds"] = sum(timing)
        self.write(values)

    def _likely_values(self):
        """The opening list: likely matches of the record (same VAT, e-mail domain, name)."""
        timing = []
        cols = so_search.columns(self.entity_type)
        odoo_values = self._odoo_search_values()
        rows, seen = [], set()
        queries = so_search.likely_filters(self.entity_type, odoo_values)
        if self.entity_type == "person":
            # the company's persons are few: list them all, best first
            queries = [("company", None)]
        for _reason, expression in queries:
            query = Query().select(*self._select()).order_by(cols["id"]).top(self.page_size)
            expression = all_of(
                F("contactId").eq(self.parent_so_id) if self.parent_so_id else None, expression
            )
            if expression is not None:
                query = query.filter(expression)
            for row in self._timed_search(query, timing):
                if row.id not in seen:
                    seen.add(row.id)
                    rows.append(row)
        return {
            "search_mode": "likely", "searched": True, "has_next": False, "page": 0,
            "search_text": odoo_values.get("name") or False,
            "hit_ids": self._hit_commands(rows), "so_seconds": sum(timing),
        }

    def _odoo_search_values(self):
        record = self._record()
        if not record:
            return {}
        wanted = [f for f in self._fmaps() if f.key in ("name", "vat", "email")]
        return record._superoffice_values(tuple(wanted))

    def _hit_values(self, row):
        cols = so_search.columns(self.entity_type)
        values = {"so_id": row.id}
        for key, column in cols.items():
            if key in ("id", "updated", "country_id"):
                continue
            value = row.get(column)
            if key == "company":
                values["company_so_id"] = int(value or 0) if str(value or "").isdigit() else 0
                continue
            field = HIT_FIELD.get(key, key)
            if field in self.env["superoffice.connect.wizard.hit"]._fields:
                values[field] = value if value not in (None, "") else False
        return values

    def _hit_commands(self, rows):
        """Commands replacing the hit list by ``rows``, best first, linked ones marked."""
        hits = [self._hit_values(row) for row in rows]
        ranked = so_search.rank(hits, self._odoo_search_values())
        linked = self._linked_so_ids([hit["so_id"] for hit in hits])
        commands = [Command.unlink(hit.id) for hit in self.hit_ids]
        for sequence, (hit, points, reasons) in enumerate(ranked):
            link = linked.get(hit["so_id"])
            commands.append(Command.create({
                **hit,
                "sequence": sequence,
                "score": points,
                "match_reason": self._match_reasons(reasons),
                "linked_elsewhere": bool(link),
                "linked_record": link._odoo_record().display_name if link else False,
            }))
        return commands

    def _match_reasons(self, reasons):
        """The translated "Likely match" text of a hit's reasons (keys of ``so_search.rank``)."""
        labels = {
            "same_name": self.env._("Same name"),
            "vat": self.env._("Same VAT"),
            "domain": self.env._("Same e-mail domain"),
            "name": self.env._("Similar name"),
        }
        return ", ".join(labels[reason] for reason in reasons) or False

    def action_create_in_superoffice(self):
        """From "Can't find a match": open Create in SuperOffice for the same record."""
        self.ensure_one()
        reason = self._create_blocked_reason()
        if reason:
            raise UserError(reason)
        return self.env["superoffice.create.wizard"]._open_for(
            self._record(), actor_type=self.actor_type
        )
