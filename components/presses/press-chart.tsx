import type { PressDayStat } from '@/lib/presses/types';
import { formatDayKey, formatDuration, plural } from '@/components/ui/format';

export type PressChartProps = {
  days: PressDayStat[];
  /** Median over the whole window (not the median of the daily medians). */
  medianMsToTicket: number | null;
};

const W = 720;
const H = 200;
const PAD = { left: 36, right: 56, top: 12, bottom: 28 };
const plotW = W - PAD.left - PAD.right;
const plotH = H - PAD.top - PAD.bottom;

/** Builds the median line, broken on days without a ticket. */
function medianPath(days: PressDayStat[], x: (i: number) => number, y: (ms: number) => number): string {
  let path = '';
  let drawing = false;
  days.forEach((d, i) => {
    if (d.medianMsToTicket === null) {
      drawing = false;
      return;
    }
    path += `${drawing ? 'L' : 'M'}${x(i).toFixed(1)},${y(d.medianMsToTicket).toFixed(1)} `;
    drawing = true;
  });
  return path.trim();
}

/** Presses per day (bars, left axis) and median press-to-ticket time (line, right axis). */
export function PressChart({ days, medianMsToTicket }: PressChartProps) {
  const total = days.reduce((n, d) => n + d.presses, 0);
  const maxPresses = Math.max(1, ...days.map((d) => d.presses));
  const maxMedian = Math.max(1, ...days.map((d) => d.medianMsToTicket ?? 0));
  const slot = plotW / Math.max(1, days.length);
  const x = (i: number) => PAD.left + slot * i + slot / 2;
  const barHeight = (n: number) => (n / maxPresses) * plotH;
  const yMedian = (ms: number) => PAD.top + plotH - (ms / maxMedian) * plotH;
  const first = days[0] ? formatDayKey(days[0].date) : '';
  const last = days.length ? formatDayKey(days[days.length - 1]!.date) : '';
  const summary = `${plural(total, 'press', 'presses')} from ${first} to ${last}; median time to ticket ${formatDuration(medianMsToTicket)}.`;
  const hasMedians = days.some((d) => d.medianMsToTicket !== null);

  // Empty axes would be labelled with made-up scales ("1", "1 ms"): say what is there instead.
  if (total === 0) {
    return (
      <p className="m-0 text-sm text-slate-500" data-testid="press-chart-empty">
        No presses in the last {plural(days.length, 'day')}, so there is nothing to chart yet.
      </p>
    );
  }

  return (
    <figure className="m-0" data-testid="press-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="press-chart-title press-chart-desc" className="h-auto w-full">
        <title id="press-chart-title">{`Presses per day and median time to ticket, last ${days.length} days`}</title>
        <desc id="press-chart-desc">{summary}</desc>
        <line x1={PAD.left} x2={W - PAD.right} y1={PAD.top + plotH} y2={PAD.top + plotH} className="stroke-slate-300" />
        <text x={PAD.left - 6} y={PAD.top + 8} textAnchor="end" className="fill-slate-500 text-[10px]">
          {maxPresses}
        </text>
        <text x={PAD.left - 6} y={PAD.top + plotH} textAnchor="end" className="fill-slate-500 text-[10px]">
          0
        </text>
        {hasMedians ? (
          <text x={W - PAD.right + 6} y={PAD.top + 8} className="fill-sky-700 text-[10px]">
            {formatDuration(maxMedian)}
          </text>
        ) : null}
        {days.map((d, i) => {
          const h = barHeight(d.presses);
          return (
            <rect
              key={d.date}
              x={x(i) - slot * 0.35}
              y={PAD.top + plotH - h}
              width={slot * 0.7}
              height={h}
              rx={1.5}
              className="fill-bell-500/70"
              data-date={d.date}
              data-presses={d.presses}
            >
              <title>{`${formatDayKey(d.date)}: ${plural(d.presses, 'press', 'presses')}, median to ticket ${formatDuration(d.medianMsToTicket)}`}</title>
            </rect>
          );
        })}
        <path d={medianPath(days, x, yMedian)} fill="none" className="stroke-sky-600" strokeWidth={2} />
        {days.map((d, i) =>
          d.medianMsToTicket === null ? null : (
            <circle key={d.date} cx={x(i)} cy={yMedian(d.medianMsToTicket)} r={2.5} className="fill-sky-600" />
          ),
        )}
        {[0, Math.floor((days.length - 1) / 2), days.length - 1]
          .filter((i, n, all) => i >= 0 && all.indexOf(i) === n)
          .map((i) => (
            <text key={i} x={x(i)} y={H - 8} textAnchor="middle" className="fill-slate-500 text-[10px]">
              {days[i] ? formatDayKey(days[i].date, false) : ''}
            </text>
          ))}
      </svg>
      <figcaption className="mt-1 flex flex-wrap gap-4 text-xs text-slate-600">
        <span>
          <span aria-hidden="true" className="mr-1 inline-block h-2.5 w-2.5 rounded-sm bg-bell-500/70" />
          Presses per day
        </span>
        <span>
          <span aria-hidden="true" className="mr-1 inline-block h-0.5 w-4 bg-sky-600 align-middle" />
          Median time to ticket
        </span>
        <span className="ml-auto" data-testid="press-chart-summary">
          {summary}
        </span>
      </figcaption>
    </figure>
  );
}
