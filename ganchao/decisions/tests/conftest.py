"""Decision fixtures: the small city of ganchao/conftest.py plus the people of 依法干 — a lead
and a co-undertaking department with liaisons, the justice bureau's legality reviewer, a
registered legal adviser, the mayor (the head) — and a published 2026 catalogue."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from ganchao.conftest import City, make_unit, make_user
from ganchao.decisions import services
from ganchao.decisions.choices import AdviserKind, CatalogueState, Category
from ganchao.decisions.models import Catalogue, CatalogueItem, DecisionSettings, LegalAdviser
from ganchao.orgs import services as org_services
from ganchao.orgs.choices import Role, UnitType

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="材料.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


class DecisionCity(City):
    def __init__(self):
        super().__init__()
        self.drc = make_unit("市发展和改革委员会", UnitType.DEPARTMENT, self.root, code="C004")
        self.market = make_unit("市市场监督管理局", UnitType.DEPARTMENT, self.root, code="C005")
        self.justice = make_unit("市司法局", UnitType.DEPARTMENT, self.root, code="C006")
        self.drc_liaison = make_user("drc_liaison", self.drc, Role.LIAISON)
        self.market_liaison = make_user("market_liaison", self.market, Role.LIAISON)
        self.reviewer = make_user("reviewer", self.justice, Role.LEGALITY_REVIEWER)
        with transaction.atomic():
            self.mayor_leader = org_services.leader_create(
                actor=None, name="王市长", title="市长", principal=True
            )
        self.mayor = make_user("mayor", self.gov_office, Role.LEADER, leader=self.mayor_leader)
        self.adviser_user = make_user("adviser", self.justice, Role.LEGAL_ADVISER)
        self.adviser = LegalAdviser.objects.create(
            name="陈律师",
            kind=AdviserKind.GOVERNMENT_ADVISER,
            appointing_unit=self.root,
            organisation="某某律师事务所",
            qualification="A20151100000001",
            term_start=dt.date(2025, 1, 1),
            term_end=dt.date(2027, 12, 31),
            user=self.adviser_user,
        )
        DecisionSettings.objects.update_or_create(pk=1, defaults={"catalogue_mode": True})
        self.catalogue = Catalogue.objects.create(
            owner=self.root,
            year=2026,
            title="赶超市人民政府2026年度重大行政决策事项目录",
            state=CatalogueState.PUBLISHED,
            party_approved_on=dt.date(2026, 2, 10),
            party_approval_doc="赶超市委办〔2026〕5号",
            created_by=self.office,
        )
        self.item = CatalogueItem.objects.create(
            catalogue=self.catalogue,
            seq=1,
            title="城区停车收费标准调整",
            category=Category.POLICY,
            undertaking_unit=self.drc,
        )
        self.item2 = CatalogueItem.objects.create(
            catalogue=self.catalogue,
            seq=2,
            title="老旧小区改造三年规划",
            category=Category.PLANNING,
            undertaking_unit=self.drc,
        )

    def propose(self, actor=None, **kwargs):
        """A proposed decision led by 市发改委 with 市市场监管局 co-undertaking."""
        fields = {
            "owner": self.root,
            "title": "城区停车收费标准调整",
            "category": Category.POLICY,
            "year": 2026,
            "units": [self.drc, self.market],
            "lead": self.drc,
            "catalogue_item": self.item,
        }
        fields.update(kwargs)
        return services.decision_propose(actor=actor or self.office, **fields)

    def launched(self, **kwargs):
        """Proposed, with draft 1, launched."""
        decision = self.propose(**kwargs)
        services.draft_add(
            actor=self.drc_liaison,
            decision=decision,
            text="一、调整城区路内停车收费标准……",
            explanation="起草说明……",
        )
        return services.decision_launch(actor=self.office, decision=decision)


@pytest.fixture
def dcity(db):
    return DecisionCity()
