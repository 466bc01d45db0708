"""Word lists for the demo plan: industries, products, project names, milestone steps, and
the phrases of progress reports. Invented; tuples, so that the generated plan is fixed."""

INTEGER_UNITS = frozenset((
    "家", "个", "人", "户", "起", "次", "所", "张", "套", "篇", "场", "名", "辆", "件", "天", "人次",
))  # fmt: skip
INDUSTRIES = (
    "新能源汽车", "电子信息", "生物医药", "新材料", "高端装备", "绿色食品", "现代纺织",
    "智能家居", "储能电池", "光电显示", "精细化工", "现代物流",
)  # fmt: skip
PRODUCTS = ("茶叶", "柑橘", "稻虾", "中药材", "油茶", "蔬菜", "食用菌", "生猪", "花卉苗木")
PROJECT_PATTERNS = (
    ("年产{n}万吨{industry}材料项目", "@park"),
    ("年产{n}万台（套）{industry}装备项目", "@park"),
    ("{industry}产业基地项目", "@town"),
    ("{place}{industry}科技园建设", "@park"),
    ("{industry}产业链配套项目", "@town"),
    ("{place}物流园区建设", "@town"),
    ("{place}片区综合开发", "@street"),
    ("{place}污水处理厂扩建", "zjj"),
    ("{place}大道建设", "jtj"),
    ("{place}河综合治理工程", "slj"),
    ("{place}片区集中供热工程", "zjj"),
    ("{place}农产品冷链物流中心", "gxs"),
)
PROJECT_MILESTONES = (
    "完成项目备案和用地预审", "完成施工图审查和招标", "开工建设", "完成基础工程",
    "主体结构封顶", "完成设备安装调试", "竣工验收并投产",
)  # fmt: skip
WORK_MILESTONES = (
    "制定印发实施方案", "召开动员部署会", "完成一季度目标任务", "完成上半年目标任务",
    "开展中期督导评估", "完成三季度目标任务", "完成年度目标任务并总结验收",
)  # fmt: skip
WORK_DATES = ((2, 28), (3, 15), (3, 31), (6, 30), (8, 15), (9, 30), (12, 20))  # (month, day)
COUNTED_MILESTONES = (
    "完成选址和方案设计", "开工三成以上", "开工全部项目", "完工过半", "全部完工并验收",
)  # fmt: skip
# Departments that commonly co-operate, by task kind.
COOPERATORS = {
    "P": ("zrzyj", "zjj", "sthjj", "czj", "fgw", "yjj"),
    "C": ("czj", "zrzyj", "fgw", "mzj"),
    "W": ("czj", "fgw", "rsj", "sfj", "dcs", "xcb", "tjj"),
}
LAG_REASONS = (
    "要素保障不到位", "项目前期手续办理滞后", "市场需求偏弱", "部分企业生产经营困难",
    "资金拨付进度偏慢", "天气原因", "征地拆迁进展缓慢", "统计入库时间差",
)  # fmt: skip
CATCH_UP_MEASURES = (
    "加强调度、倒排工期", "开展专项督导", "召开协调会解决堵点问题", "压实责任、挂图作战",
    "加快资金拨付", "加大企业帮扶力度",
)  # fmt: skip
# For 逆向 indicators (accidents, deaths, rates kept down), as many as the lists above: the
# generator draws from these instead, and the same number of choices keeps its random stream.
NEGATIVE_LAG_REASONS = (
    "部分企业安全生产主体责任落实不到位", "隐患排查整治不够彻底", "基层监管力量不足",
    "极端天气影响", "重点时段管控存在薄弱环节", "个别行业领域风险集中",
    "宣传教育覆盖面不够", "应急处置衔接不够顺畅",
)  # fmt: skip
NEGATIVE_MEASURES = (
    "开展专项整治、严格执法检查", "加强隐患排查治理", "强化重点时段巡查管控",
    "压实属地和部门监管责任", "加强宣传警示教育", "完善应急处置机制",
)  # fmt: skip
assert len(NEGATIVE_LAG_REASONS) == len(LAG_REASONS)
assert len(NEGATIVE_MEASURES) == len(CATCH_UP_MEASURES)
RETURN_REASONS = (
    "数值与统计部门口径不一致，请核实后重新报送。",
    "缺少佐证材料，请补充上传后重新报送。",
    "进展说明过于简略，请补充具体措施和完成情况。",
    "本期累计值小于上期数值，请核实。",
    "未说明滞后原因和下一步措施，请补充。",
)
WORK_PHRASES = (
    "按计划推进，各项工作有序开展。",
    "召开专题调度会，研究解决存在的问题。",
    "已完成阶段性任务，正在开展下一步工作。",
    "深入一线督导检查，推动工作落实。",
)
