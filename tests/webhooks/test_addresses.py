"""Webhooks go to public addresses only: a private, loopback or link-local endpoint is refused
when it is registered and again at each attempt (a name may later resolve elsewhere)."""

import ipaddress
from unittest import mock

import pytest

from tests.conftest import client_for
from webhooks.addresses import is_public, refusal
from webhooks.models import Delivery, Endpoint, Event
from webhooks.services import create_endpoint, deliver, queue_event

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.9",
        "192.168.1.1",
        "169.254.169.254",  # the cloud metadata service
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:10.0.0.1",
    ],
)
def test_internal_addresses_are_not_public(address):
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"])
def test_internet_addresses_are_public(address):
    assert is_public(ipaddress.ip_address(address))


def test_a_name_with_one_private_address_among_public_ones_is_refused():
    addresses = [ipaddress.ip_address("93.184.216.34"), ipaddress.ip_address("10.0.0.5")]
    with mock.patch("webhooks.addresses.resolve", return_value=addresses):
        assert refusal("mixed.example", 443, allow_private=False) == "private"
        assert refusal("mixed.example", 443, allow_private=True) is None


def test_a_name_that_does_not_resolve_is_refused():
    assert refusal("no-such-host.invalid", 443, allow_private=True) == "unresolvable"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://[::1]/hook",
        "https://169.254.169.254/latest/meta-data/",
        "http://10.0.0.8/hook",
    ],
)
def test_an_admin_cannot_register_an_internal_address(admin_user, settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    response = client_for(admin_user).post(
        "/webhooks/", {"url": url, "events": [Event.BAND_CHANGED], "is_active": "on"}
    )
    assert response.status_code == 400
    assert "public addresses only" in response.content.decode()
    assert not Endpoint.objects.exists()


def test_a_bad_port_is_a_form_error_not_a_crash(admin_user):
    response = client_for(admin_user).post(
        "/webhooks/",
        {"url": "http://example.com:99999/x", "events": [Event.BAND_CHANGED], "is_active": "on"},
    )
    assert response.status_code == 400
    assert not Endpoint.objects.exists()


def test_a_registered_endpoint_that_now_points_inside_is_not_called(admin_user, settings):
    endpoint = create_endpoint(
        url="http://127.0.0.1:9/hook", events=[Event.BAND_CHANGED], description="", user=admin_user
    )
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    with mock.patch("webhooks.services.httpx.post") as post:
        queue_event(event=Event.BAND_CHANGED, payloads=[{"new_band": "high"}])
        # Not a transactional test: the on-commit task never runs; the attempt is made here.
        delivery = Delivery.objects.get(endpoint=endpoint)
        deliver(delivery_id=delivery.pk)
    post.assert_not_called()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 1)  # retried: the name may move back
    assert delivery.last_error == "not sent: the address is private"
