"""Pull, one page at a time: the bulk read of SuperOffice records and the batched merge.

The pull reads a page of SuperOffice records with the archive columns of the mapped fields
(``api.bulk.BulkReader``: one request for up to a page of records, a GET only for the records
whose mapped fields no column carries). The linked records of the page are then planned
together by the sync core (``sync.plan.plan``) against the Odoo values of all their records,
read at once, and applied in one savepoint: the ORM writes of the page reach PostgreSQL in a
few batched ``UPDATE`` statements at the next flush. A record that must write SuperOffice, has
a write in flight, or is not complete from the columns goes through the one-record path
(``_read_and_sync``, its own savepoint); when the batch fails, every record of it does, so one
bad record is still counted alone.
"""

import logging

from odoo import models

from ..api import exceptions as so_exc
from ..api.bulk import BulkReader
from ..sync import plan as sync_plan
from .superoffice_sync_service import KIND, RUN_STOPPERS, StopRun

_logger = logging.getLogger(__name__)


class SuperofficeSyncPull(models.AbstractModel):
    _inherit = "superoffice.sync.pull"

    # ------------------------------------------------------------------ reading

    def _reader(self, connection, entity_type):
        """The bulk reader of ``entity_type``'s mapped fields for ``connection``."""
        fields_ = connection._mapping(entity_type)
        return BulkReader(connection._get_client(), KIND[entity_type],
                          [f.so_field for f in fields_])

    def _read_page(self, reader, expression, after_id, top):
        """One keyset page of archive entries; a failed list ends the run (nothing to blame
        on a record, the next run resumes from the cursor)."""
        try:
            return reader.page(expression, after_id=after_id, top=top)
        except so_exc.SuperOfficeError as exc:
            raise StopRun(exc, "failed" if isinstance(exc, RUN_STOPPERS[1:]) else "partial")

    def _read_entries(self, reader, so_ids):
        """{so_id: entry} of the records ``so_ids`` (webhook events), in one request per few
        hundred ids; a record missing from the answer is read with GET later."""
        try:
            return reader.by_ids(so_ids)
        except so_exc.SuperOfficeError as exc:
            raise StopRun(exc, "failed" if isinstance(exc, RUN_STOPPERS[1:]) else "partial")

    def _entry_entity(self, entry):
        """The entity of an archive entry when its columns give every mapped field, else None
        (the record is read with GET)."""
        return entry.entity if entry is not None and entry.complete else None

    # ------------------------------------------------------------------ linked records

    def _sync_linked(self, connection, entity_type, pairs, stats):
        """Merge the linked records ``pairs`` (``[(link, entry)]``, links locked) of one page.

        Complete entries without a write in flight are planned and applied together
        (:meth:`_merge_page`); the others, and those the plan says must write SuperOffice, go
        through ``_read_and_sync`` one by one."""
        service = connection._get_client().service(KIND[entity_type])
        # SuperOffice's ERP Sync engine synchronizes these records: one query for the page.
        records = self.env["project.project" if entity_type == "project" else "res.partner"]
        for link, _entry in pairs:
            records |= link._odoo_record()
        owned = self.env["superoffice.erp.record"]._owned(records)
        batch, alone = [], []
        for link, entry in pairs:
            if link._odoo_record() in owned:
                stats.count("skipped")
                continue
            entity = self._entry_entity(entry)
            if entity is None or entity.deleted or link._flight()[1]:
                alone.append((link, entity))
            else:
                batch.append((link, entity))
        alone += self._merge_page(connection, entity_type, batch, stats)
        for link, entity in alone:
            self._read_and_sync(connection, link, service, stats,
                                f"{entity_type} {link.so_id}", entity)

    def _merge_page(self, connection, entity_type, pairs, stats):
        """Plan ``pairs`` with the sync core and apply the plan in one savepoint; returns the
        pairs left for the one-record path."""
        if not pairs:
            return []
        fields_ = connection._mapping(entity_type)
        links = self.env["superoffice.link"].sudo().browse([link.id for link, _e in pairs])
        records = links.project_id if entity_type == "project" else links.partner_id
        values = dict(zip(records.ids, records._superoffice_values_multi(fields_, connection),
                          strict=True))
        by_so_id = {link.so_id: (link, entity) for link, entity in pairs}
        planned = sync_plan.plan(
            entity_type, [entity for _link, entity in pairs],
            {link.so_id: sync_plan.Link(link._odoo_record().id, link.base_snapshot or None)
             for link, _entity in pairs},
            values, fields_, policy=connection.conflict_policy,
            lookups=self._lookups(connection, stats), create_missing=False,
        )
        later = {u.so_id for u in planned.updates + planned.conflicts if u.result.to_so}
        later |= {s.so_id for s in planned.skips if s.reason != "No change."}
        steps = [(u, "update") for u in planned.updates if u.so_id not in later]
        steps += [(u, "conflict") for u in planned.conflicts if u.so_id not in later]
        steps += [(s, "unchanged") for s in planned.skips if s.so_id not in later]
        try:
            with self.env.cr.savepoint():
                outcomes = [
                    self._apply_planned(connection, fields_, *by_so_id[step.so_id], step, how,
                                        values)
                    for step, how in steps
                ]
        except Exception:  # noqa: BLE001 - each record again on its own, errors counted there
            _logger.info("Batched merge of %s %s failed; merging record by record",
                         len(steps), entity_type, exc_info=True)
            return list(pairs)
        for outcome in outcomes:
            stats.count(outcome)
        stats.streak = 0
        return [by_so_id[so_id] for so_id in by_so_id if so_id in later]

    def _apply_planned(self, connection, fields_, link, entity, step, how, odoo_values):
        """Apply one planned record that writes Odoo only; returns the outcome to count.
        ``odoo_values``: the page's Odoo values before the write, by record id.

        The same writes ``_sync_entity`` makes when the merge has nothing for SuperOffice."""
        if how == "unchanged":
            link.write(self._synced_values(link, entity, link.base_snapshot or {}))
            return "unchanged"
        result = step.result
        new_base = result.new_base
        to_odoo = result.to_odoo
        record = link._odoo_record()
        if to_odoo:
            record._superoffice_apply(to_odoo, fields_, connection)
            new_base = self._settled_base(connection, record, fields_, new_base, to_odoo,
                                          before=odoo_values.get(record.id))
        # told once: the values not taken, and a SuperOffice owner no Odoo user matches
        self._post_new_holds(record, fields_, link.base_snapshot, new_base, entity=entity)
        if to_odoo:
            not_taken = self._new_holds(link.base_snapshot, new_base, sides=("so",))
            to_odoo = {k: v for k, v in to_odoo.items() if k not in not_taken}
        if how == "conflict":
            result.new_base = new_base
            return self._mark_conflict(link, entity, result)
        link.write(self._synced_values(link, entity, new_base))
        return "updated" if to_odoo else "unchanged"
