"""Refused accesses are audited (LEGAL_RULES C6), without letting a sweep flood the chain.

A 403 on any resolved URL (a failed permission check: the `Forbidden` error of a service
answers 403 on a page and on the API alike, a refused CSRF check too) and a 404 (or the API's
401 without a valid token) on a URL that names an object by id (`/plans/<int:plan_id>/` …) become `access.denied` events with
success=false: the object's type and id from the URL, the status, the path.

At most REFUSAL_AUDIT_PER_MINUTE events per actor (or address when anonymous) per minute are
written; the rest are only counted in a RefusalCounter row (in the database, so every worker
process counts together) and summarised in one `access.denied_summary` event ("another 312
refusals from 10.0.0.5 in the last minute") when the same actor is refused again after that
minute, or at the latest by the tick's scan.

The audit chain sits above common/, so it is imported where it is used.
"""

import logging
import uuid
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.common.middleware import client_ip
from ganchao.common.models import RefusalCounter

security_log = logging.getLogger("ganchao.security")

REFUSED_STATUSES = (401, 403, 404)


def per_minute() -> int:
    return int(getattr(settings, "REFUSAL_AUDIT_PER_MINUTE", 20))


def object_in_url(match) -> tuple[str, str] | None:
    """(type, id) of the object a resolved URL names: its last kwarg holding an integer or a
    UUID, typed by the kwarg's name (`plan_id` → plan) or, for `pk`/`id`, the URL's name."""
    if match is None:
        return None
    for name, value in reversed(list(match.kwargs.items())):
        if isinstance(value, bool) or not isinstance(value, int | uuid.UUID | str):
            continue
        text = str(value)
        if not (isinstance(value, int | uuid.UUID) or text.isdigit()):
            continue
        if name in ("pk", "id"):
            kind = (match.url_name or "object").split("_")[0].split("-")[0]
        else:
            kind = name.removesuffix("_id").removesuffix("_pk")
        return kind[:50], text[:64]
    return None


def _actor_key(request) -> tuple[object | None, str]:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user, f"user:{user.pk}"
    return None, f"addr:{client_ip(request) or '?'}"


def _window_start(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0)


def _counter(key: str, start: datetime) -> RefusalCounter:
    """The row of (key, minute), locked; created by whichever process comes first."""
    try:
        with transaction.atomic():
            RefusalCounter.objects.create(key=key, window_start=start)
    except IntegrityError:
        pass
    return RefusalCounter.objects.select_for_update().get(key=key, window_start=start)


def _summarise(counter: RefusalCounter, actor) -> None:
    from ganchao.audit.services import Target, audit_record

    who = counter.key.split(":", 1)[1]
    audit_record(
        actor=actor,
        action="access.denied_summary",
        target=Target("address" if counter.key.startswith("addr:") else "user", who, who),
        changes={
            "suppressed": counter.suppressed,
            "recorded": counter.recorded,
            "window_start": counter.window_start.isoformat(),
        },
        reason=_("另有 %(n)d 次拒绝访问（%(who)s，%(start)s 起一分钟内）")
        % {"n": counter.suppressed, "who": who, "start": f"{counter.window_start:%H:%M}"},
        success=False,
    )
    counter.summarised = True
    counter.save(update_fields=["summarised"])


def _summarise_earlier(key: str, before: datetime, actor) -> None:
    earlier = RefusalCounter.objects.select_for_update().filter(
        key=key, window_start__lt=before, summarised=False, suppressed__gt=0
    )
    for counter in earlier:
        _summarise(counter, actor)


def refusal_record(request, status: int, obj: tuple[str, str] | None) -> bool:
    """Count one refusal and, within the per-minute allowance, audit it. True when recorded."""
    from ganchao.audit.services import Target, audit_record

    actor, key = _actor_key(request)
    now = timezone.now()
    start = _window_start(now)
    security_log.warning(
        "access denied status=%s actor=%s path=%s object=%s",
        status,
        key,
        request.path[:300],
        f"{obj[0]}:{obj[1]}" if obj else "-",
    )
    with transaction.atomic():
        _summarise_earlier(key, start, actor)
        counter = _counter(key, start)
        if counter.recorded >= per_minute():
            counter.suppressed += 1
            counter.save(update_fields=["suppressed"])
            return False
        counter.recorded += 1
        counter.save(update_fields=["recorded"])
        kind, object_id = obj if obj else ("", "")
        audit_record(
            actor=actor,
            action="access.denied",
            target=Target(kind, object_id, "") if obj else None,
            changes={"status": status, "method": request.method, "path": request.path[:300]},
            reason=f"HTTP {status}",
            success=False,
        )
        return True


def refusal_summary_scan(at: datetime) -> str:
    """Summarise the finished minutes whose refusals were only counted; drop old counters."""
    start = _window_start(at)
    done = 0
    with transaction.atomic():
        pending = RefusalCounter.objects.select_for_update().filter(
            window_start__lt=start, summarised=False, suppressed__gt=0
        )
        for counter in pending:
            _summarise(counter, None)
            done += 1
    return _("已汇总拒绝访问记录 %(n)d 组") % {"n": done}


class RefusalAuditMiddleware:
    """Audits refused accesses (see the module's docstring). Listed after authentication, so
    that the actor is known."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        status = response.status_code
        if status not in REFUSED_STATUSES:
            return response
        match = getattr(request, "resolver_match", None)
        obj = object_in_url(match)
        if match is None or (status != 403 and obj is None):
            return response
        try:
            refusal_record(request, status, obj)
        except Exception:  # the refusal itself must still be answered
            security_log.exception("refusal could not be audited: %s", request.path[:300])
        return response
