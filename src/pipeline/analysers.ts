import type { Analyser } from '../contracts/analyser.js';
import { comparisonAnalyser } from '../compare/analyser.js';
import { mentionsAnalyser } from '../mentions/analyser.js';

export type { Analyser, AnalyserContext } from '../contracts/analyser.js';

/** The analysers a run calls after all targets ran: one line each (the contract: src/contracts/analyser.ts). */

export const analysers: Analyser[] = [comparisonAnalyser, mentionsAnalyser];
