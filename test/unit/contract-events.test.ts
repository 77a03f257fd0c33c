import { cloudEventsOf, NoBillingCodes, NoEventForEffect } from '../../activities/cloud-events';
import { effectRecords } from '../../activities/kafka/effect-publisher';
import { contractSchemas } from '../../contract/documents';
import { getProgram } from '../../programs';
import { effectSchema, type Effect } from '../../schemas';
import { carepathTopics, eventOfEffect, outboundEventDefinitions } from '../../schemas/contract';
import { streamOf } from '../../workflows/effect-routing';
import { fieldNames, forbiddenField, publishedSchemas } from '../contract/published-schemas';
import { batchOf, sampleEffects } from '../contract/samples';

const samples: Effect[] = Object.values(sampleEffects);

describe('outbound events: effects as CloudEvents', () => {
  test('every effect type the workflow publishes has an event on the stream it is routed to', () => {
    const effectTypes = effectSchema.options.map((o) => o.shape.type.value);
    const published = effectTypes.filter((type) => !['arm-timer', 'cancel-timer'].includes(type));
    expect(Object.keys(eventOfEffect).sort()).toEqual(published.sort());
    expect(Object.keys(sampleEffects).sort()).toEqual(published.sort());
    for (const effect of samples)
      expect(eventOfEffect[effect.type as keyof typeof eventOfEffect].stream).toBe(streamOf(effect));
  });

  test('each event conforms to its published JSON Schema, checked by a validator independent of zod', () => {
    const schemas = publishedSchemas();
    for (const effect of samples) {
      const stream = streamOf(effect)!;
      for (const { event } of cloudEventsOf(stream, batchOf(effect)))
        expect(schemas.problems(event)).toEqual([]);
    }
    const [billing] = cloudEventsOf('billing-events', batchOf(sampleEffects.billing));
    const tampered = {
      ...billing?.event,
      data: { ...(billing?.event.data as object), reasonCode: 'relapse' },
    };
    expect(schemas.problems(tampered)).not.toEqual([]);
  });

  test('the envelope: CloudEvents 1.0 attributes, the effect id as id, the client as subject, confidentiality marked', () => {
    const [care] = cloudEventsOf('care-events', batchOf(sampleEffects['cohort-assigned']));
    expect(care?.event).toEqual({
      specversion: '1.0',
      id: 'ep-admission-1:10',
      source: 'urn:carepath:care-events',
      type: 'org.carepath.cohort.assigned.v1',
      subject: 'client-1',
      time: '2025-02-03T10:00:00.000Z',
      datacontenttype: 'application/json',
      dataschema: 'urn:carepath:schema:org.carepath.cohort.assigned.v1.data',
      confidentiality: '42cfr2-clinical',
      data: { cohortId: 'women-adult', episodeId: 'ep-admission-1', programId: 'full-continuum' },
    });
  });

  test('a level change becomes a care event with its reason and a billing event with the new level’s codes and no reason', () => {
    const events = cloudEventsOf('care-events', batchOf(sampleEffects['level-changed']));
    expect(events.map((e) => [e.stream, e.event.type, e.event.id])).toEqual([
      ['care-events', 'org.carepath.care-level.changed.v1', 'ep-admission-1:1'],
      ['billing-events', 'org.carepath.billing-level.changed.v1', 'ep-admission-1:1'],
    ]);
    const php = getProgram('full-continuum').levels.php!.billing;
    expect(events[0]?.event.data).toMatchObject({ from: 'iop', to: 'php', reasonCode: 'relapse' });
    expect(events[1]?.event).toMatchObject({
      source: 'urn:carepath:billing-events',
      confidentiality: '42cfr2-payment',
      data: {
        from: 'iop',
        to: 'php',
        effectiveAt: '2025-02-03T10:00:00.000Z',
        serviceCode: php.serviceCode,
        revenueCode: php.revenueCode,
        unit: php.unit,
      },
    });
    expect(new Set(events.map((e) => `${String(e.event.source)} ${e.event.id}`)).size).toBe(2);
  });

  test('no billing event or billing schema carries a clinical reason, rule or actor', () => {
    const billing = outboundEventDefinitions.filter((d) => d.stream === 'billing-events');
    expect(billing.map((d) => d.type).sort()).toEqual([
      'org.carepath.billing-level.changed.v1',
      'org.carepath.service-day.attended.v1',
    ]);
    for (const definition of billing)
      expect(Object.keys(definition.data.shape)).not.toEqual(
        expect.arrayContaining([expect.stringMatching(/reason|rule|actor|score|result/i)]),
      );
    const events = samples.flatMap((e) => cloudEventsOf(streamOf(e)!, batchOf(e)));
    const billingData = events.filter((e) => e.stream === 'billing-events').map((e) => e.event.data);
    expect(billingData).toHaveLength(2);
    expect(fieldNames(billingData).filter((f) => /reason|rule|actor/i.test(f))).toEqual([]);
  });

  test('no published schema has a field for names, notes or diagnoses', () => {
    const properties = [...contractSchemas().values()].flatMap(function propertyNames(
      schema: unknown,
    ): string[] {
      if (Array.isArray(schema)) return schema.flatMap(propertyNames);
      if (schema === null || typeof schema !== 'object') return [];
      const { properties: own, ...rest } = schema as { properties?: Record<string, unknown> };
      return [
        ...Object.keys(own ?? {}),
        ...Object.values(own ?? {}).flatMap(propertyNames),
        ...Object.values(rest).flatMap(propertyNames),
      ];
    });
    expect(properties).toContain('episodeId');
    expect(properties.filter((p) => forbiddenField.test(p))).toEqual([]);
  });

  test('a field an effect carries beyond the contract never leaves the engine', () => {
    const leaky = { ...sampleEffects['sobriety-date-reset'], note: 'free text' } as Effect;
    const [record] = effectRecords('care-events', batchOf(leaky), carepathTopics);
    expect(record?.value).not.toContain('free text');
    expect(fieldNames(JSON.parse(String(record?.value)))).not.toContain('note');
  });

  test('records: on the stream’s topic, keyed by client id, structured-mode content type', () => {
    const records = effectRecords('care-events', batchOf(sampleEffects['level-changed']), carepathTopics);
    expect(records.map((r) => [r.topic, r.key, r.headers['content-type']])).toEqual([
      ['carepath.care-events.v1', 'client-1', 'application/cloudevents+json'],
      ['carepath.billing-events.v1', 'client-1', 'application/cloudevents+json'],
    ]);
  });

  test('billing codes come from the batch, never from a program file read at send time', () => {
    const batch = batchOf(sampleEffects['level-changed']);
    const revised = {
      ...batch,
      billing: { php: { serviceCode: 'S9480', revenueCode: '0913', unit: 'day' as const } },
    };
    expect(cloudEventsOf('care-events', revised)[1]?.event.data).toMatchObject({ serviceCode: 'S9480' });
    const { billing: _codes, ...withoutCodes } = batch;
    expect(() => cloudEventsOf('care-events', withoutCodes)).toThrow(NoBillingCodes);
  });

  test('an effect routed to a stream without an event for it fails the send instead of being dropped', () => {
    expect(() => cloudEventsOf('billing-events', batchOf(sampleEffects['cohort-assigned']))).toThrow(
      NoEventForEffect,
    );
  });
});
