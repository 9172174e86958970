import type { Section } from './types.js';
import { priceSection } from './price.js';
import { scraperSection } from './scraper.js';
import { mailSection } from './mail.js';
import { tenderSection } from './tender.js';
import { jobSection } from './job.js';
import { comparisonSection } from './comparison.js';
import { priceTableSection } from './pricetable.js';
import { attritionSection } from './attrition.js';
import { coachingSection } from './coaching.js';
import { teamSection } from './team.js';
import { cardSection } from './card.js';
import { mentionSection } from './mention.js';
import { stockSection } from './stock.js';
import { suspectSection } from './suspect.js';
import { suggestionSection } from './suggestion.js';
import { attainmentSection } from './attainment.js';
import { attainmentAlertSection } from './attainment-alert.js';
import { followupSection } from './followup.js';
import { followupSummarySection } from './followup-summary.js';
import { scorecardSection, scorecardTeamSection } from './scorecard.js';

const sections = new Map<string, Section>();

/** A new digest section is one file (plus its templates) and one line here. */
export function registerSection(s: Section): void {
  sections.set(s.topic, s);
}

export function getSection(topic: string): Section | undefined {
  return sections.get(topic);
}

registerSection(priceSection);
registerSection(scraperSection);
registerSection(mailSection);
registerSection(tenderSection);
registerSection(jobSection);
registerSection(comparisonSection);
registerSection(priceTableSection);
registerSection(attritionSection);
registerSection(coachingSection);
registerSection(teamSection);
registerSection(cardSection);
registerSection(mentionSection);
registerSection(stockSection);
registerSection(suspectSection);
registerSection(suggestionSection);
registerSection(attainmentSection);
registerSection(attainmentAlertSection);
registerSection(followupSection);
registerSection(followupSummarySection);
registerSection(scorecardSection);
registerSection(scorecardTeamSection);
