import { useState } from 'preact/hooks';
import { api, ok, takesQuery, type CaseloadEntry } from '../api/client';
import { daysSince, hours, levelNames, levels, words } from '../format';
import { usePolled } from '../hooks';
import { hrefOf } from '../router';
import { Alert } from '../alert';

/** Fields the caseload contract adds to each entry; older API builds leave them out. */
type Entry = CaseloadEntry & {
  daysAtLevel?: number;
  week?: { hours: number; target: number | null; floor: number | null; belowFloor: boolean } | null;
  pendingApprovals?: number;
};

const columns = [
  { key: 'clientId', label: 'Client' },
  { key: 'programId', label: 'Program' },
  { key: 'level', label: 'Level' },
  { key: 'status', label: 'Status' },
  { key: 'riskLevel', label: 'Risk' },
  { key: 'daysAtLevel', label: 'Days at level' },
  { key: 'week', label: 'This week' },
  { key: 'pendingApprovals', label: 'Pending approvals' },
] as const;
type SortKey = (typeof columns)[number]['key'];

const riskOrder = { low: 0, medium: 1, high: 2 } as const;
const sortValue = (entry: Entry, key: SortKey): string | number => {
  switch (key) {
    case 'daysAtLevel':
      return entry.daysAtLevel ?? daysSince(entry.levelSince);
    case 'week':
      return entry.week?.hours ?? -1;
    case 'pendingApprovals':
      return entry.pendingApprovals ?? 0;
    case 'riskLevel':
      return riskOrder[entry.riskLevel];
    case 'level':
      return levels.indexOf(entry.level);
    case 'clientId':
    case 'programId':
    case 'status':
      return entry[key];
    default: {
      const unknown: never = key;
      throw new Error(`unknown column ${String(unknown)}`);
    }
  }
};

interface Filters {
  level: string;
  program: string;
  risk: string;
  status: string;
  awaitingApproval: boolean;
  belowFloor: boolean;
}
const noFilters: Filters = {
  level: '',
  program: '',
  risk: '',
  status: 'active',
  awaitingApproval: false,
  belowFloor: false,
};

/**
 * Columns the API can order the whole caseload by (its `sort` values); the others are ordered
 * within the page. More days at the level is an earlier `levelSince`.
 */
const serverSortOf: Partial<Record<SortKey, { sort: string; inverted: boolean }>> = {
  clientId: { sort: 'clientId', inverted: false },
  riskLevel: { sort: 'risk', inverted: false },
  daysAtLevel: { sort: 'levelSince', inverted: true },
};
const flip = { asc: 'desc', desc: 'asc' } as const;

const pageSize = 25;
const listOperation = 'get /v1/clients';

export function Caseload() {
  const [filters, setFilters] = useState<Filters>(noFilters);
  const [sort, setSort] = useState<{ key: SortKey; order: 'asc' | 'desc' }>({
    key: 'clientId',
    order: 'asc',
  });
  // Cursors of the pages before this one, and this page's: Back pops, Next pushes.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const serverSort = takesQuery(listOperation, 'sort') ? serverSortOf[sort.key] : undefined;
  const serverSorts = serverSort !== undefined;

  const programs = usePolled(() => ok(api.GET('/v1/programs')), 'programs', false);
  const query: Record<string, string | number> = { pageSize };
  if (filters.level) query.level = filters.level;
  if (filters.program) query.program = filters.program;
  if (filters.risk) query.risk = filters.risk;
  if (filters.status) query.status = filters.status;
  if (filters.awaitingApproval) query.awaitingApproval = 'true';
  if (filters.belowFloor) query.belowFloor = 'true';
  if (serverSort) {
    query.sort = serverSort.sort;
    query.order = serverSort.inverted ? flip[sort.order] : sort.order;
  }
  if (cursor) query.cursor = cursor;
  const page = usePolled(
    () => ok(api.GET('/v1/clients', { params: { query: query } })),
    JSON.stringify(query),
  );

  const entries = (page.data?.clients ?? []) as Entry[];
  const shown = serverSorts
    ? entries
    : [...entries].sort((a, b) => {
        const [x, y] = [sortValue(a, sort.key), sortValue(b, sort.key)];
        const order = x < y ? -1 : x > y ? 1 : 0;
        return sort.order === 'asc' ? order : -order;
      });
  const hasWeek = entries.some((e) => e.week !== undefined);
  const hasApprovals = entries.some((e) => e.pendingApprovals !== undefined);
  const visibleColumns = columns.filter(
    (c) => (c.key !== 'week' || hasWeek) && (c.key !== 'pendingApprovals' || hasApprovals),
  );

  const update = (change: Partial<Filters>) => {
    setFilters({ ...filters, ...change });
    setCursors([undefined]);
  };

  return (
    <section>
      <h1>Caseload</h1>
      <form class="filters" aria-label="Filter the caseload" onSubmit={(e) => e.preventDefault()}>
        <label>
          Level
          <select value={filters.level} onChange={(e) => update({ level: e.currentTarget.value })}>
            <option value="">Any level</option>
            {levels.map((l) => (
              <option key={l} value={l}>
                {levelNames[l]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Program
          <select value={filters.program} onChange={(e) => update({ program: e.currentTarget.value })}>
            <option value="">Any program</option>
            {programs.data?.programs.map((p) => (
              <option key={p.programId} value={p.programId}>
                {p.programId}
              </option>
            ))}
          </select>
        </label>
        <label>
          Risk
          <select value={filters.risk} onChange={(e) => update({ risk: e.currentTarget.value })}>
            <option value="">Any risk</option>
            <option value="low">Low</option>
            <option value="medium">Medium</option>
            <option value="high">High</option>
          </select>
        </label>
        <label>
          Status
          <select value={filters.status} onChange={(e) => update({ status: e.currentTarget.value })}>
            <option value="">Any status</option>
            <option value="active">Active</option>
            <option value="discharged">Discharged</option>
          </select>
        </label>
        {takesQuery(listOperation, 'awaitingApproval') && (
          <label class="check">
            <input
              type="checkbox"
              checked={filters.awaitingApproval}
              onChange={(e) => update({ awaitingApproval: e.currentTarget.checked })}
            />
            Awaiting approval
          </label>
        )}
        {takesQuery(listOperation, 'belowFloor') && (
          <label class="check">
            <input
              type="checkbox"
              checked={filters.belowFloor}
              onChange={(e) => update({ belowFloor: e.currentTarget.checked })}
            />
            Below floor this week
          </label>
        )}
        <button type="button" class="secondary" onClick={() => update(noFilters)}>
          Clear filters
        </button>
      </form>

      <Alert message={page.error} />
      {!page.data && !page.error && <p class="loading">Loading the caseload…</p>}
      {page.data && shown.length === 0 && (
        <p class="empty">
          No clients match these filters. <a href={hrefOf.admit()}>Admit a client</a> or clear the filters.
        </p>
      )}
      {shown.length > 0 && (
        <table class="caseload">
          <caption>
            {shown.length} client{shown.length === 1 ? '' : 's'} on this page, sorted by{' '}
            {columns.find((c) => c.key === sort.key)?.label.toLowerCase()} (
            {sort.order === 'asc' ? 'ascending' : 'descending'}){serverSorts ? '' : ' within the page'}
          </caption>
          <thead>
            <tr>
              {visibleColumns.map((c) => (
                <th
                  key={c.key}
                  scope="col"
                  aria-sort={
                    sort.key === c.key ? (sort.order === 'asc' ? 'ascending' : 'descending') : undefined
                  }
                >
                  <button
                    type="button"
                    class="sort"
                    onClick={() =>
                      setSort({
                        key: c.key,
                        order: sort.key === c.key && sort.order === 'asc' ? 'desc' : 'asc',
                      })
                    }
                  >
                    {c.label}
                    <span aria-hidden="true">
                      {sort.key === c.key ? (sort.order === 'asc' ? ' ▲' : ' ▼') : ''}
                    </span>
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((entry) => (
              <tr key={entry.workflowId + entry.runId}>
                <th scope="row">
                  <a href={hrefOf.client(entry.clientId)}>{entry.clientId}</a>
                </th>
                <td>{entry.programId}</td>
                <td>{levelNames[entry.level]}</td>
                <td>{words(entry.status)}</td>
                <td>
                  <span class={`risk risk-${entry.riskLevel}`}>{entry.riskLevel}</span>
                </td>
                <td>{entry.daysAtLevel ?? daysSince(entry.levelSince)}</td>
                {hasWeek && (
                  <td>
                    {entry.week ? (
                      <span class={entry.week.belowFloor ? 'below-floor' : undefined}>
                        {hours(entry.week.hours)} of {hours(entry.week.target)} (floor{' '}
                        {hours(entry.week.floor)}){entry.week.belowFloor && ' — below floor'}
                      </span>
                    ) : (
                      'no hours expected'
                    )}
                  </td>
                )}
                {hasApprovals && <td>{entry.pendingApprovals ?? 0}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav class="pager" aria-label="Caseload pages">
        <button
          type="button"
          class="secondary"
          disabled={cursors.length < 2}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          Previous page
        </button>
        <span>Page {cursors.length}</span>
        <button
          type="button"
          class="secondary"
          disabled={!page.data?.nextCursor}
          onClick={() => page.data?.nextCursor && setCursors([...cursors, page.data.nextCursor])}
        >
          Next page
        </button>
      </nav>
    </section>
  );
}
