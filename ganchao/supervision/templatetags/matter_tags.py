"""Template helpers of supervised matters for pages of other apps (the goal item page)."""

from django import template

from ganchao.orgs.choices import Role
from ganchao.orgs.scoping import scope_of

register = template.Library()


@register.filter
def may_instruct(user) -> bool:
    """Leaders and the office may write an instruction (matter_create checks it again)."""
    return bool(user and user.is_authenticated and scope_of(user).has(Role.OFFICE, Role.LEADER))
