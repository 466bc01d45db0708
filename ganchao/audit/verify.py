"""Verifying the audit chain (DESIGN.md 3.11, LEGAL_RULES C7).

In order, stopping at the first problem:
1. the database identity exists (when there are events) and its seal matches the chain key;
2. every event: contiguous sequence, linked to the previous hash, and its hash recomputed by
   its own algorithm; from the identity's `keyed_from_seq` on, only the keyed algorithm
   (HMAC with the key kept outside the database) is accepted, so a chain recomputed with
   plain sha256 by someone without the key is caught;
3. the head row agrees with the last event;
4. the checkpoints: each one the database recorded, and each checkpoint event of the chain,
   must be a correctly signed line of the checkpoint file, sealing an event that still exists
   with the same hash; and each line of the file must have its row. A deleted or moved file,
   deleted checkpoint rows and deleted newest events all fail here.
"""

import json
from dataclasses import dataclass

from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from ganchao.audit.chain import (
    GENESIS_HASH,
    HASH_ALG,
    HASHED_FIELDS,
    checkpoint_signature,
    identity_seal,
    signatures_equal,
    stored_changes,
    stored_event_hash,
)
from ganchao.audit.keys import AuditKeyError, audit_key
from ganchao.audit.models import AuditCheckpoint, AuditEvent, AuditHead, AuditIdentity
from ganchao.audit.services import CHECKPOINT_ACTION, checkpoint_path


@dataclass
class VerifyResult:
    checked: int
    problem: str = ""
    broken_seq: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problem


class _Broken(Exception):
    def __init__(self, problem: str, broken_seq: int | None = None):
        super().__init__(problem)
        self.problem, self.broken_seq = problem, broken_seq


# Events are read in chunks by keyset (seq > the last one read, in seq order, LIMIT): each chunk
# one short index range scan, so that memory stays flat and no server-side cursor has to hold the
# whole chain; `changes` is read as its stored JSON text (stored_changes), `at` as a datetime.
CHUNK = 10_000
_COLUMNS = [*HASHED_FIELDS, "hash"]


def _events():
    """(the HASHED_FIELDS of each event as a dict, its stored hash), in seq order."""
    names = [name if name != "changes" else "changes_text" for name in _COLUMNS]
    base = (
        AuditEvent.objects.annotate(changes_text=Cast("changes", TextField()))
        .order_by("seq")
        .values_list(*names)
    )
    last = None
    while True:
        rows = list((base if last is None else base.filter(seq__gt=last))[:CHUNK])
        for row in rows:
            yield dict(zip(HASHED_FIELDS, row)), row[-1]  # noqa: B905 - the hash is extra
        if len(rows) < CHUNK:
            return
        last = rows[-1][0]


def audit_verify() -> VerifyResult:
    state = {"checked": 0}
    try:
        key = audit_key()
        identity = _identity(key)
        last, checkpoint_events = _chain(identity, key, state)
        last_seq = last[0] if last else 0
        _head(last, last_seq)
        if identity is not None:
            _checkpoints(identity, key, last_seq, checkpoint_events)
    except _Broken as broken:
        return VerifyResult(state["checked"], broken.problem, broken.broken_seq)
    except AuditKeyError as exc:
        return VerifyResult(state["checked"], str(exc))
    return VerifyResult(state["checked"])


def _identity(key: bytes) -> AuditIdentity | None:
    identity = AuditIdentity.objects.filter(pk=1).first()
    if identity is None:
        if AuditEvent.objects.exists():
            raise _Broken(_("审计数据库标识缺失，而库中已有审计事件：标识记录被删除"), 1)
        return None
    seal = identity_seal(key, uuid=str(identity.uuid), keyed_from_seq=identity.keyed_from_seq)
    if not signatures_equal(seal, identity.seal):
        raise _Broken(
            _("审计数据库标识的签名与审计密钥不符：审计密钥文件被更换或丢失，或数据库标识被篡改")
        )
    return identity


def _chain(identity, key: bytes, state: dict):
    keyed_from = identity.keyed_from_seq if identity is not None else 1
    expected_seq, prev_hash, last, checkpoint_events = 1, GENESIS_HASH, None, set()
    for event, stored_hash in _events():
        seq = event["seq"]
        if seq != expected_seq:
            raise _Broken(
                _("事件 #%(seq)s 缺失（下一条是 #%(next)s）：事件被删除或重排")
                % {"seq": expected_seq, "next": seq},
                expected_seq,
            )
        if event["prev_hash"] != prev_hash:
            raise _Broken(
                _(
                    "事件 #%(seq)s（%(action)s）的前序哈希与事件 #%(prev)s 不符：事件被删除、插入或重排"
                )
                % {"seq": seq, "action": event["action"], "prev": seq - 1},
                seq,
            )
        if seq >= keyed_from and event["hash_alg"] != HASH_ALG:
            raise _Broken(
                _(
                    "事件 #%(seq)s（%(action)s）的哈希算法是 %(alg)s，而自 #%(from)s 起"
                    "每条事件都须以审计密钥计算（%(keyed)s）：事件链被不持有密钥者重新计算"
                )
                % {
                    "seq": seq,
                    "action": event["action"],
                    "alg": event["hash_alg"] or "—",
                    "from": keyed_from,
                    "keyed": HASH_ALG,
                },
                seq,
            )
        try:
            event["changes"] = stored_changes(event["changes"])
            matches = signatures_equal(stored_event_hash(event, key), stored_hash)
        except ValueError:
            matches = False
        if not matches:
            raise _Broken(
                _("事件 #%(seq)s（%(action)s）的内容与其哈希不符：事件被修改")
                % {"seq": seq, "action": event["action"]},
                seq,
            )
        if event["action"] == CHECKPOINT_ACTION:
            checkpoint_events.add(seq)
        prev_hash, expected_seq, last = stored_hash, seq + 1, (seq, stored_hash)
        state["checked"] += 1
    return last, checkpoint_events


def _head(last, last_seq: int) -> None:
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and head.last_seq != last_seq:
        raise _Broken(
            _("链头记录最后一条为 #%(head)s，而库中最后一条为 #%(last)s：最新事件被删除")
            % {"head": head.last_seq, "last": last_seq},
            last_seq + 1,
        )
    if head is not None and last and head.last_hash != last[1]:
        raise _Broken(
            _("事件 #%(seq)s 的哈希与链头记录不符：最新事件被修改") % {"seq": last_seq},
            last_seq,
        )


def _checkpoints(identity, key: bytes, last_seq: int, checkpoint_events: set) -> None:
    path = checkpoint_path(identity)
    rows = dict(AuditCheckpoint.objects.values_list("seq", "hash"))
    expected = set(rows) | checkpoint_events
    if not path.exists():
        if expected:
            raise _Broken(
                _(
                    "检查点文件 %(path)s 不存在，而已写出 %(n)s 个检查点（最近一个封存事件 "
                    "#%(seq)s）：检查点文件被删除或移走"
                )
                % {"path": path, "n": len(expected), "seq": max(expected)},
                max(expected),
            )
        return
    in_file = _read_checkpoint_file(path, identity, key, last_seq)
    stored = dict(AuditEvent.objects.filter(seq__in=list(in_file)).values_list("seq", "hash"))
    for seq, hash_value in sorted(in_file.items()):
        if stored.get(seq) != hash_value:
            raise _Broken(
                _("事件 #%(seq)s 与检查点记录的哈希不符：事件被修改或替换") % {"seq": seq}, seq
            )
        if seq not in rows:
            raise _Broken(
                _(
                    "检查点文件中有封存事件 #%(seq)s 的检查点，而数据库中没有这条检查点记录："
                    "检查点记录被删除"
                )
                % {"seq": seq},
                seq,
            )
    for seq in sorted(expected):
        if seq not in in_file:
            raise _Broken(
                _(
                    "封存事件 #%(seq)s 的检查点已写出（数据库有记录），而检查点文件 %(path)s 中没有："
                    "检查点文件被替换或截断"
                )
                % {"seq": seq, "path": path},
                seq,
            )
        if seq in rows and rows[seq] != in_file[seq]:
            raise _Broken(
                _("事件 #%(seq)s 的检查点记录与检查点文件不符：检查点记录被修改") % {"seq": seq},
                seq,
            )


def _read_checkpoint_file(path, identity, key: bytes, last_seq: int) -> dict[int, str]:
    found = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = {"path": path, "line": number}
        try:
            entry = json.loads(line)
            seq, hash_value = int(entry["seq"]), str(entry["hash"])
            db, written_at, sig = str(entry["db"]), str(entry["written_at"]), str(entry["sig"])
        except (ValueError, KeyError, TypeError):
            raise _Broken(_("检查点文件 %(path)s 第 %(line)s 行无法解析") % where) from None
        expected = checkpoint_signature(
            key, db=db, seq=seq, hash_value=hash_value, written_at=written_at
        )
        if not signatures_equal(expected, sig):
            raise _Broken(_("检查点文件 %(path)s 第 %(line)s 行签名无效") % where)
        if db != str(identity.uuid):
            raise _Broken(_("检查点文件 %(path)s 第 %(line)s 行属于另一个数据库") % where)
        if seq > last_seq:
            raise _Broken(
                _("检查点封存了事件 #%(seq)s，而库中最后一条为 #%(last)s：最新事件被删除")
                % {"seq": seq, "last": last_seq},
                last_seq + 1,
            )
        found[seq] = hash_value
    return found
