/**
 * parsePrice: turn the text of a price element into an amount and an ISO 4217 currency.
 *
 *   parsePrice('￥ 2,599 起')            → { amount: 2599, currency: 'CNY', from: true }
 *   parsePrice('原价¥1599 现价¥1299')     → { amount: 1299, currency: 'CNY' }
 *   parsePrice('1.234,56 €')             → { amount: 1234.56, currency: 'EUR' }
 *   parsePrice('19,99', { defaultCurrency: 'EUR' }) → { amount: 19.99, currency: 'EUR' }
 *   parsePrice('面议')                    → { amount: null, currency: null }
 *   parsePrice('1 299', { currencyHint: 'руб.' })   → { amount: 1299, currency: 'RUB' }
 *   parsePrice('KD 1.250')               → { amount: 1.25, currency: 'KWD' }   (3-decimal dinar)
 *
 * Every answer also carries `raw`, the text it was given. The amount is exactly what the text says:
 * never rounded (`$0.0099` is 0.0099), and 万/k multipliers are applied in decimal, not in floats.
 *
 * Pure and total: it never throws, whatever it is given.
 *
 * Shape: normalise → tokenise (currency, number, unit, label, range, "from", "no price") →
 * build candidates (a number with its units, currency and label) → pick one.
 *
 * Heuristics for the ambiguous cases (see `toNumber` and `choose`):
 *  - `1,299` and `129.900` are thousands (one separator + exactly 3 digits): nobody prices in
 *    thousandths, except the dinars with three decimals (KWD, BHD, OMR, JOD, TND: `KD 1.250` is
 *    1.25), amounts below one (`0.299`) and amounts with a multiplier (`1.234万`).
 *    `opts.decimalSeparator` overrides all of this.
 *  - `19,99`, `12.5`, `2.4999`: any other count of digits after a lone separator is decimal.
 *  - Two separators (`1.234,56`, `1,234.56`): the last one is the decimal mark.
 *  - A space after the decimal mark (`$119. 95`, `1.837, 32 €`: cents in their own element) joins
 *    when two digits follow and the text names a currency.
 *  - Spaces group thousands (`6 300 Р`, `450 000 ₫`, `40 130`) except in CJK-currency texts, where
 *    `599 399` stays two prices.
 *  - `Free` / `免费` / `Gratis` with no number at all is 0 (`Free shipping` is not a price).
 *  - Labelled prices: 到手价/券后 > 现价/促销价/Now/Sale > 售价/价格/Price > unlabelled > 原价/Was/RRP.
 *    Discounts, coupons, thresholds, shipping and instalments (省/立减/满/运费/月供/Save/off) never count.
 *  - Unlabelled prices in a row (`¥1,599 ¥1,299`): the lower one, since a struck-through price is
 *    always the higher one, whichever side the page prints it on.
 *  - Ranges (`¥99 - ¥199`, `99-199元`): the lower bound, with `from: true`.
 *  - Bare numbers only count when no number carries a currency; then `opts.currencyHint` (the
 *    currency text the page shows beside the amount: `руб.`, `€`, `US$`, `元`), then
 *    `opts.defaultCurrency`.
 *  - `¥` is CNY unless the default is JPY; `$` is USD unless the default is another dollar.
 */

export interface ParsedPrice {
  /** Exactly as written (never rounded), with 万/亿/k multipliers applied; null = no price. */
  amount: number | null;
  /** ISO 4217 code when known. */
  currency: string | null;
  /** The amount is a lower bound: `起`, `from`, `低至`, or the low end of a range. */
  from?: boolean;
  /** The text as given (absent when the input was not a string). */
  raw?: string;
}

export interface ParsePriceOptions {
  /** ISO 4217 code used for bare numbers and to settle ambiguous symbols (`¥`, `$`, `kr`). */
  defaultCurrency?: string;
  /**
   * The currency text a page shows next to the amount (`руб.`, `€`, `US$`, `元`, `KWD`): the
   * currency of a bare amount, and a say in how it is written (`KD` → three decimals).
   * Wins over `defaultCurrency`; a currency written in the text itself wins over both.
   */
  currencyHint?: string;
  /** `.` or `,`: the decimal mark, when the caller knows it better than the guess. */
  decimalSeparator?: '.' | ',';
}

const NONE: ParsedPrice = Object.freeze({ amount: null, currency: null }) as ParsedPrice;

/** Price fields are short; a whole page pasted in by mistake should not cost seconds. */
const MAX_INPUT = 5000;

// ---------------------------------------------------------------------------------------------
// Lexicon
// ---------------------------------------------------------------------------------------------

/** Where a currency token sits relative to its number; decides which number it binds to. */
type Side = 'prefix' | 'suffix' | 'both';

interface CurrencyDef {
  /** Primary ISO code. */
  code: string;
  /** Other currencies sharing the symbol; the default currency wins if it is one of them. */
  family?: readonly string[];
  side: Side;
}

const YEN = ['CNY', 'JPY'] as const;
const DOLLARS = ['USD', 'AUD', 'CAD', 'HKD', 'TWD', 'SGD', 'NZD', 'MXN', 'ARS', 'CLP', 'COP', 'UYU'] as const;
const KRONA = ['SEK', 'NOK', 'DKK', 'ISK'] as const;
const RUPEE = ['INR', 'PKR', 'LKR', 'NPR'] as const;
/** 元 is also the unit of the New Taiwan and Hong Kong dollars. */
const YUAN = ['CNY', 'TWD', 'HKD'] as const;
const DINAR = ['RSD', 'MKD'] as const;

const cur = (code: string, side: Side, family?: readonly string[]): CurrencyDef =>
  family ? { code, side, family } : { code, side };

const CURRENCIES: Record<string, CurrencyDef> = {
  $: cur('USD', 'prefix', DOLLARS),
  US$: cur('USD', 'prefix'),
  USD$: cur('USD', 'prefix'),
  HK$: cur('HKD', 'prefix'),
  NT$: cur('TWD', 'prefix'),
  A$: cur('AUD', 'prefix'),
  AU$: cur('AUD', 'prefix'),
  C$: cur('CAD', 'prefix'),
  CA$: cur('CAD', 'prefix'),
  S$: cur('SGD', 'prefix'),
  SG$: cur('SGD', 'prefix'),
  NZ$: cur('NZD', 'prefix'),
  R$: cur('BRL', 'prefix'),
  MX$: cur('MXN', 'prefix'),
  $U: cur('UYU', 'prefix'),
  'S/': cur('PEN', 'prefix'),
  'S/.': cur('PEN', 'prefix'),
  '¥': cur('CNY', 'both', YEN), // ￥ and ¥ both arrive here after NFKC
  '€': cur('EUR', 'both'),
  '£': cur('GBP', 'both'),
  'E£': cur('EGP', 'prefix'),
  '₩': cur('KRW', 'both'),
  '₹': cur('INR', 'both'),
  '₨': cur('PKR', 'both', RUPEE),
  '₽': cur('RUB', 'both'),
  '₺': cur('TRY', 'both'),
  '₫': cur('VND', 'both'),
  '฿': cur('THB', 'both'),
  '₱': cur('PHP', 'prefix'),
  '₴': cur('UAH', 'both'),
  '₸': cur('KZT', 'both'),
  '₪': cur('ILS', 'both'),
  '₦': cur('NGN', 'both'),
  '₲': cur('PYG', 'both'),
  '₡': cur('CRC', 'both'),
  '₭': cur('LAK', 'both'),
  '₮': cur('MNT', 'both'),
  '₾': cur('GEL', 'both'),
  '֏': cur('AMD', 'both'),
  '₼': cur('AZN', 'both'),
  '৳': cur('BDT', 'both'),
  'Rs.': cur('INR', 'prefix', RUPEE),
  Rs: cur('INR', 'prefix', RUPEE),
  'Rp.': cur('IDR', 'prefix'),
  Rp: cur('IDR', 'prefix'),
  RM: cur('MYR', 'prefix'),
  R: cur('ZAR', 'prefix'),
  Q: cur('GTQ', 'prefix'),
  'Fr.': cur('CHF', 'prefix'),
  'SFr.': cur('CHF', 'prefix'),
  zł: cur('PLN', 'suffix'),
  Kč: cur('CZK', 'suffix'),
  Ft: cur('HUF', 'both'),
  TL: cur('TRY', 'both'),
  lei: cur('RON', 'both'),
  Lei: cur('RON', 'both'),
  kn: cur('HRK', 'suffix'),
  KM: cur('BAM', 'both'),
  DH: cur('MAD', 'both'),
  Dhs: cur('AED', 'both'),
  DT: cur('TND', 'both'),
  DA: cur('DZD', 'suffix'),
  KD: cur('KWD', 'both'),
  'K.D.': cur('KWD', 'both'),
  BD: cur('BHD', 'both'),
  JD: cur('JOD', 'both'),
  SR: cur('SAR', 'both'),
  QR: cur('QAR', 'both'),
  Tk: cur('BDT', 'both'),
  KSh: cur('KES', 'both'),
  Ksh: cur('KES', 'both'),
  'Gs.': cur('PYG', 'prefix'),
  Gs: cur('PYG', 'prefix'),
  'F CFA': cur('XOF', 'suffix'),
  FCFA: cur('XOF', 'suffix'),
  CFA: cur('XOF', 'suffix'),
  'din.': cur('RSD', 'both', DINAR),
  din: cur('RSD', 'both', DINAR),
  đ: cur('VND', 'suffix'),
  VNĐ: cur('VND', 'both'),
  VNđ: cur('VND', 'both'),
  kr: cur('SEK', 'both', KRONA),
  'kr.': cur('DKK', 'both', KRONA),
  Kr: cur('SEK', 'both', KRONA),
  rmb: cur('CNY', 'both'),
  // Cyrillic. `Р` (capital Er) is how Russian shops draw the rouble where ₽ is missing from the font.
  Р: cur('RUB', 'suffix'),
  'р.': cur('RUB', 'suffix'),
  руб: cur('RUB', 'both'),
  'руб.': cur('RUB', 'both'),
  рублей: cur('RUB', 'suffix'),
  грн: cur('UAH', 'both'),
  'грн.': cur('UAH', 'both'),
  лв: cur('BGN', 'both'),
  'лв.': cur('BGN', 'both'),
  тг: cur('KZT', 'suffix'),
  сум: cur('UZS', 'suffix'),
  'soʻm': cur('UZS', 'suffix'),
  сом: cur('KGS', 'suffix'),
  'дин.': cur('RSD', 'both', DINAR),
  дин: cur('RSD', 'both', DINAR),
  'ден.': cur('MKD', 'both'),
  ден: cur('MKD', 'both'),
  // Arabic-script dinars and riyals.
  'د.ك': cur('KWD', 'both'),
  'د.ب': cur('BHD', 'both'),
  'ر.ع.': cur('OMR', 'both'),
  'ر.ع': cur('OMR', 'both'),
  'د.أ': cur('JOD', 'both'),
  'د.ت': cur('TND', 'both'),
  'ر.س': cur('SAR', 'both'),
  'د.إ': cur('AED', 'both'),
  'ر.ق': cur('QAR', 'both'),
  บาท: cur('THB', 'suffix'),
  // Chinese words. 元/块/円 are written after the number, never before it.
  元: cur('CNY', 'suffix', YUAN),
  圆: cur('CNY', 'suffix', YUAN),
  块: cur('CNY', 'suffix'),
  块钱: cur('CNY', 'suffix'),
  円: cur('JPY', 'suffix'),
  원: cur('KRW', 'suffix'),
  人民币: cur('CNY', 'both'),
  美元: cur('USD', 'both'),
  美金: cur('USD', 'both'),
  港币: cur('HKD', 'both'),
  港元: cur('HKD', 'both'),
  港幣: cur('HKD', 'both'),
  新台币: cur('TWD', 'both'),
  新台幣: cur('TWD', 'both'),
  台币: cur('TWD', 'both'),
  台幣: cur('TWD', 'both'),
  日元: cur('JPY', 'both'),
  日圆: cur('JPY', 'both'),
  欧元: cur('EUR', 'both'),
  英镑: cur('GBP', 'both'),
  韩元: cur('KRW', 'both'),
  澳元: cur('AUD', 'both'),
  加元: cur('CAD', 'both'),
};

/**
 * ISO codes written as words (`RMB 899`, `JPY 1,200`, `899 USD`): every code the runtime knows, the
 * pre-euro ones old catalogues still show, and aliases. Upper case only (`TRY` vs "try"); codes
 * that are everyday English words in capitals (ALL, TOP, CUP ...) are left out.
 */
const WORD_CODES = new Set(['ALL', 'TOP', 'CUP', 'MOP', 'BOB', 'SOS', 'ANG']);
const CODE_ALIASES: Record<string, string> = { RMB: 'CNY', NTD: 'TWD', YTL: 'TRY', RUR: 'RUB' };
for (const code of [
  ...(typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('currency') : []),
  ...'CNY USD EUR GBP JPY KRW HKD TWD SGD AUD CAD NZD CHF INR BRL PLN CZK SEK NOK DKK RUB UAH TRY MXN THB VND IDR MYR PHP ZAR AED SAR ILS HUF RON'.split(' '),
  // Pre-euro and retired codes, still on old catalogues and price lists.
  ...'PTE DEM FRF ITL ESP ATS BEF NLG FIM IEP GRD LUF HRK LTL LVL EEK SKK SIT CYP MTL'.split(' '),
  ...Object.keys(CODE_ALIASES),
]) {
  if (!WORD_CODES.has(code)) CURRENCIES[code] ??= cur(CODE_ALIASES[code] ?? code, 'both');
}

/** Three-decimal currencies (ISO 4217 minor unit 3): `KD 1.250` is 1.25. */
const THREE_DECIMALS = new Set(['KWD', 'BHD', 'OMR', 'JOD', 'TND', 'LYD', 'IQD']);
/** Of those, the ones whose locales write the decimal mark as a comma (`45,900 DT`). */
const THREE_DECIMALS_COMMA = new Set(['TND']);
/** Currencies whose texts never group thousands with spaces: there `599 399` is two prices. */
const NO_SPACE_GROUPING = new Set(['CNY', 'JPY', 'KRW', 'TWD', 'HKD']);

/**
 * Label ranks: how much a label says "this is what you pay now".
 * 3 = final price after everything, 2 = current/sale price, 1 = plain "price",
 * -1 = old/list price, -2 = not a price at all (discount, coupon, threshold, shipping, instalment).
 */
const LABELS: Record<string, number> = {
  到手价: 3, 到手: 3, 券后价: 3, 券后: 3, 折后价: 3, 折后: 3, 实付: 3, 实付款: 3, 预估到手价: 3,
  现价: 2, 促销价: 2, 活动价: 2, 秒杀价: 2, 特价: 2, 特惠价: 2, 优惠价: 2, 抢购价: 2, 团购价: 2,
  拼团价: 2, 限时价: 2, 折扣价: 2, 会员价: 2, 闪购价: 2, 现售价: 2, 現價: 2,
  售价: 1, 價格: 1, 售價: 1, 价格: 1, 京东价: 1, 当当价: 1, 天猫价: 1, 淘宝价: 1, 本店价: 1,
  商城价: 1, 单价: 1, 报价: 1,
  原价: -1, 原價: -1, 原售价: -1, 划线价: -1, 市场价: -1, 參考價: -1, 参考价: -1, 指导价: -1,
  官方指导价: -1, 厂商指导价: -1, 建议零售价: -1, 建议售价: -1, 门市价: -1, 专柜价: -1,
  吊牌价: -1, 定价: -1, 日常价: -1, 市場價: -1,
  省: -2, 立省: -2, 立减: -2, 直降: -2, 减: -2, 优惠: -2, 返: -2, 返现: -2, 满: -2, 每满: -2,
  券: -2, 领券: -2, 优惠券: -2, 运费: -2, 邮费: -2, 月供: -2, 定金: -2, 订金: -2,
  // English, matched case-insensitively on word boundaries.
  now: 2, 'now only': 2, sale: 2, 'sale price': 2, 'special price': 2, 'our price': 2,
  'offer price': 2, 'deal price': 2, 'your price': 1, price: 1,
  was: -1, rrp: -1, msrp: -1, 'list price': -1, list: -1, 'regular price': -1, 'reg.': -1,
  reg: -1, regular: -1, 'orig.': -1, 'original price': -1, originally: -1, 'compare at': -1, 'retail price': -1,
  uvp: -1, statt: -1, 'current price': 2, 'current price is': 2, 'original price was': -1,
  save: -2, 'you save': -2, shipping: -2, deposit: -2,
  // Other languages: old price, then what you pay now.
  vorher: -1, 'alter preis': -1, jetzt: 2, nur: 2, 'unser preis': 2, preis: 1, // de
  'prix normal': -1, 'prix barré': -1, 'au lieu de': -1, 'ancien prix': -1, 'prix soldé': 2, 'prix promo': 2, prix: 1, // fr
  'precio anterior': -1, antes: -1, 'precio actual': 2, ahora: 2, oferta: 2, 'precio oferta': 2, precio: 1, // es
  de: -1, por: 2, 'preço antigo': -1, preço: 1, // pt
  'prezzo di listino': -1, 'prezzo pieno': -1, 'prezzo scontato': 2, prezzo: 1, // it
  'van': -1, 'voor': 2, 'adviesprijs': -1, prijs: 1, // nl
  normalpris: -1, 'ord. pris': -1, ordinarie: -1, pris: 1, // sv, da, nb
  'eski fiyat': -1, 'indirimli fiyat': 2, fiyat: 1, // tr
  'cena regularna': -1, 'cena promocyjna': 2, 'běžná cena': -1, cena: 1, // pl, cs
  было: -1, 'старая цена': -1, стало: 2, 'новая цена': 2, цена: 1, // ru
  'стара ціна': -1, ціна: 1, // uk
  'původní cena': -1, 'stará cena': -1, 'běžně': -1, // cs
  'eredeti ár': -1, 'régi ár': -1, ár: 1, // hu
  'giá cũ': -1, 'giá gốc': -1, 'giá niêm yết': -1, giá: 1, // vi
  'poprzednia cena': -1, 'najniższa cena z 30 dni': -1, // pl
  'tidigare pris': -1, 'ordinarie pris': -1, // sv
  通常価格: -1, 参考価格: -1, メーカー希望小売価格: -1, 価格: 1, 販売価格: 1, 特価: 2, // ja
  정가: -1, 판매가: 1, 할인가: 2, // ko
  // Instalments, tax-free variants and per-unit prices are not the price.
  cuotas: -2, 'cuotas de': -2, parcelas: -2, 'parcelas de': -2, 'meses sin intereses': -2, installments: -2,
  'payments of': -2, 'interest-free payments of': -2, 'ex tax': -2, 'ex. tax': -2, 'excl. tax': -2, 'ex vat': -2,
  'excl. vat': -2, 'excl vat': -2, 'bez dph': -2, 'cena bez dph': -2, 'ohne mwst': -2, 'zzgl. mwst': -2, 'netto': -2,
  'price per': -2, 'unit price': -2, grundpreis: -2, 'prix au kg': -2, 'prix unitaire': -2,
  // Counts beside a price: stock, sales, reviews.
  库存: -2, 庫存: -2, 销量: -2, 月销量: -2, 月销: -2, 已售: -2, 评价: -2, 累计评价: -2, 在庫: -2, 재고: -2,
  qty: -2, quantity: -2, reviews: -2, ratings: -2,
};

/** Labels written after the number they describe (`$5 off`). */
const POST_LABELS: Record<string, number> = { off: -2 };

/**
 * "From" markers. `post` applies to the number before it (`¥99起`), `pre` to the one after
 * (`低至¥99`, `from £5`), `any` to whichever it is attached to.
 */
const FROM: Record<string, 'pre' | 'post' | 'any'> = {
  起: 'post', 起价: 'any', 起售价: 'any', 低至: 'pre', 最低: 'pre', 最低价: 'pre',
  from: 'pre', 'starting at': 'pre', 'starts at': 'pre', 'starting from': 'pre', 'as low as': 'pre',
  ab: 'pre', 'à partir de': 'pre', 'a partir de': 'pre', desde: 'pre', dès: 'pre', 'a partire da': 'pre',
  vanaf: 'pre', od: 'pre', от: 'pre', від: 'pre', från: 'pre', fra: 'pre', alkaen: 'pre',
};

/** Words that contain 起 or 千 but are neither "from" nor a multiplier: ignore them whole. */
const NOISE_WORDS = ['起售', '起订', '起批', '起送', '起购', '起拍', '千克', '千瓦', '千米', '千卡', '万能'];

/** Between two numbers these make a range: `¥99 - ¥199`, `99~199元`, `$10 to $20`. */
const RANGE = ['-', '–', '—', '~', '〜', '至', '到', 'to', 'bis'];

/** Say there is no price. With no currency-marked number present, the answer is null. */
const NO_PRICE = [
  '面议', '议价', '询价', '请询价', '来电询价', '暂无报价', '暂无价格', '暂无', '价格待定', '待定',
  '电询', '来电咨询', '咨询客服', '缺货', '无货', '暂时缺货', '售罄', '已售罄', '已售完', '已下架',
  '下架', '停产', '停售', '敬请期待', '電詢', '缺貨',
  'call for price', 'price on request', 'on request', 'poa', 'n/a', 'tbd', 'tba', 'sold out',
  'out of stock', 'unavailable', 'contact us', 'enquire', 'inquire',
  'auf anfrage', 'preis auf anfrage', 'ausverkauft', 'sur demande', 'prix sur demande', 'épuisé', 'rupture de stock',
  'agotado', 'consultar precio', 'esgotado', 'sob consulta', 'esaurito', 'su richiesta', 'по запросу', 'цена по запросу',
  'нет в наличии', 'под заказ', 'tükendi', 'stokta yok',
];

/** A price of nothing, when no number is written at all: `Free`, `免费`, `Gratis`. */
const FREE = /(?:^|[^\p{L}])(?:free|gratis|gratuit|gratuite|gratuito|grátis|kostenlos|umsonst|бесплатно|безкоштовно|ücretsiz|darmowe?|zdarma|ingyenes|miễn phí)(?![\p{L}])|免费|免費|無料|무료/iu;
/** ... unless it is the shipping that is free (`Free shipping`, `免费配送`). */
const FREE_NOT_PRICE = /shipping|delivery|returns|ship|versand|lieferung|livraison|envío|envio|frete|spedizione|verzending|frakt|доставк|kargo|dostawa|doprava|配送|包邮|运费|送货|送料|配送料|trial|download/iu;

/** Multipliers written after a number. CJK ones must touch the number (万家乐 is a brand). */
const UNITS: Record<string, number> = { 万: 1e4, 萬: 1e4, 亿: 1e8, 億: 1e8, 千: 1e3, 百万: 1e6, 千万: 1e7 };

type Entry =
  | { kind: 'cur'; def: CurrencyDef }
  | { kind: 'label'; rank: number; post: boolean }
  | { kind: 'from'; side: 'pre' | 'post' | 'any' }
  | { kind: 'unit'; mult: number }
  | { kind: 'range' }
  | { kind: 'noprice' }
  | { kind: 'noise' };

interface LexEntry {
  text: string;
  /** Compared lower-cased: English words. */
  fold: boolean;
  entry: Entry;
}

const LEXICON: LexEntry[] = (() => {
  const out: LexEntry[] = [];
  // Words in alphabets with case (Latin, Cyrillic) are matched case-insensitively.
  const isWord = (t: string) => /^[\p{L} .\/]+$/u.test(t) && /[\p{Lu}\p{Ll}]/u.test(t) && t.toLowerCase() !== t.toUpperCase();
  const add = (text: string, entry: Entry, fold = false) => out.push({ text: fold ? text.toLowerCase() : text, fold, entry });
  for (const [t, def] of Object.entries(CURRENCIES)) add(t, { kind: 'cur', def });
  for (const [t, rank] of Object.entries(LABELS)) add(t, { kind: 'label', rank, post: false }, isWord(t));
  for (const [t, rank] of Object.entries(POST_LABELS)) add(t, { kind: 'label', rank, post: true }, true);
  for (const [t, side] of Object.entries(FROM)) add(t, { kind: 'from', side }, isWord(t));
  for (const t of NOISE_WORDS) add(t, { kind: 'noise' });
  for (const t of RANGE) add(t, { kind: 'range' }, isWord(t));
  for (const t of NO_PRICE) add(t, { kind: 'noprice' }, isWord(t));
  for (const [t, mult] of Object.entries(UNITS)) add(t, { kind: 'unit', mult });
  // Longest first, so 原售价 beats 售价, 到手价 beats 到, US$ beats $.
  return out.sort((a, b) => b.text.length - a.text.length);
})();

// ---------------------------------------------------------------------------------------------
// Tokenizer
// ---------------------------------------------------------------------------------------------

type Token =
  | { t: 'num'; raw: string }
  | { t: 'cur'; def: CurrencyDef }
  | { t: 'unit'; mult: number; cjk: boolean }
  | { t: 'label'; rank: number; post: boolean }
  | { t: 'from'; side: 'pre' | 'post' | 'any' }
  | { t: 'range' }
  | { t: 'noprice' }
  | { t: 'glue' } // whitespace and colons: never separate a number from its currency
  | { t: 'other' };

const isAsciiLetter = (c: string | undefined) => c !== undefined && /[A-Za-z]/.test(c);
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
/** A letter of a script that separates words with spaces: lexicon words must not touch one. */
const isWordLetter = (c: string | undefined) =>
  c !== undefined && /\p{L}/u.test(c) && !/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u.test(c);

const DIGITS = /\d+(?:[.,'’]\d+)*/y;
/** `.75 €`, `$.75`: a number that starts at its decimal point. */
const LEADING_POINT = /\.\d+/y;
const SPACE_GROUP = / \d{3}(?!\d)(?:[.,'’]\d+)*/y;
/** `$119. 95`, `1.837, 32 €`: the cents in an element of their own, joined by a space. */
const SPACED_DECIMAL = /[.,] \d{2}(?![\d.,])/y;
/** A Latin word with its digits and joiners (`KFR-35GW`, `iPhone15`, `v1.2`): never a price. */
const WORD = /[A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)*/y;

/**
 * The lexicon entries that can start with a given character, longest first. Scanning all ~250
 * entries at every character was most of a price's parsing time (profiled on a 24,000-item crawl).
 */
const BY_FIRST = new Map<string, LexEntry[]>();
function entriesStartingWith(c: string): LexEntry[] {
  let list = BY_FIRST.get(c);
  if (!list) {
    const lower = c.toLowerCase();
    list = LEXICON.filter((e) => e.text[0] === (e.fold ? lower : c));
    // Characters seen once in odd input need no entry of their own.
    if (list.length || BY_FIRST.size < 4096) BY_FIRST.set(c, list);
  }
  return list;
}

function matchLexicon(s: string, i: number): LexEntry | undefined {
  for (const e of entriesStartingWith(s[i]!)) {
    const piece = s.slice(i, i + e.text.length);
    if ((e.fold ? piece.toLowerCase() : piece) !== e.text) continue;
    // Latin entries must stand alone: "was" is not inside "wasabi", "RM" is not inside "RMX".
    // Currency codes may touch digits (`RMB899`); words may not (`AB123` is a model, not "ab 123").
    const after = s[i + e.text.length];
    if (isWordLetter(e.text[0]) && isWordLetter(s[i - 1])) continue;
    if (isWordLetter(e.text[e.text.length - 1]) && (isWordLetter(after) || (e.fold && isDigit(after)))) continue;
    return e;
  }
  return undefined;
}

function toToken(e: Entry): Token {
  switch (e.kind) {
    case 'cur': return { t: 'cur', def: e.def };
    case 'label': return { t: 'label', rank: e.rank, post: e.post };
    case 'from': return { t: 'from', side: e.side };
    case 'unit': return { t: 'unit', mult: e.mult, cjk: true };
    case 'range': return { t: 'range' };
    case 'noprice': return { t: 'noprice' };
    case 'noise': return { t: 'other' };
  }
}

interface NumberStyle {
  /** `1 234` may be one number (false in CJK-currency texts, where `599 399` is two prices). */
  spaceGrouping: boolean;
  /** `$119. 95` may be one number (only where the text or the caller names a currency). */
  spacedDecimal: boolean;
}

function tokenize(s: string, style: NumberStyle): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === ' ' || c === ':') {
      if (out[out.length - 1]?.t !== 'glue') out.push({ t: 'glue' });
      i++;
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(s[i + 1]) && !isDigit(s[i - 1]))) {
      i = readNumber(s, i, style, out);
      continue;
    }
    const lex = matchLexicon(s, i);
    if (lex) {
      out.push(toToken(lex.entry));
      i += lex.text.length;
      continue;
    }
    if (isAsciiLetter(c)) {
      WORD.lastIndex = i;
      WORD.exec(s);
      i = WORD.lastIndex;
      out.push({ t: 'other' });
      continue;
    }
    out.push({ t: 'other' });
    i += c.length;
  }
  return out;
}

/** Reads a number at `i` (with any k/M suffix), pushes its tokens, returns the next index. */
function readNumber(s: string, i: number, style: NumberStyle, out: Token[]): number {
  const re = s[i] === '.' ? LEADING_POINT : DIGITS;
  re.lastIndex = i;
  let raw = re.exec(s)![0];
  let j = i + raw.length;
  // `1 234 567,89`, `6 300`: join space-separated thousands, but only from a 1–3 digit head.
  if (style.spaceGrouping && /^\d{1,3}$/.test(raw)) {
    for (;;) {
      SPACE_GROUP.lastIndex = j;
      const m = SPACE_GROUP.exec(s);
      if (!m) break;
      raw += m[0];
      j += m[0].length;
    }
  }
  if (style.spacedDecimal && !raw.startsWith('.')) {
    SPACED_DECIMAL.lastIndex = j;
    if (SPACED_DECIMAL.test(s)) {
      raw += s[j] + s.slice(j + 2, j + 4);
      j += 4;
    }
  }
  // `1.299,-`, `12.–` and Swedish `1 299:-`: a dash for "no cents".
  if ((s[j] === ',' || s[j] === '.') && /[-–—]/.test(s[j + 1] ?? '')) {
    raw += s[j] + '00';
    j += 2;
  } else if (s[j] === ':' && /[-–—]/.test(s[j + 1] ?? '')) {
    j += 2;
  }
  const next = s[j];
  // `5k`, `$1.2M`: Latin multipliers, only when not the start of a word (`5kg`, `2Mbps`).
  if ((next === 'k' || next === 'K' || next === 'M') && !isAsciiLetter(s[j + 1])) {
    out.push({ t: 'num', raw }, { t: 'unit', mult: next === 'M' ? 1e6 : 1e3, cjk: false });
    return j + 1;
  }
  // `50%`, `8.5折`, `256GB`, `35GW`: a number that is part of something else.
  if (next === '%' || next === '折' || next === '°') {
    out.push({ t: 'other' });
    return j + 1;
  }
  if (isAsciiLetter(next)) {
    const lex = matchLexicon(s, j);
    if (!lex || lex.entry.kind !== 'cur') {
      WORD.lastIndex = j;
      WORD.exec(s);
      out.push({ t: 'other' });
      return WORD.lastIndex;
    }
  }
  out.push({ t: 'num', raw });
  return j;
}

// ---------------------------------------------------------------------------------------------
// Candidates
// ---------------------------------------------------------------------------------------------

interface Candidate {
  /** Token index of the number. */
  num: number;
  /** First and last token index it spans (prefix currency … units, suffix currency). */
  first: number;
  last: number;
  raw: string;
  mult: number;
  /** A 万/亿 multiplier implies a Chinese-style amount even without a currency word. */
  cjkUnit: boolean;
  def: CurrencyDef | null;
  rank: number;
  from: boolean;
}

function skipGlue(tokens: Token[], i: number, step: 1 | -1): number {
  while (tokens[i]?.t === 'glue') i += step;
  return i;
}

function buildCandidates(tokens: Token[]): Candidate[] {
  const cands: Candidate[] = [];
  tokens.forEach((tok, n) => {
    if (tok.t !== 'num') return;
    const c: Candidate = { num: n, first: n, last: n, raw: tok.raw, mult: 1, cjkUnit: false, def: null, rank: 0, from: false };
    // Units must touch the number.
    for (let k = n + 1, u = tokens[k]; u?.t === 'unit'; u = tokens[++k]) {
      c.mult *= u.mult;
      c.cjkUnit ||= u.cjk;
      c.last = k;
    }
    cands.push(c);
  });

  // Currencies. First every prefix (`¥ 1,299`, `€ 9,99`): a symbol in front of a number is read as
  // its own, so in `满299减50 ¥1299` the ¥ goes with 1299, not with 50. Suffix-only words (元, zł)
  // never bind forwards.
  const owner = new Map<number, Candidate>();
  for (const c of cands) {
    const p = skipGlue(tokens, c.num - 1, -1);
    const pt = tokens[p];
    if (pt?.t === 'cur' && pt.def.side !== 'suffix') {
      owner.set(p, c);
      c.def = pt.def;
      c.first = p;
    }
  }
  // Then suffixes for numbers still without one: `1299元`, `1.234,56 €`.
  const suffixOf = (c: Candidate): number | null => {
    const q = skipGlue(tokens, c.last + 1, 1);
    const qt = tokens[q];
    return qt?.t === 'cur' && qt.def.side !== 'prefix' ? q : null;
  };
  for (const c of cands) {
    if (c.def) continue;
    const q = suffixOf(c);
    if (q === null) continue;
    const rival = owner.get(q);
    if (rival) {
      // `9,99 € 12,99 €`: the € after 9,99 was taken as 12,99's prefix, but 12,99 has its own
      // € behind it. Then each symbol goes with the number before it.
      const r = suffixOf(rival);
      const rt = r === null ? undefined : tokens[r];
      if (r === null || owner.has(r) || rt?.t !== 'cur' || rt.def.code !== rival.def?.code) continue;
      owner.set(r, rival);
      rival.first = rival.num;
      rival.last = r;
    }
    owner.set(q, c);
    c.def = (tokens[q] as Extract<Token, { t: 'cur' }>).def;
    c.last = q;
  }

  // Labels and "from" markers between two numbers belong to one of them.
  cands.forEach((c, idx) => {
    const prevEnd = idx > 0 ? cands[idx - 1]!.last : -1;
    const nextStart = idx + 1 < cands.length ? cands[idx + 1]!.first : tokens.length;
    for (let i = prevEnd + 1; i < c.first; i++) {
      const t = tokens[i]!;
      if (t.t === 'label' && !t.post) c.rank = t.rank; // the nearest label wins
      if (t.t === 'from' && (t.side === 'pre' || (t.side === 'any' && !attachedAfter(tokens, i, prevEnd)))) c.from = true;
    }
    for (let i = c.last + 1; i < nextStart; i++) {
      const t = tokens[i]!;
      if (t.t === 'label' && t.post) c.rank = t.rank;
      if (t.t === 'from' && (t.side === 'post' || (t.side === 'any' && attachedAfter(tokens, i, c.last)))) c.from = true;
    }
  });
  return cands;
}

/** True when only glue separates token `i` from token `end` before it. */
function attachedAfter(tokens: Token[], i: number, end: number): boolean {
  return end >= 0 && skipGlue(tokens, i - 1, -1) === end;
}

/** Only glue between a and b (in token order). */
function adjacent(tokens: Token[], a: Candidate, b: Candidate): boolean {
  return skipGlue(tokens, a.last + 1, 1) === b.first;
}

/** `A - B` with one range token and glue between them. */
function isRange(tokens: Token[], a: Candidate, b: Candidate): boolean {
  const r = skipGlue(tokens, a.last + 1, 1);
  return tokens[r]?.t === 'range' && skipGlue(tokens, r + 1, 1) === b.first;
}

// ---------------------------------------------------------------------------------------------
// Numbers and currencies
// ---------------------------------------------------------------------------------------------

function resolveCurrency(def: CurrencyDef | null, fallback: string | null): string | null {
  if (!def) return fallback;
  if (fallback && def.family?.includes(fallback)) return fallback;
  return def.code;
}

/**
 * Reads `1,234.56`, `1.234,56`, `1 234,56`, `1'234.50`, `1,23,456`, `19,99`, `1,299`, `129.900`,
 * `.75` into a plain decimal string (`1234.56`), exactly as written: no float arithmetic, so no
 * rounding. `currency`, `hasUnit` and `given` settle the one ambiguous shape, `d.ddd` / `d,ddd`.
 */
function toDecimal(raw: string, currency: string | null, hasUnit: boolean, given: '.' | ',' | null): string | null {
  const grouped = /[ '’]/.test(raw);
  const digits = raw.replace(/[ '’]/g, '');
  let decimal: '.' | ',' | null = null;
  if (given) {
    // The caller knows: its mark is decimal where it appears once, the other one groups.
    decimal = digits.split(given).length === 2 ? given : null;
  } else {
    const lastDot = digits.lastIndexOf('.');
    const lastComma = digits.lastIndexOf(',');
    if (lastDot >= 0 && lastComma >= 0) {
      decimal = lastDot > lastComma ? '.' : ','; // the last separator is the decimal mark
    } else if (lastDot >= 0 || lastComma >= 0) {
      const sep = lastDot >= 0 ? '.' : ',';
      const count = digits.split(sep).length - 1;
      const after = digits.length - digits.lastIndexOf(sep) - 1;
      const head = digits.slice(0, digits.indexOf(sep));
      if (count > 1) decimal = null; // 1.234.567, 1,23,456 (Indian lakh grouping)
      else if (grouped) decimal = sep; // 1 234,56 / 1'234.50: the other mark is already grouping
      else if (after !== 3) decimal = sep; // 19,99 · 12.5 · 2.4999
      else if (/^0*$/.test(head) || hasUnit) decimal = sep; // 0.299 · .750 · 1.234万
      else if (currency && THREE_DECIMALS.has(currency)) {
        decimal = sep === '.' || THREE_DECIMALS_COMMA.has(currency) ? sep : null; // KD 1.250 · 45,900 DT
      } else decimal = null; // 1,299 · 129.900: nobody prices in thousandths
    }
  }
  let normal = digits;
  if (decimal === null) normal = normal.replace(/[.,]/g, '');
  else {
    const at = normal.lastIndexOf(decimal);
    normal = normal.slice(0, at).replace(/[.,]/g, '') + '.' + normal.slice(at + 1);
  }
  if (normal.startsWith('.')) normal = '0' + normal;
  return /^\d+(?:\.\d+)?$/.test(normal) ? normal : null;
}

/** `12.5` × 10⁴ → `125000`, by moving the point: 1.1 × 10⁴ is 11000, not 11000.000000000002. */
function scaleDecimal(normal: string, mult: number): number {
  if (mult === 1) return Number(normal);
  const k = Math.round(Math.log10(mult));
  if (10 ** k !== mult) return Number(normal) * mult;
  const [int = '0', frac = ''] = normal.split('.');
  const padded = frac.padEnd(k, '0');
  return Number(`${int}${padded.slice(0, k)}.${padded.slice(k) || '0'}`);
}

// ---------------------------------------------------------------------------------------------
// parsePrice
// ---------------------------------------------------------------------------------------------

function normalise(text: string): string {
  return (
    text
      .slice(0, MAX_INPUT)
      // NFKC folds full-width digits and symbols (１２９９, ￥, ＄, ～), NBSP and thin spaces.
      // ₨ would fold to `Rs` (read as INR); the sign itself is Pakistan's, Sri Lanka's and Nepal's.
      .replace(/₨/g, ' PKR ')
      .normalize('NFKC')
      // Bidi marks (`\u200f1,234.56 \u200f₪`) and zero-width characters are nothing; odd spaces are spaces.
      .replace(/[\u200c-\u200f\u061c\u202a-\u202e\u2066-\u2069]/g, '')
      .replace(/[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+/g, ' ')
      .trim()
  );
}

/** Texts priced in currencies that never group thousands with spaces. */
const CJK_CURRENCY = /[¥元円₩원块圆]|人民币|RMB|CNY|JPY|KRW|港币|港幣|台币|台幣/;
/** A currency sign or ISO code anywhere in the text (the lexicon finds the rest). */
const NAMES_CURRENCY = /[$€£¥₩₹₽₺₫฿₱₴₸₪₦₲₡₭₮₾֏₼৳₨]|\b[A-Z]{3}\b/;

/** The ISO code behind the currency text a page shows (`руб.` → RUB, `US$` → USD, `kr` + NOK → NOK). */
function currencyOfHint(hint: unknown, defaultCurrency: string | null): string | null {
  if (typeof hint !== 'string') return null;
  const h = normalise(hint).slice(0, 40);
  if (h === '') return null;
  const upper = h.toUpperCase();
  if (/^[A-Z]{3}$/.test(upper) && CURRENCIES[upper]) return CURRENCIES[upper]!.code;
  for (const t of tokenize(h, { spaceGrouping: false, spacedDecimal: false })) {
    if (t.t === 'cur') return resolveCurrency(t.def, defaultCurrency);
  }
  return null;
}

export function parsePrice(text: string | null | undefined, opts?: ParsePriceOptions): ParsedPrice {
  // Belt and braces: the contract is "never throws", and a scraper run must not die on one field.
  try {
    const { label: _label, ...out } = parse(text, opts);
    return out;
  } catch {
    return { ...NONE };
  }
}

/**
 * What the label before the chosen amount says: 2 = the price now (sale, 现价, Now), 1 = a plain
 * "price", 0 = no label, -1 = an old or list price (Was, RRP, 原价, statt). For readers that weigh
 * several price elements of one page against each other.
 */
export type PriceLabel = -1 | 0 | 1 | 2 | 3;

/** parsePrice plus the label of the amount it chose. */
export function readPrice(text: string | null | undefined, opts?: ParsePriceOptions): ParsedPrice & { label: PriceLabel } {
  try {
    return parse(text, opts);
  } catch {
    return { ...NONE, label: 0 };
  }
}

function parse(text: unknown, opts: unknown): ParsedPrice & { label: PriceLabel } {
  if (typeof text !== 'string') return { ...NONE, label: 0 };
  const o = (typeof opts === 'object' && opts !== null ? opts : {}) as Partial<Record<keyof ParsePriceOptions, unknown>>;
  const code = (v: unknown) => (typeof v === 'string' && /^[a-z]{3}$/i.test(v.trim()) ? v.trim().toUpperCase() : null);
  const defaultCurrency = code(o.defaultCurrency);
  // The page's own currency text beats the target's default.
  const fallback = currencyOfHint(o.currencyHint, defaultCurrency) ?? defaultCurrency;
  const given = o.decimalSeparator === '.' || o.decimalSeparator === ',' ? o.decimalSeparator : null;
  const raw = text.slice(0, MAX_INPUT);
  const none = (): ParsedPrice & { label: PriceLabel } => ({ amount: null, currency: null, raw, label: 0 });

  const s = normalise(text);
  if (!/\d/.test(s)) {
    // `Free`, `免费`, `Gratis`: nothing to pay (unless it is the shipping that is free).
    if (FREE.test(s) && !FREE_NOT_PRICE.test(s)) return { amount: 0, currency: fallback, raw, label: 0 };
    return none();
  }

  const style: NumberStyle = {
    spaceGrouping: !CJK_CURRENCY.test(s) && !(fallback !== null && NO_SPACE_GROUPING.has(fallback)),
    spacedDecimal: fallback !== null || NAMES_CURRENCY.test(s),
  };
  const tokens = tokenize(s, style);
  if (!style.spacedDecimal && tokens.some((t) => t.t === 'cur')) {
    // A currency word only the lexicon knows (`Ft`, `руб.`): read again, allowing `118, 99 TL`.
    style.spacedDecimal = true;
    tokens.splice(0, tokens.length, ...tokenize(s, style));
  }
  const cands = buildCandidates(tokens);
  const value = (c: Candidate): number | null => {
    const cur = resolveCurrency(c.def, fallback);
    const n = toDecimal(c.raw, cur, c.mult !== 1, given);
    return n === null ? null : scaleDecimal(n, c.mult);
  };

  // Ranges collapse into their lower bound. `1-2万元`: the unit and currency of the high end apply
  // to the low end too. A "range" that goes down (`2024-05`) is not one.
  const merged: Candidate[] = [];
  for (let i = 0; i < cands.length; i++) {
    const a = cands[i]!;
    const b = cands[i + 1];
    if (b && isRange(tokens, a, b)) {
      const lo: Candidate = { ...a, def: a.def ?? b.def, last: b.last, from: true };
      if (a.mult === 1 && b.cjkUnit) {
        lo.mult = b.mult;
        lo.cjkUnit = true;
      }
      const va = value(lo);
      const vb = value(b);
      if (va !== null && vb !== null && va <= vb) {
        merged.push(lo);
        i++;
        continue;
      }
    }
    merged.push(a);
  }

  const prices = merged.filter((c) => c.rank > -2);
  // A number that carries a currency (or 万/亿) beats any bare number: model numbers, quantities, dates.
  const marked = prices.filter((c) => c.def !== null || c.cjkUnit);
  if (marked.length === 0 && tokens.some((t) => t.t === 'noprice')) return none();
  // Every amount with a currency is a discount, an instalment or a tax line (`12 cuotas de $ 7.500`):
  // the bare numbers left are counts, not the price.
  if (marked.length === 0 && merged.some((c) => c.def !== null || c.cjkUnit)) return none();
  const pool = marked.length > 0 ? marked : prices;
  const chosen = choose(tokens, pool, value);
  if (!chosen) return none();

  const amount = value(chosen);
  if (amount === null || amount < 0 || !Number.isFinite(amount)) return none();
  let currency = resolveCurrency(chosen.def, fallback);
  // 12.5万 with no currency word: a Chinese amount.
  if (currency === null && chosen.cjkUnit) currency = 'CNY';
  const label = Math.max(-1, Math.min(3, chosen.rank)) as PriceLabel;
  return chosen.from ? { amount, currency, from: true, raw, label } : { amount, currency, raw, label };
}

/**
 * Picks the price being charged now. The best label wins (first of equals); without labels, a run
 * of prices printed side by side is an old/new pair, and the lower one is the current price.
 */
function choose(tokens: Token[], pool: Candidate[], value: (c: Candidate) => number | null): Candidate | undefined {
  if (pool.length === 0) return undefined;
  const best = Math.max(...pool.map((c) => c.rank));
  if (best > 0) return pool.find((c) => c.rank === best);
  // Unlabelled ones first; a lone 原价 is still better than nothing.
  const current = pool.filter((c) => c.rank === 0);
  const from = current.length > 0 ? current : pool;
  const run: Candidate[] = [from[0]!];
  for (let i = 1; i < from.length && adjacent(tokens, from[i - 1]!, from[i]!); i++) run.push(from[i]!);
  let pick = run[0]!;
  let pickValue = value(pick) ?? Infinity;
  for (const c of run.slice(1)) {
    const v = value(c) ?? Infinity;
    if (v < pickValue) {
      pick = c;
      pickValue = v;
    }
  }
  return pick;
}
