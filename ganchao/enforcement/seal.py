"""The organ's electronic seal (B12: the decision document bears the organ's seal).

A seal service takes the SHA-256 of the issued document and the seal's name and returns a
`SealResult`. The service in use is a dotted path in the setting `GANCHAO_SEAL_SERVICE` (or the
environment variable of the same name); the default `LocalStandInSeal` only signs the hash
with an HMAC keyed from SECRET_KEY and says plainly that it is no official electronic seal, so
a deployment connects its 电子印章 platform by naming its own class here."""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_SERVICE = "ganchao.enforcement.seal.LocalStandInSeal"


@dataclass(frozen=True)
class SealResult:
    service: str
    seal_id: str
    signature: str
    stand_in: bool


@runtime_checkable
class SealService(Protocol):
    """What a seal service offers. `stand_in` says before sealing whether the seal is a
    stand-in, so the document can say so."""

    stand_in: bool

    def seal(self, document_sha256: str, seal_name: str) -> SealResult: ...


class SealUnavailable(Exception):
    """The configured seal service could not be loaded or refused to seal."""


class LocalStandInSeal:
    """本地替代签章: HMAC-SHA256 over the document hash and the seal name, with a key derived
    from SECRET_KEY. Verifiable here, worthless outside: never an official electronic seal."""

    name = "local-stand-in"
    stand_in = True

    @staticmethod
    def _key() -> bytes:
        return hashlib.sha256(b"ganchao.enforcement.seal:" + settings.SECRET_KEY.encode()).digest()

    def seal_id(self, seal_name: str) -> str:
        return "LOCAL-" + hashlib.sha256(seal_name.encode()).hexdigest()[:12].upper()

    def signature(self, document_sha256: str, seal_name: str) -> str:
        message = f"{seal_name}\n{document_sha256}".encode()
        return hmac.new(self._key(), message, hashlib.sha256).hexdigest()

    def seal(self, document_sha256: str, seal_name: str) -> SealResult:
        return SealResult(
            service=self.name,
            seal_id=self.seal_id(seal_name),
            signature=self.signature(document_sha256, seal_name),
            stand_in=True,
        )

    def verify(self, document_sha256: str, seal_name: str, signature: str) -> bool:
        return hmac.compare_digest(self.signature(document_sha256, seal_name), signature)


def configured_path() -> str:
    return (
        str(getattr(settings, "GANCHAO_SEAL_SERVICE", "") or "")
        or os.environ.get("GANCHAO_SEAL_SERVICE", "")
        or DEFAULT_SERVICE
    )


def seal_service() -> SealService:
    """An instance of the configured seal service."""
    path = configured_path()
    try:
        factory = import_string(path)
    except ImportError as exc:
        raise SealUnavailable(path) from exc
    service = factory()
    if not callable(getattr(service, "seal", None)):
        raise SealUnavailable(path)
    return service


def is_stand_in(service) -> bool:
    """A service that does not declare itself is taken as official."""
    return bool(getattr(service, "stand_in", False))
