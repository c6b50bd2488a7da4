"""The published schema is valid OpenAPI, and the API keeps to it under generated input:
no 500, no undocumented status code, no response that breaks its schema."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.test import Client
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate

from api.tokens import create_token
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def test_schema_is_valid_openapi_3_1():
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    validate(schema)


def test_every_operation_documents_its_error_answers():
    schema = Client().get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "422", "429"} <= codes, (method, path, codes)
            if "{external_id}" in path:
                assert "404" in codes, (method, path)


def test_docs_page_loads_no_asset_from_another_site_and_runs_no_inline_script():
    import re

    page = Client().get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    # A strict Content Security Policy allows scripts from files only; a JSON data block is
    # not executed, so it needs no exception.
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "style=" not in page


@pytest.fixture
def keep_the_test_connection():
    """Django's handler closes the database connection after each request; inside a test that
    would close the test's own transaction. Django's test client disconnects the same hook."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(csm, settings, keep_the_test_connection):
    # Hundreds of generated requests in a few seconds: the limit is tested on its own elsewhere.
    settings.API_RATE_LIMIT_REQUESTS = 0
    AccountFactory(team=csm.team, owner=csm, external_id="ACC-1")
    return {"Authorization": f"Bearer {create_token(user=csm, name='fuzz').plaintext}"}


# Read from the app itself (in process, through WSGI): no server to start.
fuzzed = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@fuzzed.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
def test_api_keeps_to_its_schema_under_generated_requests(case, bearer):
    # Schema-valid is not always acceptable: the schema cannot say that "ZZ" is no country or that
    # a renewal must follow the contract start, which the account rules answer with a 422.
    case.call_and_validate(
        headers=bearer, excluded_checks=[schemathesis.checks.positive_data_acceptance]
    )
