import type { HistoryEntry, Weeks } from './api/client';
import { formatDate, formatDateTime, hours, levelNames, levels, words } from './format';

/** The levels of care over time: one row per level, a bar for each stay at it. */
export function LevelTimeline({ history, until }: { history: readonly HistoryEntry[]; until: string }) {
  if (history.length === 0) return <p class="empty">No level of care recorded yet.</p>;
  const first = history[0];
  if (!first) return null;
  const start = new Date(first.at).getTime();
  const end = Math.max(new Date(until).getTime(), start + 86_400_000);
  const stays = history.map((entry, i) => ({
    level: entry.to,
    from: new Date(entry.at).getTime(),
    to: new Date(history[i + 1]?.at ?? until).getTime(),
    entry,
  }));
  const used = levels.filter((l) => stays.some((s) => s.level === l));
  const width = 640;
  const labelWidth = 96;
  const row = 26;
  const x = (t: number) => labelWidth + ((t - start) / (end - start)) * (width - labelWidth - 8);
  return (
    <figure class="timeline">
      <svg
        viewBox={`0 0 ${width} ${used.length * row + 22}`}
        role="img"
        aria-labelledby="timeline-caption"
        preserveAspectRatio="xMinYMin meet"
      >
        {used.map((level, i) => (
          <g key={level}>
            <text x={0} y={i * row + 17} class="axis">
              {levelNames[level]}
            </text>
            <line x1={labelWidth} x2={width - 8} y1={i * row + 13} y2={i * row + 13} class="grid" />
          </g>
        ))}
        {stays.map((stay, i) => (
          <rect
            key={i}
            class={`stay level-${stay.level}`}
            x={x(stay.from)}
            y={used.indexOf(stay.level) * row + 4}
            width={Math.max(3, x(stay.to) - x(stay.from))}
            height={18}
          />
        ))}
        <text x={labelWidth} y={used.length * row + 16} class="axis">
          {formatDate(first.at)}
        </text>
        <text x={width - 8} y={used.length * row + 16} class="axis" text-anchor="end">
          {formatDate(until)}
        </text>
      </svg>
      <figcaption id="timeline-caption">
        Levels of care over time: {stays.map((s) => levelNames[s.level]).join(' → ')}
      </figcaption>
      <ol class="history">
        {history.map((entry, i) => (
          <li key={i}>
            <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>:{' '}
            {entry.from ? `${levelNames[entry.from]} → ` : 'admitted to '}
            <strong>{levelNames[entry.to]}</strong> ({words(entry.reasonCode)}, by{' '}
            {'staffId' in entry.actor ? entry.actor.staffId : words(entry.rule)})
          </li>
        ))}
      </ol>
    </figure>
  );
}

type Week = Weeks['weeks'][number];

/** Attended hours per week against the week's target and floor. */
export function HoursChart({ weeks }: { weeks: readonly Week[] }) {
  if (weeks.length === 0) return <p class="empty">No weeks yet: hours appear once the first week starts.</p>;
  const width = 640;
  const height = 160;
  const top = Math.max(1, ...weeks.flatMap((w) => [w.attendedHours, w.targetHours ?? 0, w.floorHours ?? 0]));
  // A few weeks keep a bar's width readable rather than filling the chart.
  const slot = Math.min(90, (width - 40) / weeks.length);
  const y = (h: number) => height - 20 - (h / top) * (height - 30);
  return (
    <figure class="hours">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby="hours-caption">
        {weeks.map((week, i) => {
          const x0 = 40 + i * slot;
          const below = week.flags.includes('below-floor');
          return (
            <g key={week.start}>
              <rect
                class={below ? 'bar below' : 'bar'}
                x={x0 + slot * 0.2}
                y={y(week.attendedHours)}
                width={slot * 0.6}
                height={Math.max(0, height - 20 - y(week.attendedHours))}
              />
              {week.targetHours !== null && (
                <line
                  class="target"
                  x1={x0 + 4}
                  x2={x0 + slot - 4}
                  y1={y(week.targetHours)}
                  y2={y(week.targetHours)}
                />
              )}
              {week.floorHours !== null && (
                <line
                  class="floor"
                  x1={x0 + 4}
                  x2={x0 + slot - 4}
                  y1={y(week.floorHours)}
                  y2={y(week.floorHours)}
                />
              )}
              <text class="axis" x={x0 + slot / 2} y={height - 4} text-anchor="middle">
                {week.localStart.slice(5, 10)}
              </text>
            </g>
          );
        })}
        <text class="axis" x={0} y={y(top) + 4}>
          {hours(top)}
        </text>
      </svg>
      <figcaption id="hours-caption">
        Hours attended per week (bars) against target (solid line) and floor (dashed line)
      </figcaption>
      <table class="weeks">
        <caption class="visually-hidden">Hours per week</caption>
        <thead>
          <tr>
            <th scope="col">Week from</th>
            <th scope="col">Level</th>
            <th scope="col">Attended</th>
            <th scope="col">Target</th>
            <th scope="col">Floor</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {weeks.map((week) => (
            <tr key={week.start}>
              <th scope="row">{week.localStart.slice(0, 10)}</th>
              <td>{levelNames[week.level]}</td>
              <td>
                {hours(week.attendedHours)} ({week.attendedSessions} session
                {week.attendedSessions === 1 ? '' : 's'})
              </td>
              <td>{hours(week.targetHours)}</td>
              <td>{hours(week.floorHours)}</td>
              <td>
                {week.status === 'current' ? 'this week' : words(week.status)}
                {week.flags.length > 0 && ` (${week.flags.map(words).join(', ')})`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
