"""Pull: SuperOffice changes into Odoo (cron ``superoffice_cron_pull``, triggered by webhooks).

``superoffice.sync.pull`` is a service (abstract model) called with the connection by
``superoffice.connection._pull``. Per connection, in this order:

1. the primary keys recorded by the webhook endpoint (``superoffice.sync.event``), so an edit
   in SuperOffice reaches Odoo seconds after it was made;
2. the change feed of companies, then persons (their company is linked first), then projects:
   ``updatedDate afterTime (watermark - overlap)`` ordered by primary key, read in keyset
   pages (``primaryKey gt <last>``) of ``sync_batch_size`` rows, one commit per page.

Every page is one archive request carrying the columns of the mapped fields (see
``superoffice_sync_pull_page.py``); the webhook events' records are read the same way, by id.
Each run works within the cron's time budget (Odoo 19 gives a cron call about 10 s): when it is
up and records are left, the run ends "continuing" (:meth:`_continue_later`): it tells the cron
how much is left and triggers it again, so a first import goes on at once, slice after slice,
until it is done. Rows are locked with ``_try_lock``, which skips what another process holds or
changed since this transaction began instead of failing.

A row whose ``updatedDate`` is not newer than what the link last saw is an echo or an overlap
repeat and is skipped. A record whose mapped fields some column cannot give is read with one GET,
only when it is not skipped. The linked records of a page are planned together and written in
batches; one that must write SuperOffice is merged alone (``_sync_entity``), in its own
savepoint. The records with no link (the initial import) are created together at the end of
their page: one savepoint, one batched ``create`` of the records without chatter, one of their
links; only when that fails is the page created again record by record, so one bad record is
still counted alone.
"""

import logging
from datetime import timedelta

from odoo import fields, models

from ..api import F
from ..api import exceptions as so_exc
from ..api.services import META
from ..sync import transforms
from .superoffice_sync_service import ENTITY_ORDER, KIND, StopRun

_logger = logging.getLogger(__name__)
PULLABLE_STATES = ("linked", "needs_sync")
# The bulk import creates records without chatter: no "created" message, no follower, no
# tracking values and no assignment mail per record (thousands of them on a first import).
IMPORT_CONTEXT = {
    "tracking_disable": True, "mail_create_nolog": True, "mail_create_nosubscribe": True,
    "mail_notrack": True, "superoffice_sync": True,
}


class SuperofficeSyncPull(models.AbstractModel):
    _name = "superoffice.sync.pull"
    _inherit = "superoffice.sync.service"
    _description = "SuperOffice Synchronization: pull"

    def _run(self, connection, trigger=None):
        """One pull run of ``connection``; returns its ``superoffice.sync.run``."""
        connection.ensure_one()
        if trigger is None:
            pending = self.env["superoffice.sync.event"].sudo().search_count(
                [("connection_id", "=", connection.id), ("state", "=", "pending")], limit=1
            )
            trigger = "webhook" if pending else "cron"
        return self._run_safely(connection, "pull", trigger, self._pull_all)

    def _pull_all(self, connection, stats):
        self._pull_events(connection, stats)
        for entity_type in ENTITY_ORDER:
            self._pull_feed(connection, entity_type, stats)

    # ------------------------------------------------------------------ webhook events

    def _pull_events(self, connection, stats):
        """Read the records named by pending webhook events, a batch per transaction."""
        Event = self.env["superoffice.sync.event"].sudo()
        seen = []
        while True:
            events = Event.search([
                ("connection_id", "=", connection.id), ("state", "=", "pending"),
                ("id", "not in", seen),
            ], order="id", limit=connection.sync_batch_size)
            events = self._try_lock(events)  # a concurrent pull takes the others
            if not events:
                return
            seen += events.ids
            busy = set()
            for entity_type in ENTITY_ORDER:
                so_ids = list(dict.fromkeys(
                    e.so_id for e in events if e.entity_type == entity_type
                ))
                if so_ids:
                    busy |= {
                        (entity_type, i)
                        for i in self._pull_ids(connection, entity_type, so_ids, stats)
                    }
            done = events.browse(
                e.id for e in events if (e.entity_type, e.so_id) not in busy
            )
            done.write({"state": "done"})
            stats.remaining = Event.search_count([
                ("connection_id", "=", connection.id), ("state", "=", "pending"),
                ("id", "not in", seen),
            ])
            self._sync_commit(stats)
            if stats.remaining and stats.time_left <= 0:
                self._continue_later(stats)

    # ------------------------------------------------------------------ change feed

    def _pull_feed(self, connection, entity_type, stats):
        """Read the change feed of one entity type from the cursor, committing per page."""
        Cursor = self.env["superoffice.sync.cursor"].sudo()
        cursor = Cursor._for(connection, entity_type)
        if not self._try_lock(cursor):
            _logger.info("Pull of %s %s already running elsewhere", connection.name, entity_type)
            return
        if stats.time_left <= 0:
            self._continue_later(stats)
        if not cursor.run_start:
            cursor.write({"run_start": fields.Datetime.now(), "after_id": 0})
        client = connection._get_client()
        meta = META[KIND[entity_type]]
        reader = self._reader(connection, entity_type)
        window = None
        if cursor.watermark:
            window = F(meta.updated_column).after_time(
                cursor.watermark - self._overlap(client)
            )
        batch_size = connection.sync_batch_size
        while True:
            rows = self._read_page(reader, window, cursor.after_id, batch_size)
            if rows:
                entries = {entry.id: entry for entry in rows}
                self._pull_ids(connection, entity_type, list(entries), stats, entries)
                cursor.write({"after_id": rows[-1].id})
            if len(rows) < batch_size:
                cursor.write({"watermark": cursor.run_start, "run_start": False, "after_id": 0})
                self._sync_commit(stats)
                return
            time_left = self._sync_commit(stats)
            # The commit released the cursor's row lock: take it again before the next page.
            if not self._try_lock(cursor):
                return
            if time_left <= 0:
                self._continue_later(stats)

    def _continue_later(self, stats):
        """The cron's time is up with work left: end the run as "continuing" and trigger the
        pull cron, so the next run starts at once (``stats.remaining`` goes to the cron)."""
        self.env.ref("superoffice_connector.superoffice_cron_pull").sudo()._trigger()
        raise StopRun(None, "continuing")

    def _overlap(self, client):
        return timedelta(seconds=client.config.change_overlap)

    # ------------------------------------------------------------------ records

    def _pull_ids(self, connection, entity_type, so_ids, stats, entries=None):
        """Bring the SuperOffice records ``so_ids`` into Odoo; returns the ids left for later
        because another run holds their link.

        ``entries`` ({so_id: ``api.bulk.Entry``}) are their archive rows; without them they are
        read by id (one request). Linked records are merged as a page (see
        ``_sync_linked``). Records with no link (the import) are created together at the end
        of the page (see :meth:`_import_entities`); when a 429 ends the run, those already read
        are created first."""
        # A webhook event names a record that changed: its link's stamp is not trusted to skip it.
        hinted = entries is not None
        if entries is None:
            entries = self._read_entries(self._reader(connection, entity_type), so_ids)
        Link = self.env["superoffice.link"].sudo()
        links = Link.search([
            ("connection_id", "=", connection.id), ("entity_type", "=", entity_type),
            ("so_id", "in", list(so_ids)),
        ])
        by_id = {link.so_id: link for link in links}
        now = fields.Datetime.now()
        ready = links.filtered(
            lambda lk: lk.state in PULLABLE_STATES
            and (not lk.next_retry_at or lk.next_retry_at <= now)
        )
        locked = self._try_lock(ready)
        locked._load_flights()
        busy = ready - locked
        if busy:
            self._requeue(connection, busy)
        service = connection._get_client().service(KIND[entity_type])
        new, linked = [], []
        try:
            for so_id in so_ids:
                link = by_id.get(so_id)
                if link and link not in locked:
                    stats.count("skipped")  # conflict, failed, disconnected, in backoff or busy
                    continue
                if link is None and not connection.sync_import_new:
                    stats.count("skipped")
                    continue
                entry = entries.get(so_id)
                hint = self._naive(entry.updated) if entry and hinted else None
                if (link and link.state == "linked" and hint and link.so_updated_at
                        and hint <= link.so_updated_at):
                    stats.count("unchanged")
                    continue
                if link is None:
                    new += self._read_new(connection, entity_type, so_id, service, stats,
                                          self._entry_entity(entry))
                    continue
                linked.append((link, entry))
            self._sync_linked(connection, entity_type, linked, stats)
        except StopRun:
            self._import_entities(connection, entity_type, new, stats)
            raise
        self._import_entities(connection, entity_type, new, stats)
        return {link.so_id for link in busy}

    def _read_new(self, connection, entity_type, so_id, service, stats, entity=None):
        """Read a SuperOffice record that has no link (unless ``entity``, read from the
        archive, is given); returns ``[entity]`` to import, or ``[]`` when it is gone, deleted
        or could not be read (counted here)."""
        try:
            entity = entity if entity is not None else service.get(so_id)
        except so_exc.NotFoundError:
            stats.count("skipped")
            return []
        except Exception as exc:  # noqa: BLE001 - one bad record never stops the others
            if not isinstance(exc, so_exc.SuperOfficeError):
                _logger.exception("SuperOffice pull of %s %s failed", entity_type, so_id)
            self._handle_record_error(connection, exc, stats, None, f"{entity_type} {so_id}")
            return []
        stats.streak = 0  # the service answers: the breaker counts failures in a row
        if entity.deleted:
            stats.count("skipped")
            return []
        return [entity]

    def _requeue(self, connection, links):
        """Links held by another run: keep their SuperOffice ids for the next pull."""
        self.env["superoffice.sync.event"].sudo().create([{
            "connection_id": connection.id, "event": "requeue", "entity_type": link.entity_type,
            "so_id": link.so_id,
        } for link in links])

    def _import_entities(self, connection, entity_type, entities, stats):
        """Create the Odoo records (and links) of SuperOffice records that have none.

        All of them in one savepoint and a few batched statements; when that fails, each one
        again in its own savepoint, so one bad record is counted as failed alone and the others
        are created."""
        if not entities:
            return
        try:
            with self.env.cr.savepoint():
                self._create_imported(connection, entity_type, entities, stats)
            for _entity in entities:
                stats.count("created")
            return
        except Exception as exc:  # noqa: BLE001 - retried record by record below
            if len(entities) == 1:
                label = f"{entity_type} {entities[0].id}"
                if not isinstance(exc, so_exc.SuperOfficeError):
                    _logger.exception("SuperOffice import of %s failed", label)
                self._handle_record_error(connection, exc, stats, None, label)
                return
        for entity in entities:
            self._import_entities(connection, entity_type, [entity], stats)

    def _create_imported(self, connection, entity_type, entities, stats=None):
        """Create the Odoo records of ``entities`` and their links in a few batched statements.

        The records are created without chatter (no creation message, no followers, no
        tracking) and the links without the per-record "Linked to SuperOffice" note: the run in
        the sync log counts them, the SuperOffice tab of each record shows its link."""
        fields_ = connection._mapping(entity_type)
        lookups = self._lookups(connection, stats)
        so_values_list = [
            transforms.from_superoffice(entity_type, entity, fields_, lookups)
            for entity in entities
        ]
        if entity_type == "project":
            model = "project.project"
            extra = [{"company_id": connection.company_id.id} for _entity in entities]
        else:
            model = "res.partner"
            extra = [{"is_company": entity_type == "company",
                      "company_id": connection.company_id.id} for _entity in entities]
        for entity, so_values, vals in zip(entities, so_values_list, extra, strict=True):
            vals["name"] = so_values.get("name") or getattr(entity, "name", "") or str(entity.id)
        records = self.env[model].with_context(**IMPORT_CONTEXT)._superoffice_create(
            so_values_list, fields_, connection, extra
        )
        actual_list = records._superoffice_values_multi(fields_, connection)
        now = fields.Datetime.now()
        link_values = []
        for entity, record, so_values, actual in zip(
            entities, records, so_values_list, actual_list, strict=True
        ):
            written = {f.key: so_values.get(f.key) for f in fields_ if f.writes_odoo}
            values = {
                "connection_id": connection.id,
                "entity_type": entity_type,
                "so_id": entity.id,
                "base_snapshot": self._settled(fields_, so_values, written, actual,
                                               hold_owners=False),
                "so_updated_at": self._naive(entity.updated),
                "last_sync_at": now,
                "state": "linked",
            }
            if entity_type == "project":
                values["project_id"] = record.id
            else:
                values["partner_id"] = record.id
                if entity_type == "company":
                    values["actor_type"] = "customer"
            link_values.append(values)
        self.env["superoffice.link"].sudo().with_context(superoffice_no_chatter=True).create(
            link_values
        )
