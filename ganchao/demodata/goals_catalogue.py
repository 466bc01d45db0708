"""The demo plan's catalogue: goals, indicators and tasks of a city's annual 目标任务分解表
(word lists are in goals_names).

Invented but realistic in form. The indicator and task tables are text, one row a line, so
that a row reads like a line of the sheet; they are parsed once at import into tuples, whose
order (and hence the generated plan) is fixed.

Indicator rows: 名称|计量单位|flags|基期值|目标值|力争值|牵头部门|数据来源部门, where flags hold
C (累计值) or L (水平值), "-" for 逆向, Q for 季度报送, S for staged quarterly targets of a
level, T for decomposed to every town. Task rows: 名称|牵头|kind|T, where the lead is a
department slug or @town, @street, @park (a unit of that kind), kind is P (project), W (work)
or C (counted construction), and T adds responsible towns. Placeholders in task names:
{city} {unit} (the lead unit) {industry} {product} {place} {neighbor} {n}.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class IndicatorSpec:
    name: str
    unit: str
    cumulative: bool
    negative: bool
    quarterly: bool
    staged_level: bool
    to_towns: bool
    baseline: float
    target: float
    stretch: float | None
    lead: str
    source: str


@dataclass(frozen=True)
class TaskSpec:
    name: str
    lead: str
    kind: str
    to_towns: bool


@dataclass(frozen=True)
class SubGoal:
    name: str
    indicators: tuple[IndicatorSpec, ...]
    tasks: tuple[TaskSpec, ...]
    projects: int = 0  # further generated 重点项目 tasks


@dataclass(frozen=True)
class Goal:
    name: str
    category: str
    subgoals: tuple[SubGoal, ...]


def _indicators(text: str) -> tuple[IndicatorSpec, ...]:
    rows = []
    for line in filter(None, (raw.strip() for raw in text.splitlines())):
        name, unit, flags, base, target, stretch, lead, source = line.split("|")
        rows.append(
            IndicatorSpec(
                name, unit, "C" in flags, "-" in flags, "Q" in flags, "S" in flags,
                "T" in flags, float(base), float(target), float(stretch) if stretch else None,
                lead, source,
            )
        )  # fmt: skip
    return tuple(rows)


def _tasks(text: str) -> tuple[TaskSpec, ...]:
    rows = []
    for line in filter(None, (raw.strip() for raw in text.splitlines())):
        name, lead, kind, *flags = line.split("|")
        rows.append(TaskSpec(name, lead, kind, "T" in flags))
    return tuple(rows)


def _sub(name: str, indicators: str, tasks: str, projects: int = 0) -> SubGoal:
    return SubGoal(name, _indicators(indicators), _tasks(tasks), projects)


GOALS: tuple[Goal, ...] = (
    Goal("推动经济高质量发展", "经济发展", (
        _sub("综合经济实力", """
            地区生产总值增长率|%|LQS|5.1|6.0|6.5|fgw|tjj
            地区生产总值|亿元|CQ|2386|2530||fgw|tjj
            第三产业增加值增速|%|LQS|5.6|6.5||fgw|tjj
            民营经济增加值占地区生产总值比重|%|LQ|58.2|59.0||fgw|tjj
            规模以上服务业营业收入增速|%|LQS|7.2|8.0||fgw|tjj
        """, """
            编制“十五五”重点专项规划|fgw|W
            经济运行季度分析调度|fgw|W
            民营经济高质量发展三年行动|fgw|W|T
        """),
        _sub("工业经济", """
            规模以上工业增加值增速|%|LS|6.8|7.5|8.0|gxj|tjj
            规模以上工业总产值|亿元|CT|3120|3400||gxj|tjj
            新增规模以上工业企业|家|CT|52|60|70|gxj|tjj
            工业技术改造投资增速|%|LS|8.2|10.0||gxj|tjj
            制造业增加值占地区生产总值比重|%|LQ|27.5|28.0||gxj|tjj
            全社会工业用电量|亿千瓦时|C|86.5|92.0||gxj|gxj
        """, """
            {industry}产业集群培育行动|gxj|W
            规上工业企业“满园扩园”行动|gxj|W|T
            制造业智能化改造数字化转型诊断全覆盖|gxj|W
        """),
        _sub("消费和服务业", """
            社会消费品零售总额|亿元|CT|1085|1160||swuj|tjj
            社会消费品零售总额增速|%|LS|5.8|6.5||swuj|tjj
            限额以上批发零售业销售额增速|%|LS|6.1|8.0||swuj|tjj
            新增限额以上商贸企业|家|CT|85|100||swuj|tjj
            接待游客|万人次|CT|2850|3100||wglj|wglj
            旅游总收入|亿元|CQ|312|340||wglj|wglj
        """, """
            “{city}消费季”系列促消费活动|swuj|W
            {unit}夜间经济街区建设|@street|P
            县域商业体系建设|swuj|W|T
            国家全域旅游示范区创建|wglj|W
        """),
        _sub("财政金融", """
            一般公共预算收入|亿元|CT|168.5|176.9|180|czj|czj
            税收收入占一般公共预算收入比重|%|L|71.2|72.0||czj|czj
            本外币各项贷款余额增速|%|LQ|9.8|10.0||jrj|jrj
            新增上市（挂牌）企业|家|CQ|2|3||jrj|jrj
            直接融资规模|亿元|CQ|85|100||jrj|jrj
        """, """
            财源建设攻坚行动|czj|W|T
            政府债务风险防范化解|czj|W
            企业上市“育苗”行动|jrj|W
        """),
        _sub("开放型经济", """
            实际使用外资|亿美元|CQ|1.8|2.1|2.5|swuj|swuj
            进出口总额|亿元|C|426|460||swuj|swuj
            出口总额增速|%|LS|5.3|6.0||swuj|swuj
            引进市外资金实际到位|亿元|CT|520|580||tcj|tcj
            新签约亿元以上项目|个|CT|95|110|120|tcj|tcj
        """, """
            “{city}制造”境外展会拓市行动|swuj|W
            综合保税区申建|@park|W
            外贸企业“破零倍增”行动|swuj|W|T
        """),
    )),
    Goal("狠抓项目建设", "项目建设", (
        _sub("投资和项目储备", """
            固定资产投资增速|%|LS|5.5|7.0|8.0|fgw|tjj
            工业投资增速|%|LS|8.0|10.0||gxj|tjj
            民间投资占固定资产投资比重|%|LQ|52.3|55.0||fgw|tjj
            重点项目年度完成投资|亿元|CT|612|680||fgw|fgw
            新开工亿元以上项目|个|CT|86|100||fgw|fgw
            争取中央预算内投资和专项债券资金|亿元|CQ|42|48||fgw|czj
        """, """
            重大项目谋划储备行动|fgw|W
            项目建设“擂台赛”季度观摩|fgw|W|T
            专项债券项目资金拨付使用|czj|W
        """),
        _sub("产业项目", """
            亿元以上产业项目竣工投产|个|CT|45|52||fgw|fgw
            10亿元以上重大产业项目签约|个|CQ|6|8||tcj|tcj
            制造业项目完成投资|亿元|CT|188|215||gxj|tjj
        """, """
            {unit}{industry}产业园二期建设|@park|P
            {unit}标准化厂房建设{n}万平方米|@park|P
        """, projects=30),
        _sub("基础设施项目", """
            交通基础设施完成投资|亿元|C|58|65||jtj|jtj
            水利建设完成投资|亿元|C|12.5|14||slj|slj
            新建改建农村公路|公里|CT|180|200||jtj|jtj
            新建5G基站|个|CT|820|1000||gxj|gxj
        """, """
            {city}至{neighbor}高速公路{city}段建设|jtj|P
            国道G{n}线{city}段改线工程|jtj|P
            {place}水库除险加固工程|slj|P
            城区供水管网改造|zjj|P
            中心城区防洪排涝设施建设|slj|P
        """, projects=14),
        _sub("城市更新", """
            城镇老旧小区改造开工|个|CT|96|110||zjj|zjj
            城镇棚户区改造开工|套|CT|1850|2000||zjj|zjj
            新增城市公共停车泊位|个|C|3200|4000||cgj|cgj
            城市生活污水集中收集率|%|LQ|68|72||zjj|zjj
            新建改造城市燃气管网|公里|C|45|60||zjj|zjj
        """, """
            城镇老旧小区改造{n}个|zjj|C|T
            城中村改造|zjj|P|T
            城市口袋公园建设{n}个|cgj|C
            背街小巷整治提升|cgj|W|T
            城市生命线安全工程|zjj|P
        """),
    )),
    Goal("强化科技创新", "科技创新", (
        _sub("创新主体培育", """
            高新技术企业|家|LQST|312|350|380|kjj|kjj
            科技型中小企业评价入库|家|CT|520|600||kjj|kjj
            新增省级以上研发平台|个|C|8|10||kjj|kjj
            新增专精特新中小企业|家|CQ|18|25||gxj|gxj
        """, """
            高新技术企业倍增行动|kjj|W|T
            “科创贷”投放|kjj|W
            {unit}科技企业孵化器建设|@park|P
        """),
        _sub("创新投入和成果", """
            全社会研发经费投入强度|%|LQ|2.05|2.20||kjj|tjj
            高新技术产业增加值占规模以上工业增加值比重|%|LQ|38.5|40.0||kjj|tjj
            每万人口高价值发明专利拥有量|件|LQS|6.2|7.0||scjgj|scjgj
            技术合同成交额|亿元|CQ|28|35||kjj|kjj
        """, """
            {industry}产业创新研究院建设|kjj|P
            市级科技重大专项{n}项|kjj|W
            院士专家工作站建设|kjj|W
        """),
        _sub("数字经济", """
            数字经济核心产业增加值增速|%|LQS|9.5|12.0||dsj|tjj
            新增上云企业|家|C|260|300||gxj|gxj
            政务数据共享调用|万次|C|380|450||dsj|dsj
        """, """
            “一网统管”城市运行管理平台建设|dsj|P
            公共数据归集治理|dsj|W
            数字乡村试点建设|nyncj|W|T
        """),
    )),
    Goal("全面推进乡村振兴", "乡村振兴", (
        _sub("粮食安全和农业产业", """
            粮食播种面积|万亩|LQT|168|168.5||nyncj|tjj
            新建高标准农田|万亩|CT|12|14||nyncj|nyncj
            新增市级以上农业产业化龙头企业|家|C|12|15||nyncj|nyncj
            第一产业增加值增速|%|LQS|3.5|4.0||nyncj|tjj
            生猪出栏|万头|CQT|210|215||nyncj|tjj
        """, """
            高标准农田建设项目|nyncj|P|T
            粮食生产功能区建设|nyncj|W|T
            {unit}{product}产业园建设|@town|P
            {unit}{product}标准化种植基地建设|@town|P
        """),
        _sub("农民增收和集体经济", """
            农村居民人均可支配收入增速|%|LQS|6.8|7.5||nyncj|tjj
            村集体经济收入超过20万元的村|个|LQST|118|140|150|nyncj|nyncj
            脱贫人口务工就业规模|万人|LT|3.2|3.2||xczxj|xczxj
            农村劳动力转移就业|人|CT|12000|13500||rsj|rsj
        """, """
            村级集体经济“消薄”行动|nyncj|W|T
            防止规模性返贫动态监测帮扶|xczxj|W|T
            农村集体产权制度改革|nyncj|W
        """),
        _sub("和美乡村建设", """
            农村卫生厕所普及率|%|LQT|92.5|94||nyncj|nyncj
            农村生活污水治理率|%|LQT|42|48||sthjj|sthjj
            建成和美乡村示范村|个|CT|30|40||nyncj|nyncj
            农村生活垃圾无害化处理率|%|LQ|96|98||zjj|zjj
            新增造林面积|万亩|CT|3.5|4||lyj|lyj
        """, """
            农村人居环境整治|nyncj|W|T
            和美乡村示范村建设|nyncj|P|T
            农村户厕改造{n}户|nyncj|C|T
            “四好农村路”示范创建|jtj|W
        """),
    )),
    Goal("打好污染防治攻坚战", "生态环保", (
        _sub("大气污染防治", """
            PM2.5平均浓度|微克/立方米|L-S|34|32||sthjj|sthjj
            空气质量优良天数比例|%|LS|86.5|88.0||sthjj|sthjj
            重污染天数|天|C-|4|2||sthjj|sthjj
            臭氧平均浓度|微克/立方米|L-Q|148|145||sthjj|sthjj
        """, """
            大气污染防治夏季攻坚|sthjj|W|T
            建筑工地扬尘污染专项整治|zjj|W|T
            工业企业超低排放改造|sthjj|W
        """),
        _sub("水和土壤污染防治", """
            国省控断面水质优良比例|%|LS|90|92.3||sthjj|sthjj
            县级以上集中式饮用水水源地水质达标率|%|L|100|100||sthjj|sthjj
            受污染耕地安全利用率|%|LQ|91|93||sthjj|nyncj
            城市黑臭水体消除比例|%|LQ|92|100||zjj|zjj
            河湖“四乱”问题整改|个|CT|120|150||slj|slj
        """, """
            河湖长制“清四乱”专项行动|slj|W|T
            城镇污水处理厂提标改造|zjj|P
            生态环境保护督察反馈问题整改|sthjj|W|T
            长江流域重点水域禁捕退捕|nyncj|W
        """),
        _sub("节能降碳", """
            单位地区生产总值能耗下降|%|LQ|3.1|3.0||fgw|tjj
            单位地区生产总值二氧化碳排放下降|%|LQ|3.5|3.6||sthjj|tjj
            新能源装机容量|万千瓦|LQS|185|220||fgw|fgw
            森林覆盖率|%|LQ|48.2|48.5||lyj|lyj
            推广新能源汽车|辆|CT|8500|10000||gxj|gxj
        """, """
            屋顶分布式光伏建设|fgw|P
            重点用能单位节能监察|fgw|W
            国土绿化行动|lyj|W|T
        """),
    )),
    Goal("守牢安全发展底线", "安全生产", (
        _sub("安全生产", """
            生产安全事故死亡人数|人|C-T|26|22||yjj|yjj
            生产安全事故起数|起|C-T|31|26||yjj|yjj
            较大及以上生产安全事故|起|C-|1|0||yjj|yjj
            道路交通事故死亡人数|人|C-|58|52||gaj|gaj
            重大事故隐患整改率|%|LT|95|100||yjj|yjj
        """, """
            安全生产治本攻坚三年行动|yjj|W|T
            城镇燃气安全专项整治|zjj|W|T
            经营性自建房安全专项整治|zjj|W|T
            危险化学品安全风险集中治理|yjj|W
        """),
        _sub("防灾减灾和应急", """
            火灾事故死亡人数|人|C-|5|4||xfzd|xfzd
            森林火灾受害率|‰|L-|0.6|0.8||lyj|lyj
            开展应急演练|次|CT|220|260||yjj|yjj
            食品安全抽检合格率|%|LQ|98.2|98.5||scjgj|scjgj
            药品抽检合格率|%|LQ|99|99||scjgj|scjgj
        """, """
            防汛抗旱应急能力提升|slj|W|T
            基层应急管理能力标准化建设|yjj|W|T
            森林防灭火“打早打小”|lyj|W|T
        """),
        _sub("平安建设", """
            刑事案件发案数|起|C-|5200|4900||gaj|gaj
            电信网络诈骗案件发案数同比下降|%|LQ|12|15||gaj|gaj
            信访事项及时受理率|%|LT|98|100||xfj|xfj
            群众安全感|%|LQ|97.2|97.5||zfw|zfw
            矛盾纠纷调解成功率|%|LT|96|97||sfj|sfj
        """, """
            信访积案化解攻坚|xfj|W|T
            常态化扫黑除恶斗争|zfw|W|T
            “枫桥式公安派出所”创建|gaj|W
            打击治理电信网络诈骗|gaj|W|T
        """),
    )),
    Goal("持续保障和改善民生", "民生保障", (
        _sub("就业和收入", """
            新增城镇就业|人|CT|11800|12000|12500|rsj|rsj
            城镇调查失业率|%|L-Q|5.3|5.5||rsj|tjj
            城镇失业人员再就业|人|CT|3600|4000||rsj|rsj
            就业困难人员实现就业|人|CT|1300|1500||rsj|rsj
            城镇居民人均可支配收入增速|%|LQS|4.8|5.5||rsj|tjj
            开展职业技能培训|人次|CT|23000|25000||rsj|rsj
        """, """
            “{city}英才”引育计划|rsj|W
            零工市场建设|rsj|P|T
            根治欠薪专项行动|rsj|W|T
        """),
        _sub("教育", """
            新建改扩建中小学和幼儿园|所|C|18|22||jyj|jyj
            新增公办学位|个|C|8500|10000||jyj|jyj
            学前教育普惠率|%|LQ|90|92||jyj|jyj
            义务教育巩固率|%|L|99.5|99.6||jyj|jyj
        """, """
            {place}中学新建工程|jyj|P
            {place}幼儿园新建工程|jyj|P
            义务教育优质均衡发展创建|jyj|W|T
        """),
        _sub("卫生健康", """
            每千人口执业（助理）医师|人|LQ|3.1|3.2||wjw|wjw
            县域内就诊率|%|LQ|88|90||wjw|wjw
            65岁及以上老年人健康管理率|%|LQS|68|72||wjw|wjw
            家庭医生签约服务覆盖率|%|LQT|45|48||wjw|wjw
            孕产妇死亡率|1/10万|L-|9.8|10||wjw|wjw
            基本医疗保险参保率|%|LQT|95.5|96||ybj|ybj
        """, """
            市人民医院{place}院区建设|wjw|P
            紧密型县域医共体建设|wjw|W|T
            村卫生室标准化建设{n}个|wjw|C|T
        """),
        _sub("社会保障", """
            基本养老保险参保人数|万人|LQS|312|320||rsj|rsj
            新增养老服务床位|张|CT|800|1000||mzj|mzj
            城乡低保标准提高|%|L|5|6||mzj|mzj
            建成社区嵌入式养老服务中心|个|C|15|20||mzj|mzj
            筹集保障性租赁住房|套|C|2600|3000||zjj|zjj
            住房公积金缴存额|亿元|C|58|63||gjj|gjj
        """, """
            社区居家养老服务中心建设{n}个|mzj|C|T
            困难群众救助帮扶|mzj|W|T
            保障性租赁住房建设|zjj|P
        """),
        _sub("文化体育", """
            公共文化场馆服务|万人次|C|620|680||wglj|wglj
            新建社区嵌入式体育设施|个|CT|40|50||tyj|tyj
            经常参加体育锻炼人数比例|%|LQ|41|42||tyj|tyj
            文化产业增加值增速|%|LQ|6|8||xcb|tjj
            送戏下乡|场|CT|500|600||wglj|wglj
        """, """
            {city}体育中心改造|tyj|P
            “村BA”“村超”群众赛事|tyj|W|T
            城市书房建设{n}个|wglj|C
        """),
    )),
    Goal("持续优化营商环境", "营商环境", (
        _sub("市场主体培育", """
            新增市场主体|户|CT|28000|32000|35000|scjgj|scjgj
            新增企业|户|CT|7200|8000||scjgj|scjgj
            市场主体总量增速|%|LQ|8.5|10||scjgj|scjgj
            个体工商户转型为企业|户|CT|480|600||scjgj|scjgj
        """, """
            “个转企、小升规、规改股、股上市”梯次培育|scjgj|W
            惠企政策“免申即享”|zwfwj|W
        """),
        _sub("政务服务", """
            政务服务事项网上可办率|%|LQ|95|98||zwfwj|zwfwj
            “一件事一次办”办件量|件|C|42000|50000||zwfwj|zwfwj
            12345热线按时办结率|%|L|97|98||zwfwj|zwfwj
            12345热线群众满意率|%|LT|92|95||zwfwj|zwfwj
            工程建设项目审批平均用时|个工作日|L-Q|68|60||zjj|zjj
        """, """
            “高效办成一件事”改革|zwfwj|W
            “一窗通办”改革|zwfwj|W|T
            政务服务中心标准化建设|zwfwj|W|T
        """),
        _sub("法治化营商环境", """
            行政机关负责人出庭应诉率|%|LQ|98|100||sfj|sfj
            涉企行政检查次数同比下降|%|LQ|15|20||sfj|sfj
            政府合同合法性审查率|%|L|100|100||sfj|sfj
            企业诉求办结率|%|LQ|95|98||gxj|gxj
            拖欠企业账款清偿率|%|LS|80|100||czj|czj
        """, """
            涉企行政执法专项整治|sfj|W
            法治政府建设示范创建|sfj|W
            清理拖欠企业账款|czj|W
        """),
    )),
    Goal("全面加强党的建设", "党的建设", (
        _sub("基层党建", """
            软弱涣散基层党组织整顿转化|个|CT|20|25||zzb|zzb
            “两新”组织党组织覆盖率|%|LQ|90|92||zzb|zzb
            村（社区）党组织书记培训|人次|CT|400|380||zzb|zzb
            发展党员|名|CQ|1100|1200||zzb|zzb
        """, """
            基层党组织标准化规范化建设|zzb|W|T
            村（社区）“两委”干部能力提升培训|zzb|W
            党建引领基层治理|zzb|W|T
        """),
        _sub("作风建设", """
            督查检查考核事项精简比例|%|LQ|30|30||dcs|dcs
            发文数量压减比例|%|LQ|10|15||swb|swb
            会议数量压减比例|%|LQ|10|15||swb|swb
        """, """
            整治形式主义为基层减负|dcs|W
            “{city}干部作风大转变”活动|zzb|W
        """),
        _sub("意识形态和精神文明", """
            中央和省级媒体正面报道|篇|C|520|600||xcb|xcb
            网络舆情处置率|%|L|100|100||wxb|wxb
            新时代文明实践站（所）规范化建设|个|CT|180|220||xcb|xcb
            基层理论宣讲|场|C|1800|2000||xcb|xcb
        """, """
            意识形态工作责任制落实|xcb|W|T
            新时代文明实践中心建设|xcb|W|T
            全国文明城市创建|xcb|W|T
        """),
    )),
)  # fmt: skip
