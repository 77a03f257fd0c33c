import { contractCall, offers, type PendingApproval } from '../api/client';
import { formatDateTime, levelNames, words } from '../format';
import { usePolled } from '../hooks';
import { hrefOf } from '../router';
import { Alert } from '../alert';

const approvalsOperation = 'get /v1/approvals';

/** Every pending proposal the signed-in person may decide, the nearest deadline first. */
export function Approvals() {
  const queue = usePolled(
    () =>
      contractCall<{ proposals: PendingApproval[] }>('GET', '/v1/approvals').then((a) =>
        [...a.proposals].sort((x, y) => x.deadline.localeCompare(y.deadline)),
      ),
    'approvals',
    offers(approvalsOperation),
  );
  if (!offers(approvalsOperation))
    return (
      <section>
        <h1>Approvals</h1>
        <p class="notice">
          This API does not list approvals across clients yet (no <code>GET /v1/approvals</code>): open a
          client from the <a href={hrefOf.caseload()}>caseload</a> to decide its pending proposals.
        </p>
      </section>
    );
  return (
    <section>
      <h1>Approvals</h1>
      <Alert message={queue.error} />
      {!queue.data && !queue.error && <p class="loading">Loading approvals…</p>}
      {queue.data?.length === 0 && <p class="empty">Nothing awaits your decision.</p>}
      {queue.data && queue.data.length > 0 && (
        <table>
          <caption>Pending proposals, nearest deadline first</caption>
          <thead>
            <tr>
              <th scope="col">Deadline</th>
              <th scope="col">Client</th>
              <th scope="col">Proposal</th>
              <th scope="col">Why</th>
              <th scope="col">Opened by</th>
              <th scope="col">You may decide</th>
            </tr>
          </thead>
          <tbody>
            {queue.data.map((p) => (
              <tr key={p.proposalId} class={p.escalated ? 'escalated' : undefined}>
                <td>
                  {formatDateTime(p.deadline)}
                  {p.escalated && <span class="tag">escalated</span>}
                </td>
                <th scope="row">
                  <a href={hrefOf.client(p.clientId)}>{p.clientId}</a>
                </th>
                <td>
                  {p.action.type === 'level-change'
                    ? `${levelNames[p.action.from]} → ${levelNames[p.action.to]}`
                    : `discharge (${words(p.action.kind)})`}
                </td>
                <td>{words(p.reasonCode)}</td>
                <td>{'staffId' in p.openedBy ? p.openedBy.staffId : words(p.rule)}</td>
                <td>{p.decidable ? 'yes' : (p.notDecidableReason ?? 'no')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
