"""Enforcement fixtures: the small city of ganchao/conftest.py plus an enforcement agency (市城市
管理综合行政执法局) with its head, liaison and three officers (one with an expired certificate), a
second agency (市自然资源局), a legal reviewer with the 法律职业资格 and one without, the
agency's leader in charge, and published matters."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from ganchao.conftest import City, make_unit, make_user
from ganchao.enforcement import services
from ganchao.enforcement.choices import MatterCategory, MatterState, PartyKind, Stage
from ganchao.enforcement.models import Agency, EnforcementMatter, EnforcementSettings, Officer
from ganchao.orgs import services as org_services
from ganchao.orgs.choices import Role, UnitType

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FAR = dt.date(2030, 12, 31)


def pdf(name="文书.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def published_matter(agency, code, name, category=MatterCategory.PENALTY, **extra):
    fields = {
        "legal_basis": "《中华人民共和国城乡规划法》第六十四条",
        "procedure": "立案、调查取证、审核、告知、陈述申辩、决定、送达、执行、结案",
        "flowchart": "立案→调查取证→审核→告知→陈述申辩/听证→法制审核→决定→送达→执行→结案",
        "accepting_body": agency.name,
        "approving_body": agency.name,
        "conditions": "发现违法行为，有证据初步证明的",
        "time_limit": "立案之日起90日内作出决定",
        "remedy": "对处罚决定不服的，可以在收到决定书之日起60日内申请行政复议，或者6个月内提起行政诉讼",
        "discretion_standard": "违法建筑面积50平方米以下的，处工程造价5%以上7%以下罚款",
        "discretion_link": "/public/enforcement/matters/",
    }
    fields.update(extra)
    return EnforcementMatter.objects.create(
        agency=agency,
        code=code,
        name=name,
        category=category,
        state=MatterState.PUBLISHED,
        published_at=dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC),
        **fields,
    )


class EnforcementCity(City):
    def __init__(self):
        super().__init__()
        self.cg_unit = make_unit(
            "市城市管理综合行政执法局", UnitType.DEPARTMENT, self.root, code="C010"
        )
        self.nr_unit = make_unit("市自然资源局", UnitType.DEPARTMENT, self.root, code="C011")
        self.justice = make_unit("市司法局", UnitType.DEPARTMENT, self.root, code="C012")
        with transaction.atomic():
            self.cg_leader = org_services.leader_create(actor=None, name="李副市长", title="副市长")
            org_services.leader_area_set(actor=None, leader=self.cg_leader, units=[self.cg_unit])
        self.cg_leader_user = make_user(
            "cg_leader", self.gov_office, Role.LEADER, leader=self.cg_leader
        )
        self.agency = Agency.objects.create(
            unit=self.cg_unit,
            name="赶超市城市管理综合行政执法局",
            basis="《中华人民共和国行政处罚法》；市政府关于城市管理相对集中行政处罚权的决定",
            address="赶超市人民路1号",
            phone="0000-12345678",
            review_organ="赶超市人民政府",
            court="赶超市人民法院",
            seal_name="赶超市城市管理综合行政执法局",
        )
        self.agency2 = Agency.objects.create(
            unit=self.nr_unit, name="赶超市自然资源局", review_organ="赶超市人民政府"
        )
        self.building = published_matter(self.agency, "CG-001", "违法建设行为的处罚")
        self.vending = published_matter(
            self.agency,
            "CG-002",
            "占道经营处罚",
            legal_basis="《城市市容和环境卫生管理条例》第三十六条",
        )
        self.permit = published_matter(
            self.agency, "CG-101", "临时占用道路许可", category=MatterCategory.PERMIT
        )
        self.head = make_user("cg_head", self.cg_unit, Role.UNIT_HEAD)
        self.cg_liaison = make_user("cg_liaison", self.cg_unit, Role.LIAISON)
        self.officer_user_a = make_user("officer_a", self.cg_unit, Role.ENFORCEMENT_OFFICER)
        self.officer_user_b = make_user("officer_b", self.cg_unit, Role.ENFORCEMENT_OFFICER)
        self.officer_a = self._officer("张执法", "ZF3701001", self.officer_user_a)
        self.officer_b = self._officer("李执法", "ZF3701002", self.officer_user_b)
        self.officer_expired = self._officer(
            "赵执法", "ZF3701003", None, expires=dt.date(2025, 6, 30)
        )
        self.reviewer_user = make_user("cg_reviewer", self.justice, Role.LEGALITY_REVIEWER)
        self.reviewer = Officer.objects.create(
            agency=self.agency,
            user=self.reviewer_user,
            name="孙审核",
            is_reviewer=True,
            legal_qualification=True,
        )
        self.unqualified_user = make_user("cg_reviewer2", self.justice, Role.LEGALITY_REVIEWER)
        self.unqualified = Officer.objects.create(
            agency=self.agency, user=self.unqualified_user, name="周审核", is_reviewer=True
        )
        self.nr_officer_user = make_user("nr_officer", self.nr_unit, Role.ENFORCEMENT_OFFICER)
        EnforcementSettings.objects.update_or_create(
            pk=1,
            defaults={
                "major_fine_person": Decimal(10000),
                "major_fine_organisation": Decimal(100000),
            },
        )

    def _officer(self, name, certificate, user, expires=FAR):
        officer = Officer.objects.create(
            agency=self.agency,
            user=user,
            name=name,
            certificate_no=certificate,
            certificate_expires=expires,
        )
        officer.matters.set([self.building, self.vending, self.permit])
        return officer

    def open_case(self, actor=None, matter=None, **kwargs):
        """A case filed by officer A with officers A and B: 违法建设 by a person (张三)."""
        fields = {
            "title": "未经许可擅自搭建彩钢房",
            "party_kind": PartyKind.PERSON,
            "party_name": "张三",
            "party_id_no": "370102198001011234",
            "party_phone": "13800138000",
            "party_address": "赶超市西湖镇李庄村18号",
            "place": "西湖镇李庄村18号院内",
            "filed_on": dt.date(2026, 3, 2),
        }
        fields.update(kwargs)
        with transaction.atomic():
            return services.case_open(
                actor=actor or self.officer_user_a,
                matter=matter or self.building,
                officers=[self.officer_a, self.officer_b],
                **fields,
            )


@pytest.fixture
def ecity(db):
    return EnforcementCity()


__all__ = ["EnforcementCity", "Stage", "pdf", "published_matter"]
