import pytest


@pytest.fixture(autouse=True)
def local_receivers_allowed(settings):
    """The test receivers listen on 127.0.0.1, a loopback address production refuses."""
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
