import { money, percent } from '../../sales/format.js';
import type { AttainmentAlertPayload } from '../../sales/targets/payloads.js';
import type { StoredAlert } from '../../store/outbox.js';
import { BAND_COLORS } from '../heatmap.js';
import { fill } from '../i18n.js';
import { contributorsText, forecastText, gapText } from './attainment.js';
import type { Section } from './types.js';

const p = (a: StoredAlert): AttainmentAlertPayload => a.payload as unknown as AttainmentAlertPayload;

/** A unit that turned red, or whose forecast fell below its target: ahead of the weekly table. */
export const attainmentAlertSection: Section = {
  topic: 'attainment-alert',
  order: 11,
  title: (ctx) => ctx.t['attainment_alert.title'] ?? 'Attainment alerts',
  view(alerts, ctx) {
    return {
      items: alerts.map((a) => {
        const pl = p(a);
        const u = pl.unit;
        return {
          red: pl.kind === 'red',
          text:
            pl.kind === 'red'
              ? fill(ctx.t['attainment_alert.red'] ?? '{unit} turned red: {ratio} of its target to {asOf} ({actual} of {target}, {gap})', { unit: u.name, ratio: percent(u.ratio), asOf: pl.asOf, actual: money(u.actual, ctx.locale), target: money(u.target, ctx.locale), gap: gapText(u.gap, ctx) })
              : fill(ctx.t['attainment_alert.forecast'] ?? '{unit}: {forecast}', { unit: u.name, forecast: forecastText(u, ctx) ?? '' }),
          contributors: contributorsText(u, ctx),
          color: BAND_COLORS[pl.kind === 'red' ? 'red' : 'yellow'].text,
          explain: pl.explain,
        };
      }),
    };
  },
  headline(alerts, ctx) {
    const red = alerts.filter((a) => p(a).kind === 'red').map((a) => p(a).unit.name);
    const fc = alerts.filter((a) => p(a).kind === 'forecast').map((a) => p(a).unit.name);
    const sep = ctx.locale === 'zh-CN' ? '、' : ', ';
    if (red.length) return { text: fill(ctx.t['attainment_alert.headline_red'] ?? '{units} turned red', { units: red.slice(0, 3).join(sep) }), weight: 60 + red.length };
    if (fc.length) return { text: fill(ctx.t['attainment_alert.headline_forecast'] ?? 'Forecast below target: {units}', { units: fc.slice(0, 3).join(sep) }), weight: 45 + fc.length };
    return null;
  },
  weight: (a) => (p(a).kind === 'red' ? 2 : 1),
};
