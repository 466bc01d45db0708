"""`ganchao files verify` re-hashes stored decision materials (DESIGN.md 3.1)."""

from django.core.files.storage import default_storage

from ganchao.cli import main
from ganchao.decisions import services
from ganchao.decisions.tests.conftest import pdf


def _stored(dcity):
    decision = dcity.launched()
    return services.decision_file_add(
        actor=dcity.drc_liaison, decision=decision, kind="legal_basis", upload=pdf("依据.pdf")
    )


def test_untouched_files_pass_and_are_counted(dcity, capsys):
    """Given one stored decision file, when files are verified, then it is counted and passes."""
    _stored(dcity)
    assert main(["files", "verify"]) == 0
    assert "共校验 1 个文件" in capsys.readouterr().out


def test_an_altered_file_is_named_and_exits_1(dcity, capsys):
    """Given a stored file whose bytes were changed on disk, when verified, then the command
    exits 1 naming that file."""
    item = _stored(dcity)
    with default_storage.open(item.file.name, "wb") as handle:
        handle.write(b"%PDF-1.4 tampered")
    assert main(["files", "verify"]) == 1
    err = capsys.readouterr().err
    assert item.file.name in err and "校验值不符" in err


def test_a_missing_file_is_named(dcity, capsys):
    item = _stored(dcity)
    default_storage.delete(item.file.name)
    assert main(["files", "verify"]) == 1
    assert "文件缺失" in capsys.readouterr().err


def test_opening_an_altered_file_is_refused_and_recorded(dcity):
    """Re-verified on every access: the download of a changed file is refused and audited."""
    import pytest

    from ganchao.audit.models import AuditEvent
    from ganchao.common.errors import Conflict

    item = _stored(dcity)
    with default_storage.open(item.file.name, "wb") as handle:
        handle.write(b"changed")
    with pytest.raises(Conflict):
        services.decision_file_open(actor=dcity.drc_liaison, item=item)
    assert AuditEvent.objects.filter(action="decision.file_open", success=False).exists()
