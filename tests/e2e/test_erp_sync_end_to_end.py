"""End to end: SuperOffice's ERP Sync engine (``superoffice_sim.erp_engine``) against a real Odoo
19 server with the addon, over real HTTP and SOAP.

The flows of SuperOffice's documentation: the administrator's set-up, the Connect-to-ERP dialog
with its side-by-side choice, Create in ERP (and its retry), the periodic
GetActorsByTimestamp/SaveActors loop, the resend after an unknown connection, and a property
test: for random edits on both sides between polls, the two sides converge and every edit that
does not survive is reported as a conflict.

Skipped when no Odoo 19 is found (like ``test_end_to_end.py``, whose server helper it uses).
"""

import os
import uuid

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_end_to_end import ADDON
from test_end_to_end import start_odoo as e2e_start_odoo

from superoffice_sim.erp_client import Actor, ErpClient
from superoffice_sim.erp_engine import ErpSyncEngine

ENDPOINT = "/superoffice/erp/ErpConnectorWS.svc"
ORM = {"NAME": "name", "STREETCITY": "city", "PHONE": "phone", "EMAIL": "email"}


def start_odoo(request, prefix, modules=(ADDON,), timeout=300):
    """A server on a new database with ``modules`` installed and no cron thread."""
    return e2e_start_odoo(request, prefix, modules=modules, cron_threads=0, timeout=timeout)


@pytest.fixture(scope="module")
def odoo(request):
    return start_odoo(request, "so_erp_e2e")


def set_up_engine(odoo, mapping=None):
    """An ERP Sync connection in Odoo and SuperOffice's engine, set up through the admin flow."""
    company = odoo.call("res.users", "read", [odoo.rpc.env.uid], ["company_id"])[0]["company_id"][0]
    connection_id = odoo.call("superoffice.erp.connection", "create", {
        "name": "End to end", "company_id": company, "user_id": odoo.rpc.env.uid})
    key = odoo.read("superoffice.erp.connection", connection_id, ["key"])["key"]
    client = ErpClient(f"{odoo.url}{ENDPOINT}?key={key}")
    engine = ErpSyncEngine(client, {"COMPANY": str(company), "ALLOWCREATE": "[I:1]", "KEY": key},
                           mapping=mapping)
    engine.set_up()
    engine.connection_id = connection_id
    return engine


@pytest.fixture(scope="module")
def erp(odoo):
    return set_up_engine(odoo)


def partner(odoo, **values):
    return odoo.call("res.partner", "create", {"is_company": True, **values})


def odoo_values(odoo, partner_id):
    row = odoo.read("res.partner", partner_id, list(ORM.values()))
    return {key: row[name] or "" for key, name in ORM.items()}


def test_set_up_caches_fields_and_searchable_fields(erp):
    assert set(erp.fields) == {"Customer", "Supplier", "Person", "Project"}
    for actor_type, declared in erp.fields.items():
        assert set(erp.searchable[actor_type]) <= set(declared)
    assert erp.fields["Customer"]["NAME"]["Access"] == "Mandatory"


def test_connect_dialog_with_the_side_by_side_choice(odoo, erp):
    partner_id = partner(odoo, name="Nordlys AS", city="Tromsø", phone="77 00 00 00")
    hits = erp.search("Customer", "nordlys")
    assert [hit.erp_key for hit in hits] == [str(partner_id)]
    assert str(partner_id) in {a.erp_key for a in erp.search("Customer", "")}  # blank = all
    crm = {"NAME": "Nordlys AS", "STREETCITY": "Tromso", "PHONE": "22 22 22 22", "EMAIL": ""}
    assert set(erp.differences("Customer", str(partner_id), crm)) == {"STREETCITY", "PHONE"}
    erp.connect("crm-nordlys", "Customer", str(partner_id), crm,
                prefer={"STREETCITY": "erp", "PHONE": "crm"})
    assert odoo_values(odoo, partner_id)["PHONE"] == "22 22 22 22"
    assert odoo_values(odoo, partner_id)["STREETCITY"] == "Tromsø"
    assert erp.crm["crm-nordlys"]["STREETCITY"] == "Tromsø"
    linked = odoo.call("res.partner", "read", [partner_id], ["superoffice_erp_linked"])[0]
    assert linked["superoffice_erp_linked"]


def test_create_in_erp_and_a_retry_creates_once(odoo, erp):
    values = {"NAME": "Fjord Fisk AS", "STREETCITY": "Ålesund", "PHONE": "", "EMAIL": ""}
    created = erp.create_in_erp("crm-fjord", "Customer", values)
    again = erp.call("CreateActor", Actor=Actor("Customer", field_values=values)).payload
    assert again.erp_key == created.erp_key
    assert odoo.call("res.partner", "search_count", [("name", "=", "Fjord Fisk AS")]) == 1
    person = erp.create_in_erp("crm-fjord-p", "Person", {"FIRSTNAME": "Siv", "LASTNAME": "Hav",
                                                          "EMAIL": ""},
                               parent=("Customer", created.erp_key))
    row = odoo.read("res.partner", int(person.erp_key), ["name", "parent_id"])
    assert (row["name"], row["parent_id"][0]) == ("Siv Hav", int(created.erp_key))


def test_periodic_sync_both_ways(odoo, erp):
    partner_id = partner(odoo, name="Polar AS", city="Bodø")
    erp.connect("crm-polar", "Customer", str(partner_id),
                {"NAME": "Polar AS", "STREETCITY": "Bodø", "PHONE": "", "EMAIL": ""})
    odoo.call("res.partner", "write", [partner_id], {"city": "Narvik"})
    erp.poll()
    assert erp.crm["crm-polar"]["STREETCITY"] == "Narvik"
    erp.crm["crm-polar"]["PHONE"] = "75 75 75 75"
    erp.poll()
    assert odoo_values(odoo, partner_id)["PHONE"] == "75 75 75 75"
    assert erp.poll() == []  # the echo of our own save is no change


def test_both_sides_editing_one_field_is_a_reported_conflict(odoo, erp):
    partner_id = partner(odoo, name="Kyst AS", city="Mo")
    erp.connect("crm-kyst", "Customer", str(partner_id),
                {"NAME": "Kyst AS", "STREETCITY": "Mo", "PHONE": "", "EMAIL": ""})
    odoo.call("res.partner", "write", [partner_id], {"city": "Moss"})
    erp.crm["crm-kyst"]["STREETCITY"] = "Mo i Rana"
    (conflict,) = erp.poll()
    assert (conflict.field_key, conflict.erp_value, conflict.crm_value) == (
        "STREETCITY", "Moss", "Mo i Rana")
    assert odoo_values(odoo, partner_id)["STREETCITY"] == "Mo i Rana"


def test_unknown_connection_is_resent_and_retried(odoo, erp):
    odoo.call("superoffice.erp.connection", "action_release", [erp.connection_id])
    before = erp.resends
    erp.call("TestConnection")
    assert erp.resends == before + 1
    assert odoo.read("superoffice.erp.connection", erp.connection_id, ["state"])["state"] == "connected"


VALUES = st.sampled_from(["Alta", "Bergen", "Hamar", "Molde", "Oslo", "Voss"])
EDIT = st.tuples(st.sampled_from(["crm", "erp"]), st.integers(0, 1),
                 st.sampled_from(["STREETCITY", "PHONE", "NAME"]), VALUES)


@settings(max_examples=int(os.environ.get("ERP_PROPERTY_EXAMPLES", "6")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rounds=st.lists(st.lists(EDIT, max_size=5), min_size=1, max_size=3))
# a side setting the value it already holds is no edit: the other side's change is taken
@example(rounds=[[("crm", 0, "STREETCITY", "Alta")],
                 [("crm", 0, "STREETCITY", "Alta"), ("erp", 0, "STREETCITY", "Bergen")]])
# both sides change one field: the CRM value stays, the ERP value is reported
@example(rounds=[[("erp", 1, "PHONE", "Oslo"), ("crm", 1, "PHONE", "Voss")]])
def test_random_edits_on_both_sides_converge_and_no_edit_is_lost_unreported(odoo, erp, rounds):
    tag = uuid.uuid4().hex[:6]
    keys, ids = [], []
    for n in range(2):
        partner_id = partner(odoo, name=f"Prop {tag} {n}", city="Start")
        crm_key = f"crm-{tag}-{n}"
        erp.connect(crm_key, "Customer", str(partner_id), odoo_values(odoo, partner_id))
        keys.append(crm_key)
        ids.append(partner_id)
    for edits in rounds:
        before = {"crm": [dict(erp.crm[k]) for k in keys], "erp": [odoo_values(odoo, i) for i in ids]}
        for side, index, key, value in edits:
            if side == "erp":
                odoo.call("res.partner", "write", [ids[index]], {ORM[key]: value})
            else:
                erp.crm[keys[index]][key] = value
        after = {"crm": [dict(erp.crm[k]) for k in keys], "erp": [odoo_values(odoo, i) for i in ids]}
        # an edit is what a side changed in the round (a value set and set back is no change)
        edited = {(side, index, key): after[side][index][key]
                  for side in ("crm", "erp") for index in range(2) for key in ORM
                  if after[side][index][key] != before[side][index][key]}
        reported = erp.poll()
        lost_and_reported = {(c.crm_key, c.field_key, c.erp_value) for c in reported}
        for (side, index, key), value in edited.items():
            final = erp.crm[keys[index]][key]
            if final != value:
                # only an ERP edit may lose, to a CRM edit of the same field, and it is reported
                assert side == "erp" and (keys[index], key, value) in lost_and_reported
    assert erp.poll() == []
    for crm_key, partner_id in zip(keys, ids, strict=True):
        assert odoo_values(odoo, partner_id) == erp.crm[crm_key]


def test_the_addon_was_installed(odoo):
    assert odoo.call("ir.module.module", "search_count",
                     [("name", "=", ADDON), ("state", "=", "installed")]) == 1
