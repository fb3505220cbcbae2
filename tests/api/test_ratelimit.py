"""Client-side rate limiter and backoff bounds (with an injected clock: no timing)."""

import pytest

from superoffice_connector.api import ClientConfig, TicketAuth
from superoffice_connector.api.transport import RateLimiter, Transport, parse_retry_after


class FakeClock:
    def __init__(self):
        self.now = 100.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def test_limiter_spaces_requests_at_the_configured_rate():
    clock = FakeClock()
    limiter = RateLimiter(10.0, clock=clock, sleep=clock.sleep)
    for _ in range(21):
        limiter.acquire()
    assert clock.now - 100.0 == pytest.approx(2.0)  # 21 requests at 10/s span 2 s
    assert all(s == pytest.approx(0.1) for s in clock.sleeps)


def test_limiter_lets_an_idle_client_go_at_once():
    clock = FakeClock()
    limiter = RateLimiter(5.0, clock=clock, sleep=clock.sleep)
    limiter.acquire()
    clock.now += 10
    assert limiter.acquire() == 0.0


def test_limiter_disabled_with_zero():
    clock = FakeClock()
    limiter = RateLimiter(0, clock=clock, sleep=clock.sleep)
    for _ in range(100):
        limiter.acquire()
    assert clock.sleeps == []


def test_backoff_is_bounded_and_jittered():
    cfg = ClientConfig("sod", "Cust1", TicketAuth("t"), backoff_base=0.5, backoff_max=4.0)
    transport = Transport(cfg)
    for attempt in range(10):
        cap = min(4.0, 0.5 * 2**attempt)
        waits = {transport._backoff(attempt) for _ in range(20)}
        assert all(cap / 2 <= w <= cap for w in waits)
        assert len(waits) > 1


def test_retry_after_forms():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_config_is_immutable_and_validated():
    import dataclasses

    cfg = ClientConfig("online", "Cust1", TicketAuth("t"))
    assert cfg.root_url == "https://online.superoffice.com"
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.tenant = "Cust2"
    with pytest.raises(ValueError):
        ClientConfig("prod", "Cust1", TicketAuth("t"))
    with pytest.raises(ValueError):
        ClientConfig("onsite", "", TicketAuth("t"))
    with pytest.raises(ValueError):
        ClientConfig("sod", "", TicketAuth("t"))
    onsite = ClientConfig("onsite", "", TicketAuth("t"), base_url="https://crm.example.com/api/")
    assert onsite.root_url == "https://crm.example.com/api"
    assert "secret-ticket" not in repr(TicketAuth("secret-ticket"))
