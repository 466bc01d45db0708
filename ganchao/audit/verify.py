"""Verifying the audit chain: contiguous sequence, linked hashes, recomputed hashes, the head
row and the signed checkpoints (so that deleting the newest events is caught too)."""

import json
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from ganchao.audit.chain import GENESIS_HASH, HASHED_FIELDS, checkpoint_signature, event_hash
from ganchao.audit.models import AuditEvent, AuditHead
from ganchao.audit.services import checkpoint_path


@dataclass
class VerifyResult:
    checked: int
    problem: str = ""
    broken_seq: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problem


def _events():
    columns = [*HASHED_FIELDS, "hash", "id"]
    rows = AuditEvent.objects.order_by("seq").values_list(*columns)
    for row in rows.iterator(chunk_size=2000):
        yield dict(zip(columns, row, strict=True))


def audit_verify() -> VerifyResult:
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    last = None
    for event in _events():
        seq = event["seq"]
        if seq != expected_seq:
            return VerifyResult(
                checked,
                _("事件 #%(seq)s 缺失（下一条是 #%(next)s）：事件被删除或重排")
                % {"seq": expected_seq, "next": seq},
                expected_seq,
            )
        if event["prev_hash"] != prev_hash:
            return VerifyResult(
                checked,
                _(
                    "事件 #%(seq)s（%(action)s）的前序哈希与事件 #%(prev)s 不符：事件被删除、插入或重排"
                )
                % {"seq": seq, "action": event["action"], "prev": seq - 1},
                seq,
            )
        if event_hash(event) != event["hash"]:
            return VerifyResult(
                checked,
                _("事件 #%(seq)s（%(action)s）的内容与其哈希不符：事件被修改")
                % {"seq": seq, "action": event["action"]},
                seq,
            )
        prev_hash, expected_seq, last = event["hash"], seq + 1, event
        checked += 1
    last_seq = last["seq"] if last else 0
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.last_seq != last_seq:
        return VerifyResult(
            checked,
            _("链头记录最后一条为 #%(head)s，而库中最后一条为 #%(last)s：最新事件被删除")
            % {"head": head.last_seq, "last": last_seq},
            last_seq + 1,
        )
    if head is not None and last and head.last_hash != last["hash"]:
        return VerifyResult(
            checked,
            _("事件 #%(seq)s 的哈希与链头记录不符：最新事件被修改") % {"seq": last_seq},
            last_seq,
        )
    return _check_checkpoints(checked, last_seq)


def _check_checkpoints(checked: int, last_seq: int) -> VerifyResult:
    path = checkpoint_path()
    if not path.exists():
        return VerifyResult(checked)
    hashes_needed = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            seq, hash_value, sig = int(entry["seq"]), str(entry["hash"]), str(entry["sig"])
        except (ValueError, KeyError, TypeError):
            return VerifyResult(
                checked,
                _("检查点文件 %(path)s 第 %(line)s 行无法解析") % {"path": path, "line": number},
            )
        if sig != checkpoint_signature(settings.SECRET_KEY, seq, hash_value):
            return VerifyResult(
                checked,
                _("检查点文件 %(path)s 第 %(line)s 行签名无效") % {"path": path, "line": number},
            )
        if seq > last_seq:
            return VerifyResult(
                checked,
                _("检查点记录了事件 #%(seq)s，而库中最后一条为 #%(last)s：最新事件被删除")
                % {"seq": seq, "last": last_seq},
                last_seq + 1,
            )
        hashes_needed[seq] = hash_value
    stored = dict(AuditEvent.objects.filter(seq__in=list(hashes_needed)).values_list("seq", "hash"))
    for seq, hash_value in sorted(hashes_needed.items()):
        if stored.get(seq) != hash_value:
            return VerifyResult(
                checked,
                _("事件 #%(seq)s 与检查点记录的哈希不符：事件被修改或替换") % {"seq": seq},
                seq,
            )
    return VerifyResult(checked)
