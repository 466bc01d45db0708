"""Writes of the public portal: a comment on an open consultation, from anyone, rate-limited
per address and held for moderation (nothing is shown before a moderator publishes it).

Public comments are not staff writes: no audit event per comment; refusals are logged."""

import datetime as dt
import logging
import zlib

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import pgettext

from ganchao.common.errors import Conflict, FieldError, GanchaoError, NotFound, ValidationFailed
from ganchao.decisions.choices import CommentState, ConsultationState
from ganchao.decisions.models import Consultation, PublicComment

__all__ = ["public_comment_submit", "received_message", "RateLimited"]

log = logging.getLogger(__name__)

BODY_MAX = 2000
AUTHOR_MAX = 50
CONTACT_MAX = 100


def received_message() -> str:
    return pgettext("public portal", "您的意见已收到，经审核后公开")


class RateLimited(GanchaoError):
    """Too many comments from one address in a window (429)."""

    code = "rate_limited"
    status = 429


def _clean(*, body: str, author: str, contact: str) -> tuple[str, str, str]:
    body, author, contact = (str(v or "").strip() for v in (body, author, contact))
    errors = []
    if not body:
        errors.append(FieldError("body", pgettext("public portal", "请填写意见内容")))
    elif len(body) > BODY_MAX:
        errors.append(
            FieldError(
                "body", pgettext("public portal", "意见内容最多 %(n)d 个字") % {"n": BODY_MAX}
            )
        )
    if len(author) > AUTHOR_MAX:
        errors.append(
            FieldError(
                "author", pgettext("public portal", "署名最多 %(n)d 个字") % {"n": AUTHOR_MAX}
            )
        )
    if len(contact) > CONTACT_MAX:
        errors.append(
            FieldError(
                "contact", pgettext("public portal", "联系方式最多 %(n)d 个字") % {"n": CONTACT_MAX}
            )
        )
    if errors:
        raise ValidationFailed(errors[0].message, errors)
    return body, author, contact


def _open_consultation(consultation_id) -> Consultation:
    """The consultation, locked, if it takes comments today: 404 when missing or not
    published (a draft is not public), 409 when not started or past its deadline."""
    try:
        consultation = Consultation.objects.select_for_update(of=("self",)).get(
            pk=int(consultation_id),
            state__in=(ConsultationState.OPEN, ConsultationState.CLOSED),
        )
    except (Consultation.DoesNotExist, TypeError, ValueError, OverflowError):
        raise NotFound(pgettext("public portal", "该征求意见不存在或尚未发布")) from None
    today = timezone.localdate()
    if consultation.state != ConsultationState.OPEN or consultation.end_date < today:
        raise Conflict(pgettext("public portal", "该征求意见已截止，不再接收意见"))
    if consultation.start_date > today:
        raise Conflict(pgettext("public portal", "该征求意见尚未开始接收意见"))
    return consultation


def _serialise_address(address: str | None) -> None:
    """Make concurrent comments from one address count one after the other, so the limit
    holds across processes: SQLite's IMMEDIATE transactions already serialise writers; on
    PostgreSQL a transaction-scoped advisory lock keyed by the address does it."""
    if connection.vendor == "postgresql":
        key = zlib.crc32(f"portal-comment:{address}".encode())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _check_rate(address: str | None, now: dt.datetime) -> None:
    """Refuse when the address already sent the allowed number of comments in a window."""
    for limit, window in settings.PORTAL_COMMENT_LIMITS:
        sent = PublicComment.objects.filter(address=address, submitted_at__gte=now - window)
        if sent.count() >= limit:
            log.info("public comment refused: %s over %d per %s", address, limit, window)
            raise RateLimited(pgettext("public portal", "提交过于频繁，请稍后再试"))


def public_comment_submit(*, consultation_id, body, author="", contact="", address=None):
    """Store a public comment as pending (held for moderation) and return it."""
    body, author, contact = _clean(body=body, author=author, contact=contact)
    with transaction.atomic():
        consultation = _open_consultation(consultation_id)
        _serialise_address(address or None)
        now = timezone.now()
        _check_rate(address or None, now)
        return PublicComment.objects.create(
            consultation=consultation,
            body=body,
            author=author,
            contact=contact,
            address=address or None,
            state=CommentState.PENDING,
        )
