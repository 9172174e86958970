/** The library API: the pure, stable parts others can build on. */
export { parsePrice, type ParsedPrice, type ParsePriceOptions } from './parse/price.js';
export { extractProduct, extractJsonLdProducts, type ExtractedProduct, type Availability } from './extract/product.js';
export { parseMoney, parseChineseNumeral, type Money } from './parse/money.js';
export { parseDate, formatInZone, type DateParseOptions } from './parse/date.js';
export { parseSalary, type Salary, type SalaryPeriod } from './parse/salary.js';
export { extractJobPostings, type JobPostingData } from './extract/jobposting.js';
export { decodeBody, type DecodedBody } from './fetch/charset.js';
export { decodingProblem } from './fetch/garbled.js';
export { parseAvailability, type StockState } from './parse/availability.js';
export { annualize } from './parse/salary.js';
export { resolveRegion, canonicalCity, type RegionMap, type RegionMatch } from './rules/regions.js';
export { matchTender, tenderDedupeKey, containsKeyword, type TenderFacts, type TenderMatch, type TenderRules } from './rules/tender-rules.js';
export { detectSpike, isoWeek, roleCategory, type Spike, type JobRules } from './rules/job-signals.js';
export type { KindPlugin } from './kinds/types.js';
