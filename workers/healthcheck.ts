import { loadConfig } from '../config';
import { rolesOf } from '../config/service-roles';

/**
 * The image's HEALTHCHECK: exit 0 when this container's process reports ready on /readyz. A process
 * with the API answers on the API's port, any other on the health listener's; the role's own is asked
 * first (CAREPATH_ROLE), the other when nothing listens there (a role given as `--role`). A listener
 * bound to every interface is asked on loopback.
 */
async function main(): Promise<number> {
  const config = loadConfig();
  const listeners = rolesOf(config.role).includes('api')
    ? [config.api, config.health]
    : [config.health, config.api];
  let unanswered: unknown;
  for (const { host, port } of listeners) {
    const target = ['0.0.0.0', '::'].includes(host) ? '127.0.0.1' : host;
    const url = `http://${target.includes(':') ? `[${target}]` : target}:${port}/readyz`;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
      console.log(`${url}: ${response.status} ${await response.text()}`);
      return response.status === 200 ? 0 : 1;
    } catch (error) {
      unanswered = error;
    }
  }
  throw unanswered;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
    process.exit(1);
  },
);
