"""End to end with Odoo's Accounting installed: SuperOffice's ERP Sync engine
(``superoffice_sim.erp_engine``) tells Customer from Supplier by ``customer_rank`` and
``supplier_rank``, over real HTTP and SOAP against a real Odoo 19 server.

The Odoo suite runs without ``account`` (the addon does not depend on it), so this module makes
its own database with ``account`` and the addon (a copy of ``ODOO_SUITE_TEMPLATE`` when set).
Skipped when no Odoo 19 is found.
"""

import uuid

import pytest
from test_end_to_end import ADDON
from test_erp_sync_end_to_end import set_up_engine, start_odoo

from superoffice_sim.erp_client import Actor, Restriction

MAPPING = {
    "Customer": ["NAME", "STREETCITY"],
    "Supplier": ["NAME", "STREETCITY"],
    "Person": ["FIRSTNAME", "LASTNAME"],
    "Project": ["NAME"],
}


@pytest.fixture(scope="module")
def odoo(request):
    return start_odoo(request, "so_erp_acc_e2e", modules=("account", ADDON), timeout=900)


@pytest.fixture(scope="module")
def erp(odoo):
    return set_up_engine(odoo, mapping=MAPPING)


@pytest.fixture
def companies(odoo):
    """One company of each kind, named with a tag of their own: {kind: id}."""
    tag = uuid.uuid4().hex[:8]
    ranks = {"customer": (1, 0), "supplier": (0, 1), "both": (1, 1), "unranked": (0, 0)}
    ids = {kind: odoo.call("res.partner", "create", {
        "name": f"Acc {tag} {kind}", "is_company": True, "city": "Oslo",
        "customer_rank": customer, "supplier_rank": supplier})
        for kind, (customer, supplier) in ranks.items()}
    ids["tag"] = tag
    return ids


def kinds(companies, actors):
    by_id = {str(v): k for k, v in companies.items() if k != "tag"}
    return {by_id[a.erp_key] for a in actors if a.erp_key in by_id}


def test_accounting_is_installed(odoo):
    assert odoo.call("ir.module.module", "search_count",
                     [("name", "in", ["account", ADDON]), ("state", "=", "installed")]) == 2


def test_searches_list_the_companies_of_each_rank(erp, companies):
    tag = companies["tag"]
    for search_text in ("", tag):
        assert kinds(companies, erp.search("Customer", search_text)) == {
            "customer", "both", "unranked"}
        assert kinds(companies, erp.search("Supplier", search_text)) == {"supplier", "both"}
    restriction = [("NAME", "contains", [tag])]
    assert kinds(companies, erp.search_advanced("Customer", restriction)) == {
        "customer", "both", "unranked"}
    assert kinds(companies, erp.search_advanced("Supplier", restriction)) == {"supplier", "both"}


def test_changes_since_are_listed_by_rank_and_keys_reach_any_company(erp, companies):
    keys = [str(companies[k]) for k in ("customer", "supplier", "both", "unranked")]
    for actor_type, expected in (("Customer", {"customer", "both", "unranked"}),
                                 ("Supplier", {"supplier", "both"})):
        changed = erp.call("GetActorsByTimestamp", ActorType=actor_type, UpdatedOnOrAfter="",
                           FieldKeys=["NAME"]).payload
        assert kinds(companies, changed) == expected
        assert {a.actor_type for a in changed} == {actor_type}
        # a key SuperOffice holds reaches its company whatever the ranks say now
        got = erp.call("GetActors", ActorType=actor_type, ErpKeys=keys, FieldKeys=["NAME"]).payload
        assert [a.erp_key for a in got] == keys


def test_create_in_erp_sets_the_rank_of_its_type(odoo, erp):
    tag = uuid.uuid4().hex[:8]
    supplier = erp.create_in_erp(f"crm-s-{tag}", "Supplier", {"NAME": f"Lev {tag}", "STREETCITY": ""})
    customer = erp.create_in_erp(f"crm-c-{tag}", "Customer", {"NAME": f"Kunde {tag}",
                                                              "STREETCITY": ""})
    ranks = ["customer_rank", "supplier_rank"]
    assert odoo.read("res.partner", int(supplier.erp_key), ranks) == {
        "id": int(supplier.erp_key), "customer_rank": 0, "supplier_rank": 1}
    assert odoo.read("res.partner", int(customer.erp_key), ranks) == {
        "id": int(customer.erp_key), "customer_rank": 1, "supplier_rank": 0}
    assert [a.erp_key for a in erp.search("Supplier", f"Lev {tag}")] == [supplier.erp_key]
    assert erp.search("Customer", f"Lev {tag}") == []
    # a person of the supplier, created in ERP under it, names it as a Supplier
    person = erp.create_in_erp(f"crm-p-{tag}", "Person", {"FIRSTNAME": "Kari", "LASTNAME": "Lev"},
                               parent=("Supplier", supplier.erp_key))
    assert (person.parent_actor_type, person.parent_erp_key) == ("Supplier", supplier.erp_key)


def test_a_persons_parent_type_is_the_list_that_holds_the_company(odoo, erp, companies):
    expected = {"customer": "Customer", "supplier": "Supplier", "both": "Customer",
                "unranked": "Customer"}
    for kind, parent_type in expected.items():
        person_id = odoo.call("res.partner", "create", {
            "name": f"Per {kind.title()}", "parent_id": companies[kind]})
        (person,) = erp.call("GetActors", ActorType="Person", ErpKeys=[str(person_id)],
                             FieldKeys=["LASTNAME"]).payload
        assert (person.parent_actor_type, person.parent_erp_key) == (
            parent_type, str(companies[kind]))
        parent_list = erp.search(parent_type, companies["tag"])
        assert str(companies[kind]) in {a.erp_key for a in parent_list}
        under = erp.call("SearchActorsAdvanced", ActorType="Person", FieldKeys=["LASTNAME"],
                         Restrictions=[Restriction("ParentErpKey", "=", [str(companies[kind])])])
        assert [a.erp_key for a in under.payload] == [str(person_id)]


def test_a_company_of_both_ranks_connects_as_a_supplier(odoo, erp, companies):
    both = str(companies["both"])
    erp.connect(f"crm-both-{companies['tag']}", "Supplier", both,
                {"NAME": f"Acc {companies['tag']} both", "STREETCITY": "Bergen"})
    assert odoo.read("res.partner", companies["both"], ["city"])["city"] == "Bergen"
    assert both in {a.erp_key for a in erp.search("Customer", companies["tag"])}


def test_a_linked_company_stays_synchronized_when_its_ranks_change(odoo, erp, companies):
    """Linked as Customer while unranked, then a vendor bill makes it a supplier only: it is
    still listed, polled and saved as a Customer."""
    unranked = companies["unranked"]
    crm_key = f"crm-unranked-{companies['tag']}"
    erp.connect(crm_key, "Customer", str(unranked),  # the connect saves the CRM's city
                {"NAME": f"Acc {companies['tag']} unranked", "STREETCITY": "Hamar"})
    assert odoo.read("res.partner", unranked, ["city"])["city"] == "Hamar"
    odoo.call("res.partner", "write", [unranked], {"supplier_rank": 1})
    # a supplier now, and still SuperOffice's Customer
    assert str(unranked) in {a.erp_key for a in erp.search("Supplier", companies["tag"])}
    assert str(unranked) in {a.erp_key for a in erp.search("Customer", companies["tag"])}
    odoo.call("res.partner", "write", [unranked], {"city": "Tromsø"})
    erp.poll()
    assert erp.crm[crm_key]["STREETCITY"] == "Tromsø"
    erp.crm[crm_key]["STREETCITY"] = "Harstad"
    erp.poll()
    assert odoo.read("res.partner", unranked, ["city"])["city"] == "Harstad"
    again = erp.call("SaveActors", Actors=[Actor("Customer", str(unranked),
                                                 field_values={"STREETCITY": "Narvik"})])
    assert again.ok and odoo.read("res.partner", unranked, ["city"])["city"] == "Narvik"
