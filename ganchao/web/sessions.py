"""Django's database sessions, with the look-up every signed-in request makes compiled once per
process (common.prepared) instead of built and compiled by the ORM each time (issue 13)."""

from django.contrib.sessions.backends import db
from django.utils import timezone

from ganchao.common.prepared import Prepared


def _session_by_key(session_key):
    from django.contrib.sessions.models import Session

    return Session.objects.filter(session_key=session_key).values_list(
        "session_data", "expire_date"
    )[:1]


_SESSION_BY_KEY = Prepared("sessions.Session", _session_by_key, session_key=str)


class SessionStore(db.SessionStore):
    """SESSION_ENGINE = "ganchao.web.sessions": the rows and writes of Django's database
    backend; only the read is compiled ahead. An expired session reads as none, as there."""

    def load(self):
        found = _SESSION_BY_KEY.fetch(session_key=self.session_key)
        if found and found[0][1] > timezone.now():
            return self.decode(found[0][0])
        self._session_key = None
        return {}
