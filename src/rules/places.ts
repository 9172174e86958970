/**
 * China's provinces and main cities, in Chinese and pinyin/English, so a tender's region field,
 * a buyer's name or a job's city can be placed in a province without the business listing every
 * city. Pure data plus a finder; region ids (our sales regions) live in the rules, not here.
 */

export interface Place {
  /** Canonical Chinese name without suffix: 广东, 深圳. */
  name: string;
  /** Province it belongs to (itself for a province). */
  province: string;
  type: 'province' | 'city';
}

// Province → [Chinese short name, English/pinyin names...]
const PROVINCES: ReadonlyArray<readonly [string, ...string[]]> = [
  ['北京', 'Beijing', 'Peking'], ['天津', 'Tianjin'], ['上海', 'Shanghai'], ['重庆', 'Chongqing'],
  ['河北', 'Hebei'], ['山西', 'Shanxi'], ['辽宁', 'Liaoning'], ['吉林', 'Jilin'], ['黑龙江', 'Heilongjiang'],
  ['江苏', 'Jiangsu'], ['浙江', 'Zhejiang'], ['安徽', 'Anhui'], ['福建', 'Fujian'], ['江西', 'Jiangxi'],
  ['山东', 'Shandong'], ['河南', 'Henan'], ['湖北', 'Hubei'], ['湖南', 'Hunan'], ['广东', 'Guangdong'],
  ['海南', 'Hainan'], ['四川', 'Sichuan'], ['贵州', 'Guizhou'], ['云南', 'Yunnan'], ['陕西', 'Shaanxi'],
  ['甘肃', 'Gansu'], ['青海', 'Qinghai'], ['台湾', 'Taiwan'], ['内蒙古', 'Inner Mongolia', 'Neimenggu', 'Nei Mongol'],
  ['广西', 'Guangxi'], ['西藏', 'Tibet', 'Xizang'], ['宁夏', 'Ningxia'], ['新疆', 'Xinjiang'],
  ['香港', 'Hong Kong', 'Hongkong'], ['澳门', 'Macau', 'Macao'],
];

/**
 * Cities by province. `name:Pinyin` adds an English name; a leading `!` marks a name that is also
 * an everyday word or a street/hospital name elsewhere (中山路, 来宾, 白银), so it only counts with
 * 市/州 after it. Pinyin shared by two cities (Taizhou, Suzhou) is given to the larger one or left out.
 */
const CITIES: Record<string, string> = {
  北京: '海淀 朝阳区 丰台 通州 顺义 昌平 亦庄 中关村',
  天津: '滨海新区',
  上海: '浦东:Pudong 闵行 徐汇 嘉定 松江 青浦 奉贤 宝山 虹桥',
  重庆: '两江新区 渝北 万州',
  河北: '石家庄:Shijiazhuang 唐山:Tangshan 秦皇岛:Qinhuangdao 邯郸:Handan 邢台:Xingtai 保定:Baoding 张家口:Zhangjiakou 承德:Chengde 沧州:Cangzhou 廊坊:Langfang 衡水:Hengshui 雄安:Xiongan',
  山西: '太原:Taiyuan 大同:Datong 阳泉 长治:Changzhi 晋城 朔州 晋中 运城 忻州 临汾 吕梁',
  内蒙古: '呼和浩特:Hohhot 包头:Baotou 乌海 赤峰:Chifeng 通辽 鄂尔多斯:Ordos 呼伦贝尔 巴彦淖尔 乌兰察布',
  辽宁: '沈阳:Shenyang 大连:Dalian 鞍山:Anshan 抚顺 本溪 丹东:Dandong 锦州 营口 阜新 辽阳 盘锦 铁岭 !朝阳 葫芦岛',
  吉林: '长春:Changchun !吉林 四平 辽源 通化 白山 松原 白城 延边',
  黑龙江: '哈尔滨:Harbin 齐齐哈尔:Qiqihar 鸡西 鹤岗 双鸭山 大庆:Daqing 伊春 佳木斯 七台河 牡丹江 黑河 绥化',
  江苏: '南京:Nanjing 无锡:Wuxi 徐州:Xuzhou 常州:Changzhou 苏州:Suzhou 南通:Nantong 连云港:Lianyungang 淮安 盐城:Yancheng 扬州:Yangzhou 镇江:Zhenjiang 泰州 宿迁 昆山:Kunshan 江阴 张家港',
  浙江: '杭州:Hangzhou 宁波:Ningbo 温州:Wenzhou 嘉兴:Jiaxing 湖州:Huzhou 绍兴:Shaoxing 金华:Jinhua 衢州 舟山 台州 丽水 义乌:Yiwu',
  安徽: '合肥:Hefei 芜湖:Wuhu 蚌埠:Bengbu 淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城',
  福建: '福州:Fuzhou 厦门:Xiamen:Amoy 莆田 三明 泉州:Quanzhou 漳州 南平 龙岩 宁德',
  江西: '南昌:Nanchang 景德镇 萍乡 九江:Jiujiang 新余 鹰潭 赣州:Ganzhou 吉安 宜春 抚州 上饶',
  山东: '济南:Jinan 青岛:Qingdao 淄博:Zibo 枣庄 东营 烟台:Yantai 潍坊:Weifang 济宁 泰安 威海:Weihai 日照 临沂:Linyi 德州 聊城 滨州 菏泽',
  河南: '郑州:Zhengzhou 开封:Kaifeng 洛阳:Luoyang 平顶山 安阳 鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡 南阳 商丘 信阳 周口 驻马店',
  湖北: '武汉:Wuhan 黄石 十堰 宜昌:Yichang 襄阳:Xiangyang 鄂州 荆门 孝感 荆州 黄冈 咸宁 随州 恩施',
  湖南: '长沙:Changsha 株洲:Zhuzhou 湘潭 衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 永州 怀化 娄底',
  广东: '广州:Guangzhou:Canton 深圳:Shenzhen 珠海:Zhuhai 汕头:Shantou 佛山:Foshan 韶关 湛江 肇庆 江门 茂名 惠州:Huizhou 梅州 汕尾 河源 阳江 清远 东莞:Dongguan !中山 潮州 揭阳 云浮 前海 南山区',
  广西: '南宁:Nanning 柳州:Liuzhou 桂林:Guilin 梧州 北海 防城港 钦州 贵港 玉林 百色 贺州 河池 !来宾 崇左',
  海南: '海口:Haikou 三亚:Sanya 儋州',
  四川: '成都:Chengdu 自贡 攀枝花 泸州 德阳 绵阳:Mianyang 广元 遂宁 内江 乐山 南充 眉山 宜宾 广安 达州 雅安 巴中 资阳',
  贵州: '贵阳:Guiyang 六盘水 遵义:Zunyi 安顺 毕节 铜仁',
  云南: '昆明:Kunming 曲靖 玉溪 保山 昭通 丽江:Lijiang !普洱 临沧 !大理 西双版纳',
  西藏: '拉萨:Lhasa 日喀则',
  陕西: "西安:Xi'an:Xian 铜川 宝鸡 咸阳:Xianyang 渭南 延安 汉中 榆林 !安康 商洛",
  甘肃: '兰州:Lanzhou 嘉峪关 金昌 !白银 天水 武威 张掖 平凉 酒泉 庆阳 定西 陇南',
  青海: '西宁:Xining 海东',
  宁夏: '银川:Yinchuan 石嘴山 吴忠 固原 !中卫',
  新疆: '乌鲁木齐:Urumqi 克拉玛依 吐鲁番 哈密 喀什 伊犁 昌吉 库尔勒',
};

interface Pattern {
  re: RegExp;
  place: Place;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Regex for a name: CJK as a substring, Latin on word boundaries (so "Anhui" never matches inside a word). */
export function nameRegex(name: string, strict = false): RegExp {
  if (/^[\x00-\x7f’]+$/.test(name)) {
    const body = escapeRe(name).replace(/'/g, "['’]?").replace(/ /g, '\\s*');
    return new RegExp(`(?<![A-Za-z])${body}(?![A-Za-z])`, 'i');
  }
  return new RegExp(strict ? `${escapeRe(name)}(?=[市州])` : escapeRe(name));
}

let patterns: Pattern[] | null = null;
const byName = new Map<string, Place>();

function allPatterns(): Pattern[] {
  if (patterns) return patterns;
  const out: Pattern[] = [];
  const add = (alias: string, place: Place, strict = false) => {
    out.push({ re: nameRegex(alias, strict), place });
    if (!strict) byName.set(alias.toLowerCase(), place);
  };
  for (const [zh, ...en] of PROVINCES) {
    const p: Place = { name: zh, province: zh, type: 'province' };
    add(zh, p);
    for (const e of en) add(e, p);
  }
  for (const [province, list] of Object.entries(CITIES)) {
    for (const entry of list.split(' ')) {
      const strict = entry.startsWith('!');
      const [zh, ...en] = entry.replace(/^!/, '').split(':') as [string, ...string[]];
      // Districts like 朝阳区 keep their suffix in the pattern but not in the canonical name.
      const name = zh.replace(/区$/, '');
      const place: Place = { name, province, type: 'city' };
      add(zh, place, strict);
      if (strict) byName.set(zh.toLowerCase(), place);
      for (const e of en) add(e, place);
    }
  }
  // Longer names first, so 内蒙古 wins over 蒙古 and 张家口 over 张家.
  out.sort((a, b) => b.re.source.length - a.re.source.length);
  patterns = out;
  return out;
}

export interface FoundPlace extends Place {
  /** Where in the text it was found. */
  index: number;
  /** The text as matched. */
  matched: string;
}

/** Every known place named in `text`, in the order they appear (a longer name wins where two overlap). */
export function findPlaces(text: string | null | undefined): FoundPlace[] {
  if (typeof text !== 'string' || text.trim() === '') return [];
  const s = text.normalize('NFKC');
  const hits: FoundPlace[] = [];
  const taken: [number, number][] = [];
  for (const { re, place } of allPatterns()) {
    const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
    for (const m of s.matchAll(g)) {
      const start = m.index ?? 0;
      const end = start + m[0].length;
      if (taken.some(([a, b]) => start < b && end > a)) continue;
      taken.push([start, end]);
      hits.push({ ...place, index: start, matched: m[0] });
    }
  }
  return hits.sort((a, b) => a.index - b.index);
}

/**
 * The place a single name stands for (`深圳`, `Shenzhen`, `广东省`, `深圳市`), or null. With
 * `exact: false` the first place named anywhere in the text is taken (`深圳市南山区` → 深圳).
 */
export function placeByName(name: string, opts: { exact?: boolean } = {}): Place | null {
  allPatterns();
  const n = name.normalize('NFKC').trim().toLowerCase();
  const direct = byName.get(n) ?? byName.get(n.replace(/(省|市|特别行政区|壮族自治区|回族自治区|维吾尔自治区|自治区)$/, ''));
  if (direct || opts.exact) return direct ?? null;
  return findPlaces(name)[0] ?? null;
}
