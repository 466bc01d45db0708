"""Exporting the unit sheet (单位及领导分工表, DESIGN.md 3.4) and its blank template.

The export has the import's layout, codes as text cells, so that export → import is a round
trip that changes nothing. A reference to a unit is its name when that is unique, else the
shortest unique path (西湖镇/李庄村), else its code — each checked with the import's resolver.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ganchao.common.excel import MULTI_SEPARATORS
from ganchao.common.exports import example_font, new_workbook, workbook_bytes, write_table
from ganchao.orgs.choices import WORD_BY_UNIT_TYPE
from ganchao.orgs.models import Leader, LeaderArea, Unit
from ganchao.orgs.references import UnitNode, UnitResolver, Unresolved
from ganchao.orgs.unit_sheet import (
    ALIASES,
    CATEGORY,
    CODE,
    LEADER_AREAS,
    LEADER_HEADERS,
    LEADER_NAME,
    LEADER_PRINCIPAL,
    LEADER_SHEET_TITLE,
    LEADER_TITLE,
    NAME,
    NO,
    NOTES_SHEET_TITLE,
    ORDER,
    PARENT,
    TYPE,
    UNIT_HEADERS,
    UNIT_SHEET_TITLE,
    YES,
)

TEXT_COLUMNS = [CODE, NAME, PARENT, TYPE, CATEGORY, ALIASES]


class ReferenceWriter:
    """The text the import will resolve back to exactly this unit."""

    def __init__(self, nodes):
        self.resolver = UnitResolver(nodes)
        self._cache: dict[tuple[int, bool], str] = {}

    def of(self, node: UnitNode, *, in_list: bool = False) -> str:
        key = (id(node), in_list)
        if key not in self._cache:
            self._cache[key] = self._choose(node, in_list)
        return self._cache[key]

    def _choose(self, node: UnitNode, in_list: bool) -> str:
        chain, current = [], node
        while current is not None:
            chain.insert(0, current.name)
            current = current.parent
        options = ["/".join(chain[-length:]) for length in range(1, len(chain) + 1)]
        for text in options:
            if in_list and MULTI_SEPARATORS.search(text):
                continue
            try:
                if self.resolver.candidates(text) == [node]:
                    return text
            except Unresolved:
                continue
        return node.code


def _unit_rows() -> tuple[list[UnitNode], dict[int, tuple[str, int]]]:
    rows = Unit.objects.order_by("path").values_list(
        "id", "code", "name", "type", "aliases", "parent_id", "category__name", "sort_order"
    )
    nodes, parents, extras = {}, {}, {}
    for pk, code, name, type_, aliases, parent_id, category, order in rows:
        nodes[pk] = UnitNode(code=code, name=name, type=type_, aliases=list(aliases or []), pk=pk)
        parents[pk] = parent_id
        extras[pk] = (category or "", order)
    for pk, parent_id in parents.items():
        nodes[pk].parent = nodes.get(parent_id)
    return list(nodes.values()), extras


def _leader_rows(by_pk: dict[int, UnitNode], references: ReferenceWriter) -> list[list]:
    areas: dict[int, list[UnitNode]] = {}
    for leader_id, unit_id in (
        LeaderArea.objects.filter(end_date__isnull=True, leader__active=True)
        .order_by("unit__path")
        .values_list("leader_id", "unit_id")
    ):
        areas.setdefault(leader_id, []).append(by_pk[unit_id])
    return [
        [
            leader.name,
            leader.title,
            YES if leader.principal else NO,
            "、".join(references.of(node, in_list=True) for node in areas.get(leader.pk, [])),
        ]
        for leader in Leader.objects.filter(active=True)
    ]


def unit_sheet_export() -> bytes:
    """Every unit (active or not, in tree order) and the serving leaders with their areas."""
    nodes, extras = _unit_rows()
    references = ReferenceWriter(nodes)
    rows = []
    for node in nodes:
        category, order = extras[node.pk]
        parent = references.of(node.parent) if node.parent else ""
        word = WORD_BY_UNIT_TYPE[node.type]
        rows.append([node.code, node.name, parent, word, category, "、".join(node.aliases), order])
    book = new_workbook()
    write_table(book.create_sheet(UNIT_SHEET_TITLE), UNIT_HEADERS, rows, text_columns=TEXT_COLUMNS)
    leaders = _leader_rows({node.pk: node for node in nodes}, references)
    write_table(
        book.create_sheet(LEADER_SHEET_TITLE),
        LEADER_HEADERS,
        leaders,
        text_columns=LEADER_HEADERS,
    )
    _write_notes(book)
    return workbook_bytes(book)


def unit_sheet_template() -> bytes:
    """The blank sheet with example rows (in grey) and the 填写说明 worksheet."""
    city = str(settings.GANCHAO_CITY_NAME)
    examples = [
        ["", city, "", "市", "", "", 0],
        ["", _("西湖镇"), city, "镇", _("乡镇（街道）"), _("西湖"), 10],
        ["", _("李庄村"), _("西湖镇"), "村", "", "", 1],
    ]
    book = new_workbook()
    units = book.create_sheet(UNIT_SHEET_TITLE)
    write_table(units, UNIT_HEADERS, examples, text_columns=TEXT_COLUMNS)
    leaders = book.create_sheet(LEADER_SHEET_TITLE)
    write_table(
        leaders,
        LEADER_HEADERS,
        [[_("周明远"), _("副市长"), NO, _("西湖镇")]],
        text_columns=LEADER_HEADERS,
    )
    for sheet in (units, leaders):
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.font = example_font()
    _write_notes(book)
    return workbook_bytes(book)


def _write_notes(book) -> None:
    headers = [_("工作表"), _("列名"), _("是否必填"), _("填写说明")]
    units, leaders = UNIT_SHEET_TITLE, LEADER_SHEET_TITLE
    rows = [
        [units, CODE, _("否"), _("单位的固定编码，系统据此识别单位。新增单位可留空，导入时自动生成；修改已有单位时请保留原编码。本列为文本格式，开头的 0 不会丢失。")],
        [units, NAME, _("是"), _("单位全称。同一上级单位下不能有两个同名单位。")],
        [units, PARENT, _("根单位以外必填"), _("填写上级单位的编码、名称或简称；有同名单位时，用“西湖镇/李庄村”这样的路径区分。上级单位可以写在本行的后面。只有最上一级的省或市留空。")],
        [units, TYPE, _("是"), _("省、市、部门、镇、街道、园区、区、村、社区、网格之一。市设在省之下；部门、镇、街道、园区、区设在市或区之下；村、社区设在镇、街道、园区或区之下；网格设在村或社区之下。")],
        [units, CATEGORY, _("否"), _("参加同类排名的分组，如“乡镇（街道）”“市直部门”。填写新的类别名称时自动新增该类别；留空表示不归入任何类别。")],
        [units, ALIASES, _("否"), _("单位的简称，多个用顿号“、”分隔。在其他表格中也可以用简称指代本单位。")],
        [units, ORDER, _("否"), _("整数，数字小的排在前面；留空按 0 处理。")],
        [leaders, LEADER_NAME, _("是"), _("市级领导姓名；与系统中在任领导同名的，视为同一人。")],
        [leaders, LEADER_TITLE, _("否"), _("如“副市长”。")],
        [leaders, LEADER_PRINCIPAL, _("否"), _("填“是”或“否”。主要领导（市长、市委书记）可查看全市的目标任务；本列留空时，新增领导按职务判断，已有领导保持不变。")],
        [leaders, LEADER_AREAS, _("否"), _("该领导当前分管的全部单位，多个用顿号“、”分隔，写法与“上级单位”相同。表中没有列出的原分管单位将结束分管。")],
        [_("全部"), "", "", _("灰色斜体的示例行请替换为本地的单位。表头须在前五行内。只要有一处错误，整个文件都不会导入；请按提示逐条改正后重新上传。导入只新增和修改单位，不会删除表中没有的单位。")],
    ]  # fmt: skip
    write_table(book.create_sheet(NOTES_SHEET_TITLE), headers, rows, wrap_columns=[headers[3]])


def export_filename(*, template: bool = False) -> str:
    if template:
        return _("单位及领导分工表-模板.xlsx")
    return _("单位及领导分工表-%(date)s.xlsx") % {"date": timezone.localdate().strftime("%Y%m%d")}
