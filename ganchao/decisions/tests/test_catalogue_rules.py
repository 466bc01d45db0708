"""A1 (LEGAL_RULES.md): the decision catalogue — versions per year, the party committee's
approval before publication, the excluded categories, decisions only against published items."""

import datetime as dt

import pytest

from ganchao.audit.models import AuditEvent
from ganchao.common.errors import Conflict, Forbidden, ValidationFailed
from ganchao.decisions.choices import CatalogueState, Category
from ganchao.decisions.errors import ProcedureBlocked
from ganchao.decisions.models import Catalogue, Decision
from ganchao.decisions.services import catalogue as services

pytestmark = pytest.mark.django_db


def _draft(dcity, year=2025):
    catalogue = services.catalogue_create(actor=dcity.office, owner=dcity.root, year=year)
    services.catalogue_item_add(
        actor=dcity.office,
        catalogue=catalogue,
        title="城市公共交通票价改革",
        category=Category.POLICY,
        undertaking_unit=dcity.drc,
    )
    return catalogue


def test_publishing_a_draft_without_the_party_approval_is_refused(dcity):
    """Given catalogue 2025 v1 in draft. When the office publishes it without a party-committee
    approval record, Then publication is refused naming A1 and the catalogue stays a draft."""
    catalogue = _draft(dcity)
    with pytest.raises(ProcedureBlocked) as refused:
        services.catalogue_publish(actor=dcity.office, catalogue=catalogue)
    assert refused.value.errors[0].field == "A1"
    catalogue.refresh_from_db()
    assert catalogue.state == CatalogueState.DRAFT and catalogue.published_at is None


def test_approval_needs_date_and_number_then_publication_succeeds(dcity):
    """Given a draft catalogue. When approval lacks the 文号 or the date, Then it is refused;
    with both, it is approved and can be published."""
    catalogue = _draft(dcity)
    with pytest.raises(ValidationFailed) as no_doc:
        services.catalogue_approve(
            actor=dcity.office,
            catalogue=catalogue,
            party_approved_on=dt.date(2025, 2, 1),
            party_approval_doc=" ",
        )
    assert no_doc.value.errors[0].field == "party_approval_doc"
    with pytest.raises(ValidationFailed):
        services.catalogue_approve(
            actor=dcity.office, catalogue=catalogue, party_approved_on=None, party_approval_doc="x"
        )
    services.catalogue_approve(
        actor=dcity.office,
        catalogue=catalogue,
        party_approved_on=dt.date(2025, 2, 1),
        party_approval_doc="赶超市委办〔2025〕3号",
    )
    published = services.catalogue_publish(actor=dcity.office, catalogue=catalogue)
    assert published.state == CatalogueState.PUBLISHED and published.published_at
    assert AuditEvent.objects.filter(action="decision.catalogue_publish").exists()


def test_excluded_categories_are_refused_naming_a1(dcity):
    """Given a draft catalogue. When an item of an excluded category (宏观调控, 政府立法, 突发事件
    应急处置) is added, Then it is refused naming A1 and nothing is added."""
    catalogue = _draft(dcity)
    for category in (Category.MACRO_CONTROL, Category.LEGISLATION, Category.EMERGENCY):
        with pytest.raises(ProcedureBlocked) as refused:
            services.catalogue_item_add(
                actor=dcity.office, catalogue=catalogue, title="某事项", category=category
            )
        assert refused.value.errors[0].field == "A1"
    assert catalogue.items.count() == 1


def test_a_decision_against_an_unpublished_item_is_refused(dcity):
    """Given an item of a draft catalogue. When a decision is proposed against it, Then it is
    refused with "未列入已公布目录"."""
    catalogue = _draft(dcity)
    item = catalogue.items.get()
    with pytest.raises(ProcedureBlocked) as refused:
        dcity.propose(catalogue_item=item)
    assert refused.value.errors[0].field == "A1"
    assert refused.value.errors[0].message == "未列入已公布目录"
    assert not Decision.objects.exists()


def test_a_new_version_copies_the_items_and_needs_an_adjustment_note(dcity):
    """Given the published 2026 catalogue with two items. When the office makes version 2
    without an 调整说明, Then it is refused; with one, the items are copied into a draft."""
    with pytest.raises(ValidationFailed) as no_note:
        services.catalogue_create(actor=dcity.office, owner=dcity.root, year=2026)
    assert no_note.value.errors[0].field == "adjustment_note"
    v2 = services.catalogue_create(
        actor=dcity.office, owner=dcity.root, year=2026, adjustment_note="增加一项重大建设项目"
    )
    assert v2.number == 2 and v2.state == CatalogueState.DRAFT
    assert list(v2.items.values_list("seq", "title")) == list(
        dcity.catalogue.items.values_list("seq", "title")
    )
    # while v2 is a draft, no v3
    with pytest.raises(Conflict):
        services.catalogue_create(
            actor=dcity.office, owner=dcity.root, year=2026, adjustment_note="再调整"
        )


def test_items_change_only_while_draft_and_only_by_the_office(dcity):
    """Given the published catalogue. When an item is edited or removed, Then it is refused
    (409); a liaison may not manage a catalogue at all (403)."""
    with pytest.raises(Conflict):
        services.catalogue_item_update(actor=dcity.office, item=dcity.item, title="改名")
    with pytest.raises(Conflict):
        services.catalogue_item_remove(actor=dcity.office, item=dcity.item2)
    with pytest.raises(Forbidden):
        services.catalogue_create(actor=dcity.drc_liaison, owner=dcity.root, year=2027)
    catalogue = _draft(dcity, 2027)
    item = catalogue.items.get()
    services.catalogue_item_update(actor=dcity.office, item=item, title="改名后的事项")
    item.refresh_from_db()
    assert item.title == "改名后的事项"
    services.catalogue_item_remove(actor=dcity.office, item=item)
    assert not catalogue.items.exists()
    assert Catalogue.objects.filter(year=2027).count() == 1


def test_settings_update_is_audited_and_restricted(dcity):
    """Given the settings. When a liaison changes them, Then 403; when the office turns catalogue
    mode off, Then it is saved with an audit event, and a decision without an item is allowed."""
    with pytest.raises(Forbidden):
        services.decision_settings_update(actor=dcity.drc_liaison, catalogue_mode=False)
    with pytest.raises(ValidationFailed):
        services.decision_settings_update(actor=dcity.office, min_consultation_days=0)
    services.decision_settings_update(actor=dcity.office, catalogue_mode=False)
    assert AuditEvent.objects.filter(action="decision.settings_update").exists()
    decision = dcity.propose(catalogue_item=None)
    assert decision.catalogue_item is None
