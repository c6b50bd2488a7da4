import pytest
from django.test import Client

from api.tokens import create_token


class ApiClient:
    """A test client that sends a bearer token and JSON bodies."""

    def __init__(self, token: str) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def post(self, path: str, body):
        return self.client.post(
            f"/api/v1{path}", body, content_type="application/json", headers=self.headers
        )

    def patch(self, path: str, body):
        return self.client.patch(
            f"/api/v1{path}", body, content_type="application/json", headers=self.headers
        )


def api_client_for(user) -> ApiClient:
    return ApiClient(create_token(user=user, name="test").plaintext)


@pytest.fixture
def csm_api(csm):
    return api_client_for(csm)


@pytest.fixture
def admin_api(admin_user):
    return api_client_for(admin_user)
