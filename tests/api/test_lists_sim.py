"""List items (`GET List/{name}/Items`) against the simulator: the ids the entities carry."""

import pytest

from superoffice_connector.api import NotFoundError


def test_category_items_are_the_ids_a_company_carries(client, sim):
    items = client.list_items("Category")
    assert items["Competitor"] == 5 and items["Partner"] == 4
    contact = sim.store.create("contact", {"Name": "Listed AS", "Category": {"Id": 5}})
    assert contact["Category"] == {**contact["Category"], "Id": 5, "Value": "Competitor"}


@pytest.mark.parametrize("name", ["Business", "ProjectStatus", "ProjectType", "projectstatus"])
def test_every_mapped_list_is_served(client, name):
    items = client.list_items(name)
    assert items and all(isinstance(v, int) and v > 0 for v in items.values())


def test_a_value_added_in_superoffice_is_listed_and_forgotten_on_reset(client, sim):
    new_id = sim.add_list_item("Category", "Reseller")
    assert client.list_items("Category")["Reseller"] == new_id
    contact = sim.store.create("contact", {"Name": "Reseller AS", "Category": {"Id": new_id}})
    assert contact["Category"]["Value"] == "Reseller"
    sim.reset()
    assert "Reseller" not in client.list_items("Category")


def test_an_unknown_list_is_not_found(client):
    with pytest.raises(NotFoundError):
        client.list_items("NoSuchList")
