"""Word lists for the demo data: fictional places and people, realistic in form.

Every name here is invented; any likeness to a real place or person is a coincidence of
common words. Lists are tuples so that their order, and hence the generated data, is fixed.
"""

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Department:
    """A city department: its slug (for demo usernames), name, short names and which city
    leader's area it falls in (an index into the leader titles)."""

    slug: str
    name: str
    aliases: tuple[str, ...] = ()
    group: int = 1


DEPARTMENTS: tuple[Department, ...] = (
    # 市委书记
    Department("swb", "市委办公室", ("市委办",), 0),
    Department("dcs", "市委督查室", ("督查室", "市考核办"), 0),
    Department("zzb", "市委组织部", ("组织部",), 0),
    Department("xcb", "市委宣传部", ("宣传部",), 0),
    Department("tzb", "市委统战部", ("统战部",), 0),
    Department("zfw", "市委政法委", ("政法委",), 0),
    Department("bb", "市委机构编制委员会办公室", ("市委编办",), 0),
    Department("wxb", "市委网络安全和信息化委员会办公室", ("市委网信办",), 0),
    Department("dx", "市委党校", (), 0),
    Department("zys", "市委政策研究室", ("市委政研室",), 0),
    # 市长
    Department("zfb", "市政府办公室", ("市府办",), 1),
    Department("sjj", "市审计局", ("审计局",), 1),
    Department("xfj", "市信访局", ("信访局",), 1),
    Department("jgj", "市机关事务管理局", ("机关事务局",), 1),
    # 常务副市长
    Department("fgw", "市发展和改革委员会", ("市发展改革委", "发改委"), 2),
    Department("czj", "市财政局", ("财政局",), 2),
    Department("tjj", "市统计局", ("统计局",), 2),
    Department("gzw", "市人民政府国有资产监督管理委员会", ("市国资委",), 2),
    Department("swj", "市税务局", ("税务局",), 2),
    Department("jrj", "市地方金融管理局", ("金融局",), 2),
    Department("lsj", "市粮食和物资储备局", ("粮储局",), 2),
    # 副市长（工业和商贸）
    Department("gxj", "市工业和信息化局", ("工信局",), 3),
    Department("swuj", "市商务局", ("商务局",), 3),
    Department("tcj", "市投资促进局", ("投促局",), 3),
    Department("scjgj", "市市场监督管理局", ("市场监管局",), 3),
    # 副市长（农业农村）
    Department("nyncj", "市农业农村局", ("农业农村局",), 4),
    Department("slj", "市水利局", ("水利局",), 4),
    Department("lyj", "市林业局", ("林业局",), 4),
    Department("xczxj", "市乡村振兴局", ("乡村振兴局",), 4),
    Department("gxs", "市供销合作社", ("供销社",), 4),
    # 副市长（社会事业）
    Department("jyj", "市教育局", ("教育局",), 5),
    Department("wjw", "市卫生健康委员会", ("市卫健委",), 5),
    Department("ybj", "市医疗保障局", ("医保局",), 5),
    Department("wglj", "市文化广电和旅游局", ("文广旅局",), 5),
    Department("tyj", "市体育局", ("体育局",), 5),
    # 副市长（政法）
    Department("gaj", "市公安局", ("公安局",), 6),
    Department("sfj", "市司法局", ("司法局",), 6),
    Department("yjj", "市应急管理局", ("应急局",), 6),
    Department("tyjrj", "市退役军人事务局", ("退役军人局",), 6),
    Department("xfzd", "市消防救援支队", ("消防支队",), 6),
    # 副市长（城乡建设）
    Department("zjj", "市住房和城乡建设局", ("市住建局",), 7),
    Department("zrzyj", "市自然资源和规划局", ("自然资源局",), 7),
    Department("jtj", "市交通运输局", ("交通局",), 7),
    Department("cgj", "市城市管理局", ("城管局", "市综合行政执法局"), 7),
    Department("sthjj", "市生态环境局", ("生态环境局",), 7),
    Department("rfb", "市人民防空办公室", ("人防办",), 7),
    # 副市长（科技和数字政府）
    Department("kjj", "市科学技术局", ("科技局",), 8),
    Department("dsj", "市大数据管理局", ("大数据局",), 8),
    Department("zwfwj", "市政务服务管理局", ("政务服务局",), 8),
    Department("ggzy", "市公共资源交易中心", ("交易中心",), 8),
    Department("rmt", "市融媒体中心", ("融媒体中心",), 8),
    Department("qxj", "市气象局", ("气象局",), 8),
    # 副市长（民生）
    Department("mzj", "市民政局", ("民政局",), 9),
    Department("rsj", "市人力资源和社会保障局", ("市人社局",), 9),
    Department("gjj", "市住房公积金管理中心", ("公积金中心",), 9),
    Department("mzzj", "市民族宗教事务局", ("民宗局",), 9),
    Department("cl", "市残疾人联合会", ("市残联",), 9),
    Department("fl", "市妇女联合会", ("市妇联",), 9),
    Department("zgh", "市总工会", ("总工会",), 9),
    Department("twj", "共青团市委员会", ("团市委",), 9),
)
# The departments of the small city root of the town scale: enough for every demo role.
CORE_DEPARTMENTS = ("dcs", "zfb", "fgw", "czj", "tjj", "gxj", "scjgj", "sfj", "cgj", "dsj")

LEADER_TITLES = ("市委书记", "市长", "常务副市长", *("副市长",) * 7)
SMALL_LEADER_TITLES = ("市长", "常务副市长", "副市长")

PROVINCE_NAME = "云江省"
CITY_NAMES = (
    "江川市", "澄阳市", "临溪市", "云岭市", "青岚市", "汀阳市", "泽源市", "枫林市",
    "岱川市", "柏原市", "鹭江市", "桐溪市", "梧阳市", "槐川市", "兰泽市", "栖川市",
)  # fmt: skip

TOWN_STEMS = (
    "青山", "白沙", "石门", "柳溪", "桃源", "龙泉", "金鸡", "凤凰", "双河", "三江", "马坪",
    "黄土", "红星", "清水", "梅林", "杉木", "竹园", "云台", "沙坪", "高桥", "长岭", "官渡",
    "兴隆", "太平", "永安", "新市", "古城", "花桥", "莲塘", "枫树", "石桥", "黄龙", "白马",
    "乌石", "铁山", "金竹", "鹤鸣", "松林", "仁和", "永丰", "万福", "丰乐", "白鹤", "清溪",
    "梨园", "樟树", "杨柳", "芦溪", "泉水", "安仁", "龙潭", "三合", "五里", "九龙", "七星",
    "马鞍", "虎山", "狮子", "象山", "长乐", "东坪", "西岭", "南岗", "北山", "上坊", "下湾",
    "河口", "江口", "岭头", "坳上", "塘坝", "罗坪", "牛头", "茶山", "桐木", "荷塘", "桂花",
)  # fmt: skip
STREET_STEMS = (
    "城东", "城西", "城南", "城北", "东城", "西城", "南湖", "北关", "滨江", "文华", "鼓楼",
    "府前", "新城", "江北", "河西", "东关", "西关", "中山", "人民", "解放",
)  # fmt: skip
PARK_PATTERNS = ("{short}经济技术开发区", "{short}高新技术产业开发区", "{short}工业园区")

SURNAMES = (
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
    "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
    "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏",
    "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金",
    "石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹",
    "薛", "闫", "段", "雷", "侯", "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵",
)  # fmt: skip
GIVEN_CHARS = (
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
    "明", "超", "秀", "霞", "平", "刚", "华", "建", "国", "文", "红", "玲", "志", "海", "辉",
    "波", "宁", "鹏", "斌", "飞", "林", "琳", "晨", "婷", "雪", "慧", "峰", "宇", "浩", "凯",
    "博", "欣", "悦", "思", "佳", "晓", "俊", "毅", "卫", "东", "庆", "春", "松", "永", "立",
    "新", "德", "光", "荣", "昌", "兴", "瑞", "泽", "清", "远", "航", "帆", "越", "诚", "彬",
    "岩", "梅", "兰", "英", "颖", "晶", "蕾", "倩", "露", "云", "琪", "涵", "睿", "哲", "嘉",
)  # fmt: skip

VILLAGE_SUFFIXES = (
    "家村", "庄村", "湾村", "坪村", "岗村", "桥村", "店村", "营村", "寨村", "坝村", "洼村",
    "堡村", "园村", "集村", "垸村", "冲村",
)  # fmt: skip
PLACE_PREFIXES = (
    "东",
    "西",
    "南",
    "北",
    "上",
    "下",
    "新",
    "老",
    "大",
    "小",
    "前",
    "后",
    "中",
    "高",
)
PLACE_NOUNS = (
    "河", "山", "坡", "塘", "桥", "沟", "岭", "湖", "坪", "林", "田", "港", "冲", "湾", "垅", "岩",
)  # fmt: skip
AUSPICIOUS_VILLAGES = (
    "永兴村", "永丰村", "和平村", "幸福村", "团结村", "胜利村", "红旗村", "光明村", "友谊村",
    "新农村", "建设村", "联合村", "民主村", "兴旺村", "丰收村", "长兴村", "富民村", "安乐村",
    "太和村", "同心村", "五一村", "先锋村", "前进村", "群力村",
)  # fmt: skip
COMMUNITY_STEMS = (
    "东门", "西门", "南关", "北街", "滨江", "文昌", "人民路", "幸福里", "锦绣", "阳光", "花园",
    "新华", "建设", "胜利", "团结", "和平", "民主", "解放", "中山", "朝阳", "向阳", "育才",
    "书院", "学府", "府前", "桂花", "翠竹", "紫荆", "丹桂", "金桥", "银湖", "明珠", "龙湾",
    "凤鸣", "春晖", "康乐", "兴华", "振兴", "工农", "车站", "西苑", "东苑", "南苑", "北苑",
)  # fmt: skip
CHINESE_NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")


def person_name(rng: random.Random, taken: set[str]) -> str:
    """A fictional two- or three-character name not yet in `taken` (which it joins)."""
    while True:
        given = rng.choice(GIVEN_CHARS)
        if rng.random() < 0.7:
            given += rng.choice(GIVEN_CHARS)
        name = rng.choice(SURNAMES) + given
        if name not in taken:
            taken.add(name)
            return name


def village_name(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.5:
        return rng.choice(SURNAMES) + rng.choice(VILLAGE_SUFFIXES)
    if roll < 0.85:
        return rng.choice(PLACE_PREFIXES) + rng.choice(PLACE_NOUNS) + "村"
    return rng.choice(AUSPICIOUS_VILLAGES)


def community_name(rng: random.Random) -> str:
    return rng.choice(COMMUNITY_STEMS) + "社区"


def distinct(rng: random.Random, make, count: int, taken: set[str] | None = None) -> list[str]:
    """`count` different names from the generator `make(rng)`, none of them in `taken`."""
    taken = set() if taken is None else taken
    names: list[str] = []
    while len(names) < count:
        name = make(rng)
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names
