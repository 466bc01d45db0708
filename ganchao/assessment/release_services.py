"""Writes of the public release (公开/撤回) of a scheme period's results: one transaction each
with its audit event. Only a period with a published result can be released."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ganchao.assessment import selectors
from ganchao.assessment.models import PublicRelease
from ganchao.assessment.services import require_office
from ganchao.audit.registry import register, register_object_type
from ganchao.audit.services import Target, audit_record
from ganchao.common.errors import Conflict

RESULT_RELEASE = register("assessment.result_release", _("公开考核结果"))
RESULT_WITHDRAW = register("assessment.result_withdraw", _("撤回公开的考核结果"))
register_object_type("publicrelease", _("考核结果公开"))


def _target(release: PublicRelease) -> Target:
    return Target("publicrelease", str(release.pk), str(release))


@transaction.atomic
def result_release(*, actor, scheme_code: str, period: str) -> PublicRelease:
    """Show the period's latest published revision on the public ranking page."""
    require_office(actor)
    if selectors.latest_result(scheme_code, period) is None:
        raise Conflict(str(_("该期间尚无已发布的考核结果，不能公开")))
    release, created = PublicRelease.objects.select_for_update().get_or_create(
        scheme_code=scheme_code,
        period=period,
        defaults={"released_at": timezone.now(), "released_by": actor},
    )
    if not created:
        if release.withdrawn_at is None:
            return release
        release.released_at, release.released_by = timezone.now(), actor
        release.withdrawn_at = None
        release.save(update_fields=["released_at", "released_by", "withdrawn_at"])
    audit_record(
        actor=actor,
        action=RESULT_RELEASE,
        target=_target(release),
        changes={"after": {"released_at": release.released_at, "withdrawn_at": None}},
    )
    return release


@transaction.atomic
def result_withdraw(*, actor, scheme_code: str, period: str) -> PublicRelease | None:
    """Take the period off the public page; the release row stays with its withdrawal time."""
    require_office(actor)
    release = (
        PublicRelease.objects.select_for_update()
        .filter(scheme_code=scheme_code, period=period, withdrawn_at__isnull=True)
        .first()
    )
    if release is None:
        return None
    release.withdrawn_at = timezone.now()
    release.save(update_fields=["withdrawn_at"])
    audit_record(
        actor=actor,
        action=RESULT_WITHDRAW,
        target=_target(release),
        changes={"before": {"withdrawn_at": None}, "after": {"withdrawn_at": release.withdrawn_at}},
    )
    return release
