import { refuseEventNotPermitted } from '../../api/refusals';
import { ApiProblem } from '../../api/problem';
import { clientEventSchema } from '../../schemas';
import { apiRolesSending, eventPermissions, eventRouteRoles, maySend } from '../../schemas/event-permissions';

describe('the event permission table', () => {
  test('places every client event type', () => {
    expect(Object.keys(eventPermissions).sort()).toEqual(
      clientEventSchema.options.map((option) => option.shape.type.value).sort(),
    );
  });

  test('ending an episode is a coordinator’s (or the EHR’s), never a clinician’s or a viewer’s', () => {
    expect(apiRolesSending('discharge-requested')).toEqual(['coordinator']);
    expect(maySend('integration', 'discharge-requested')).toBe(true);
    expect(maySend('clinician', 'discharge-requested')).toBe(false);
  });

  test('a feed cannot prescribe hours: the journey must know which clinician did', () => {
    expect(maySend('integration', 'weekly-hours-prescribed')).toBe(false);
    expect(maySend('clinician', 'weekly-hours-prescribed')).toBe(true);
  });

  test('admissions come from coordinators and the EHR', () => {
    expect(apiRolesSending('admitted')).toEqual(['coordinator']);
    expect(maySend('integration', 'admitted')).toBe(true);
  });

  test('viewers record nothing, so the events route is open to coordinators and clinicians only', () => {
    expect(eventRouteRoles).toEqual(['coordinator', 'clinician']);
  });

  test('the API’s refusal says who may record it and which route does the same', () => {
    let refusal: unknown;
    try {
      refuseEventNotPermitted('clinician', 'discharge-requested');
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ApiProblem);
    expect((refusal as ApiProblem).toProblem('/v1/clients/c-1/events')).toMatchObject({
      type: 'urn:carepath:problem:event-not-permitted',
      status: 403,
      role: 'clinician',
      eventType: 'discharge-requested',
      allowedRoles: ['coordinator'],
      instead: 'POST /v1/clients/{clientId}/discharge',
      detail: expect.stringContaining('POST /v1/clients/{clientId}/discharge'),
    });
    expect(() => refuseEventNotPermitted('coordinator', 'discharge-requested')).not.toThrow();
  });
});
