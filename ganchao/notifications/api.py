"""The notification settings through the API (the same service as the settings page); the
inbox itself is inbox_api.py."""

from ninja import Router, Schema

from ganchao.notifications import selectors, services

router = Router(tags=["消息"])


class KindSettingOut(Schema):
    kind: str
    label: str
    audience: str
    muted: bool


class SettingsOut(Schema):
    kinds: list[KindSettingOut]
    muted: list[str]


class SettingsIn(Schema):
    muted: list[str]


def _settings(actor) -> dict:
    rows = selectors.notification_settings(actor=actor)
    return {"kinds": rows, "muted": [row["kind"] for row in rows if row["muted"]]}


@router.get("/me/notification-settings", response=SettingsOut, summary="我的消息提醒设置")
def settings_read(request):
    return _settings(request.user)


@router.put(
    "/me/notification-settings",
    response=SettingsOut,
    summary="设置静音的消息类别（静音的仍进收件箱，但不发邮件、不推送、不计未读数）",
)
def settings_write(request, payload: SettingsIn):
    services.notification_settings_set(actor=request.user, muted=payload.muted)
    return _settings(request.user)
