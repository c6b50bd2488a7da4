import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, settings

from teams.models import Role
from tests.factories import AccountFactory, TeamFactory, UserFactory

# Property tests check behaviour, not speed (the benchmarks measure that): on a shared, loaded
# machine an example may take longer than Hypothesis's 200 ms default without anything wrong.
settings.register_profile("churnguard", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("churnguard")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _eager_celery():
    """Tasks run in-process unless a test starts a real worker (tests/celery_worker.py)."""
    from churnguard.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _no_fragment_cache(settings):
    # Tests read the rendered rows from the response context; tests/accounts/test_triage_cache.py
    # turns the fragment cache on and checks its invalidation.
    settings.TRIAGE_FRAGMENT_CACHE = False


@pytest.fixture(autouse=True)
def _english_by_default():
    # A request in French leaves French active in the thread; each test starts in English.
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Cached counts and sessions must not leak from one test to the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def team():
    return TeamFactory(name="Team North")


@pytest.fixture
def other_team():
    return TeamFactory(name="Team South")


@pytest.fixture
def csm(team):
    """The owning CSM."""
    return UserFactory(username="owner", role=Role.CSM, team=team)


@pytest.fixture
def teammate(team):
    return UserFactory(username="teammate", role=Role.CSM, team=team)


@pytest.fixture
def outsider(other_team):
    """A CSM of another team: must get a 404 for our accounts."""
    return UserFactory(username="outsider", role=Role.CSM, team=other_team)


@pytest.fixture
def manager(team):
    user = UserFactory(username="manager", role=Role.MANAGER, team=None)
    user.managed_teams.add(team)
    return user


@pytest.fixture
def admin_user():
    return UserFactory(
        username="admin", role=Role.ADMIN, team=None, is_staff=True, is_superuser=True
    )


@pytest.fixture
def account(csm, team):
    return AccountFactory(team=team, owner=csm, name="Nordwind Voyages", industry="travel")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def csm_client(csm):
    return client_for(csm)
