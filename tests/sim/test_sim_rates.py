"""Requests per second per connection, as SuperOffice's rate limit would count them."""

import requests

from superoffice_sim.rates import RequestRates


class Clock:
    def __init__(self):
        self.now = 1000.2

    def __call__(self):
        return self.now


def test_requests_are_counted_in_the_calendar_second_they_arrive():
    clock = Clock()
    rates = RequestRates(clock=clock)
    for now in (1000.2, 1000.9, 1000.99, 1001.0, 1001.5, 1003.1):
        clock.now = now
        rates.record("Cust1")
    rates.record("Cust2")
    assert rates.per_second("Cust1") == {1000: 3, 1001: 2, 1003: 1}
    assert rates.peak("Cust1") == 3
    assert rates.peak("Cust2") == 1
    assert rates.total() == 7
    rates.clear()
    assert rates.peak() == 0


def test_every_request_to_the_tenant_is_counted_and_reset_forgets(api, sim):
    before = sim.rates.total(sim.tenant)  # the session's login, if any
    for _ in range(3):
        assert api.get("Contact/1").status_code == 200
    counted = sim.rates.total(sim.tenant)
    assert counted == before + 3
    answer = requests.get(f"{sim.url}/_sim/rates", timeout=5).json()
    assert answer["total"] == counted  # control calls are not counted
    assert answer["peak"] == max(answer["per_second"].values())
    sim.reset()
    assert sim.rates.total() == 0
