import pytest

from ganchao.common import workdays


@pytest.fixture(autouse=True)
def _no_calendar_session_left_over():
    """A web request ends its calendar session; make sure no test leaves one behind."""
    workdays.end_session(force=True)
    yield
    workdays.end_session(force=True)
