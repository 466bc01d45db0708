"""Masked phone and ID numbers for lists (LEGAL_RULES C8): `{{ a.contact_phone|mask_phone }}`,
`{{ case.party_id_no|mask_id_number }}`. The full value is shown only on the object's page."""

from django import template

from ganchao.common import crypto

register = template.Library()


@register.filter
def mask_phone(value) -> str:
    return crypto.mask_phone(str(value or ""))


@register.filter
def mask_id_number(value) -> str:
    return crypto.mask_id_number(str(value or ""))
