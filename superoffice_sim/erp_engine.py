"""SuperOffice's ERP Sync engine, played against an ERP Sync Connector.

It drives the documented flows (reference ``superoffice-erp-connector.md`` section 1) through
:class:`.erp_client.ErpClient`, keeping SuperOffice's side in memory: CRM records (field values
keyed like the ERP fields they are mapped to), the links (actor type, ErpKey, most recent
timestamp) and one watermark per actor type.

* :meth:`set_up` — GetConfigData, GetList on the empty GUID, TestConfigData, SaveConnection,
  TestConnection, GetSupportedActorTypes, then the fields and searchable fields of each type.
* :meth:`search`, :meth:`search_advanced`, :meth:`connect` — the Connect-to-ERP dialog: search,
  GetActors of the chosen hit, the user's side-by-side choice, the CRM side overwritten with the
  ERP values chosen and SaveActors with the CRM values chosen.
* :meth:`create_in_erp` — Can't find match > Create > Create in ERP (CreateActor).
* :meth:`poll` — one periodic round: GetActorsByTimestamp since the watermark, ERP changes into
  the CRM, CRM changes to the ERP with SaveActors. A field changed on both sides since the last
  round is a conflict: SuperOffice does not document its rule, the engine lets the CRM value win
  and *reports* the ERP value it overwrote in :attr:`conflicts`.
* Any call answered with the unknown-connection code: the configuration is sent again with
  SaveConnection and the call repeated once (``D/sync-operation.md``).

    engine = ErpSyncEngine(ErpClient(url), {"KEY": key, "COMPANY": "1", "ALLOWCREATE": "[I:1]"})
    engine.set_up()
    hits = engine.search("Customer", "acme")
    engine.connect("crm-1", "Customer", hits[0].erp_key, crm_values, prefer={"NAME": "crm"})
    engine.poll()
"""

import uuid
from dataclasses import dataclass, field

from superoffice_connector.erp import wire

from .erp_client import Actor, Restriction

EMPTY_GUID = "00000000-0000-0000-0000-000000000000"


class EngineError(Exception):
    """The connector answered State=Error; ``answer`` holds its explanations."""

    def __init__(self, operation, answer):
        super().__init__(f"{operation}: {answer.user_explanation} ({answer.error_code})")
        self.operation = operation
        self.answer = answer


@dataclass
class Link:
    actor_type: str
    erp_key: str
    last_modified: str
    base: dict = field(default_factory=dict)  # last synchronized value of each mapped key


@dataclass
class Conflict:
    crm_key: str
    field_key: str
    erp_value: str  # overwritten: reported, not silently lost
    crm_value: str


class ErpSyncEngine:
    def __init__(self, client, config, mapping=None, guid=None):
        self.client = client
        self.config = dict(config)
        self.guid = guid or str(uuid.uuid4())
        # mapped ERP field keys per actor type (SuperOffice's admin mapping, direction <>)
        self.mapping = mapping or {
            "Customer": ["NAME", "STREETCITY", "PHONE", "EMAIL"],
            "Supplier": ["NAME", "STREETCITY", "PHONE", "EMAIL"],
            "Person": ["FIRSTNAME", "LASTNAME", "EMAIL"],
            "Project": ["NAME", "TEXT"],
        }
        self.crm = {}  # crm key -> {field key: value}
        self.links = {}  # crm key -> Link
        self.watermarks = {}  # actor type -> LastModified
        self.conflicts = []
        self.fields = {}
        self.searchable = {}
        self.resends = 0

    # ------------------------------------------------------------------ calls

    def call(self, operation, **members):
        """Call with this connection's GUID; resend the configuration once if unknown."""
        if "ConnectionGuid" not in members and operation not in ("GetConfigData", "TestConfigData"):
            members["ConnectionGuid"] = self.guid
        answer = self.client.call(operation, **members)
        if answer.error_code == wire.value("unknown_connection_code"):
            self.resends += 1
            self.client.call("SaveConnection", ConnectionGuid=self.guid,
                             ConnectionInfo=self.config)
            answer = self.client.call(operation, **members)
        if not answer.ok:
            raise EngineError(operation, answer)
        return answer

    # ------------------------------------------------------------------ set-up

    def set_up(self):
        """The administrator's Add connection dialog, then the field cache."""
        config_fields = self.call("GetConfigData").payload
        for meta in config_fields:
            if meta["FieldType"] == "List":
                self.call("GetList", ConnectionGuid=EMPTY_GUID, ListName=meta["ListName"])
        self.call("TestConfigData", ConnectionInfo=self.config)
        self.call("SaveConnection", ConnectionInfo=self.config)
        self.call("TestConnection")
        for actor_type in self.call("GetSupportedActorTypes").payload:
            declared = self.call("GetSupportedActorTypeFields", ActorType=actor_type).payload
            self.fields[actor_type] = {meta["FieldKey"]: meta for meta in declared}
            self.searchable[actor_type] = self.call(
                "GetSearchableFields", ActorType=actor_type).payload
        return config_fields

    # ------------------------------------------------------------------ Connect to ERP

    def search(self, actor_type, text):
        self.call("GetSearchableFields", ActorType=actor_type)
        return self.call("SearchActors", ActorType=actor_type, SearchText=text,
                         FieldKeys=self.mapping[actor_type]).payload

    def search_advanced(self, actor_type, restrictions):
        return self.call("SearchActorsAdvanced", ActorType=actor_type, FieldKeys=self.mapping[actor_type],
                         Restrictions=[Restriction(*r) for r in restrictions]).payload

    def differences(self, actor_type, erp_key, crm_values):
        """The side-by-side step: ``{key: (crm value, erp value)}`` where they differ."""
        erp = self.get(actor_type, erp_key).field_values
        return {key: (crm_values.get(key, ""), erp.get(key, ""))
                for key in self.mapping[actor_type] if crm_values.get(key, "") != erp.get(key, "")}

    def connect(self, crm_key, actor_type, erp_key, crm_values, prefer=None):
        """Link ``crm_key`` to ``erp_key``; ``prefer`` says per differing key which side's value
        is correct ("crm" or "erp", default "crm"); the other side is overwritten."""
        prefer = prefer or {}
        crm = dict(crm_values)
        to_erp = {}
        for key, (crm_value, erp_value) in self.differences(actor_type, erp_key, crm).items():
            if prefer.get(key, "crm") == "erp":
                crm[key] = erp_value
            else:
                to_erp[key] = crm_value
        actor = self.get(actor_type, erp_key)
        if to_erp:
            actor = self.call("SaveActors", Actors=[Actor(actor_type, erp_key, actor.last_modified,
                                                          actor.parent_actor_type,
                                                          actor.parent_erp_key, to_erp)]).payload[0]
            actor = self.get(actor_type, erp_key)
        self._store(crm_key, actor_type, actor, crm)
        return actor

    def create_in_erp(self, crm_key, actor_type, crm_values, parent=None):
        """Create in ERP with the CRM values (and a parent for a person); links the new actor."""
        actor = Actor(actor_type, field_values=dict(crm_values))
        if parent:
            actor.parent_actor_type, actor.parent_erp_key = parent
        created = self.call("CreateActor", Actor=actor).payload
        created = self.get(actor_type, created.erp_key)
        self._store(crm_key, actor_type, created, dict(crm_values))
        return created

    def get(self, actor_type, erp_key):
        return self.call("GetActors", ActorType=actor_type, ErpKeys=[erp_key],
                         FieldKeys=self.mapping[actor_type]).payload[0]

    def _store(self, crm_key, actor_type, actor, crm):
        values = {key: actor.field_values.get(key, "") for key in self.mapping[actor_type]}
        crm.update(values)  # the ERP's spelling of what was saved (it may normalize)
        self.crm[crm_key] = crm
        self.links[crm_key] = Link(actor_type, actor.erp_key, actor.last_modified, dict(values))

    # ------------------------------------------------------------------ periodic sync

    def poll(self):
        """One round of the periodic sync; returns the conflicts it reported."""
        reported = []
        for actor_type in sorted({link.actor_type for link in self.links.values()}):
            reported += self._poll_type(actor_type)
        self.conflicts += reported
        return reported

    def changes(self, actor_type):
        """One GetActorsByTimestamp "on or after" the newest LastModified seen of the type; the
        newest LastModified of the answer becomes the next stamp (as SuperOffice stores it)."""
        since = self.watermarks.get(actor_type, "")
        answer = self.call("GetActorsByTimestamp", ActorType=actor_type, UpdatedOnOrAfter=since,
                           FieldKeys=self.mapping[actor_type])
        if answer.payload:
            self.watermarks[actor_type] = max([since] + [a.last_modified for a in answer.payload])
        return answer

    def _poll_type(self, actor_type):
        keys = self.mapping[actor_type]
        changed = self.changes(actor_type).payload
        by_key = {actor.erp_key: actor for actor in changed}
        reported = []
        for crm_key, link in self.links.items():
            if link.actor_type != actor_type:
                continue
            erp = by_key.get(link.erp_key)
            crm = self.crm[crm_key]
            to_erp = {}
            for key in keys:
                base = link.base.get(key, "")
                erp_value = erp.field_values.get(key, "") if erp else base
                crm_value = crm.get(key, "")
                if erp_value != base and crm_value != base and erp_value != crm_value:
                    reported.append(Conflict(crm_key, key, erp_value, crm_value))
                    to_erp[key] = crm_value
                elif erp_value != base:
                    crm[key] = link.base[key] = erp_value
                elif crm_value != base:
                    to_erp[key] = crm_value
            if to_erp:
                saved = self.call("SaveActors", Actors=[
                    Actor(actor_type, link.erp_key, link.last_modified, field_values=to_erp)
                ]).payload[0]
                for key in to_erp:
                    crm[key] = link.base[key] = saved.field_values.get(key, "")
                link.last_modified = saved.last_modified
            elif erp:
                link.last_modified = erp.last_modified
        return reported
