import { useState } from 'preact/hooks';
import { runDetached } from '../run-detached';
import { api, issuesByField, ok } from '../api/client';
import { useAction, usePolled } from '../hooks';
import { hrefOf, navigate } from '../router';
import { SchemaFields, bodyOf, useRequestSchemas } from '../schema-form';
import { Alert } from '../alert';

/** Admission: the program's criteria are checked by the API, which says what would be accepted. */
export function Admit() {
  const { schemas, error: schemaError } = useRequestSchemas();
  const programs = usePolled(() => ok(api.GET('/v1/programs')), 'programs', false);
  const [clientId, setClientId] = useState('');
  const [values, setValues] = useState<Record<string, unknown>>({});
  const action = useAction();
  const schema = schemas?.Admission;
  const program = programs.data?.programs.find((p) => p.programId === values.programId);
  const issues = issuesByField(action.problem);

  return (
    <section>
      <h1>Admit a client</h1>
      <Alert message={schemaError ?? programs.error} />
      {schema && programs.data && (
        <form
          class="form"
          onSubmit={runDetached(async (event) => {
            event.preventDefault();
            const admitted = await action.run(() =>
              ok(
                api.POST('/v1/clients/{clientId}/episodes', {
                  params: { path: { clientId } },
                  body: bodyOf(schema, values) as never,
                }),
              ),
            );
            if (admitted) navigate(hrefOf.client(admitted.clientId));
          })}
        >
          <div class="field">
            <label for="admit-clientId">Client id</label>
            <input
              id="admit-clientId"
              required
              value={clientId}
              aria-describedby="admit-clientId-hint"
              onInput={(e) => setClientId(e.currentTarget.value)}
            />
            <span class="hint" id="admit-clientId-hint">
              Your record system's id for the client: no names.
            </span>
          </div>
          <SchemaFields
            schema={schema}
            values={values}
            onChange={setValues}
            issues={issues}
            hidden={['eventId']}
            idPrefix="admit"
            labels={{
              programId: 'Program',
              recommendedLevel: 'Level of care to admit to',
              occurredAt: 'Admitted at',
            }}
            choices={{
              programId: programs.data.programs.map((p) => p.programId),
              ...(program && { recommendedLevel: program.entryLevels }),
            }}
          />
          <Alert message={action.error} />
          <button type="submit" disabled={action.busy}>
            {action.busy ? 'Admitting…' : 'Admit'}
          </button>
        </form>
      )}
    </section>
  );
}
