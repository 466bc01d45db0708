"""API twin of the profile page's token revoke (issue 9 item 11): one's own token, or any as
the security administrator; someone else's token is 404 for everyone else."""

import pytest

from ganchao.accounts.models import ApiToken
from ganchao.accounts.services import token_create
from ganchao.common.tests.api_client import TokenApi

pytestmark = pytest.mark.django_db


def test_a_user_revokes_their_own_token_and_it_stops_working(city):
    script, key = token_create(actor=None, user=city.liaison_a, name="区县系统")
    api = TokenApi(city.liaison_a)
    done = api.post(f"/auth/tokens/{script.pk}/revoke")
    assert done.status_code == 200, done.content
    assert done.json()["revoked_at"].endswith("+08:00")
    me = api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert me.status_code == 401
    again = api.post(f"/auth/tokens/{script.pk}/revoke")
    assert again.status_code == 404


def test_another_user_s_token_is_404_except_for_the_security_administrator(city):
    script, _key = token_create(actor=None, user=city.liaison_a, name="区县系统")
    assert TokenApi(city.liaison_b).post(f"/auth/tokens/{script.pk}/revoke").status_code == 404
    assert ApiToken.objects.get(pk=script.pk).revoked_at is None
    assert TokenApi(city.security).post(f"/auth/tokens/{script.pk}/revoke").status_code == 200


def test_a_user_makes_a_named_token_that_works_at_once(city):
    api = TokenApi(city.liaison_a)
    made = api.post("/auth/tokens", {"name": "区县报送系统"})
    assert made.status_code == 201, made.content
    assert ApiToken.objects.get(pk=made.json()["id"]).name == "区县报送系统"
    me = api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {made.json()['token']}"})
    assert me.status_code == 200 and me.json()["username"] == "town_a_liaison"
    anonymous = api.client.post("/api/v1/auth/tokens", {}, content_type="application/json")
    assert anonymous.status_code == 401
