"""Reads for the demo: the demo accounts, as plain rows for the start-up table."""

from django.db.models import Prefetch

from ganchao.orgs.choices import Role
from ganchao.orgs.models import RoleGrant, User


def demo_accounts() -> list[dict]:
    """Every active account made by `seed` (two queries), in the order seed made them."""
    users = (
        User.objects.filter(password_policy_exempt=True, is_active=True)
        .select_related("unit", "leader")
        .prefetch_related(Prefetch("role_grants", queryset=RoleGrant.objects.order_by("role")))
        .order_by("id")
    )
    return [
        {
            "username": user.username,
            "full_name": user.full_name,
            "roles": "、".join(str(Role(g.role).label) for g in user.role_grants.all()),
            "unit": user.unit.name if user.unit_id else "",
            "unit_code": user.unit.code if user.unit_id else "",
            "leader_title": user.leader.title if user.leader_id else "",
        }
        for user in users
    ]
