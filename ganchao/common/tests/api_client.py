"""A test client that speaks to /api/v1 for one user through a bearer token, as a script would."""

import json

from django.test import Client

from ganchao.accounts.services import token_create


class TokenApi:
    def __init__(self, user):
        _token, key = token_create(actor=None, user=user)
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {key}"}

    def call(self, method: str, path: str, body=None):
        return self.client.generic(
            method,
            f"/api/v1{path}",
            json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers=self.headers,
        )

    def get(self, path: str, **params):
        return self.client.get(f"/api/v1{path}", params, headers=self.headers)

    def post(self, path: str, body=None):
        return self.call("POST", path, body)

    def multipart(self, path: str, data: dict):
        return self.client.post(f"/api/v1{path}", data, headers=self.headers)


def error_fields(response) -> set[str]:
    return {e["field"] for e in response.json()["errors"]}
