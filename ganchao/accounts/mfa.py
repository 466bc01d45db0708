"""The second factor (LEGAL_RULES C4): TOTP devices and one-time recovery codes from
django-otp. Which accounts need one is the security policy's list of roles.

The login flow asks for a code after the password when `mfa_required(user)`; a user who has
no confirmed device yet is taken to enrolment first. The token endpoint asks for the same code.
"""

from django_otp import devices_for_user, match_token

from ganchao.accounts.models import SecurityPolicy


def mfa_required(user) -> bool:
    """Whether the policy asks this account for a second factor."""
    if user is None or not user.is_authenticated:
        return False
    wanted = set(SecurityPolicy.current().mfa_roles)
    if not wanted:
        return False
    held = set(user.role_grants.values_list("role", flat=True))
    return bool(wanted & held)


def mfa_enrolled(user) -> bool:
    return any(True for _device in devices_for_user(user, confirmed=True))


def verify_code(user, code: str) -> bool:
    """A current TOTP code or an unused recovery code of the user (a recovery code is used up)."""
    code = (code or "").strip().replace(" ", "")
    if not code or len(code) > 32:
        return False
    return match_token(user, code) is not None
