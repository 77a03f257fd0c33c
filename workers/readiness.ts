import type { ServiceRole } from '../config/service-roles';
import type { ReadinessAnswer } from '../schemas/readiness';

/**
 * Whether a process's roles serve. Each role reports ready through a probe once it has started; a stop
 * signal flips every role to `stopping` before anything drains, so load balancers and orchestrators
 * stop sending work to the process first.
 */
export class Readiness {
  private readonly probes = new Map<ServiceRole, () => boolean>();
  private stopping = false;

  constructor(readonly roles: readonly ServiceRole[]) {}

  /** From now on `role` is ready whenever `probe` says so. */
  track(role: ServiceRole, probe: () => boolean): void {
    this.probes.set(role, probe);
  }

  stop(): void {
    this.stopping = true;
  }

  report(): ReadinessAnswer {
    const roles = Object.fromEntries(
      this.roles.map((role) => [
        role,
        this.stopping ? 'stopping' : this.probes.get(role)?.() ? 'ready' : 'not-ready',
      ]),
    ) as ReadinessAnswer['roles'];
    return {
      status: Object.values(roles).every((state) => state === 'ready') ? 'ready' : 'not-ready',
      roles,
    };
  }
}
