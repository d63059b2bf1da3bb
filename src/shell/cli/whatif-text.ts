import type { RiskReport } from '../../core/margin/risk-report.ts';
import { riskReportText } from './report-text.ts';

export function whatIfText(
  outcome: { account: string; verdict: string; after: RiskReport },
  color = false,
): string {
  return `What-if for ${outcome.account}: ${outcome.verdict}\n\n${riskReportText(outcome.after, color)}`;
}
