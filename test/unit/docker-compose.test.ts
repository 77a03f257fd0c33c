import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ConfigError, configVariables, loadConfig, loadLocalConfig } from '../../config';
import { serviceRoles } from '../../config/service-roles';
import { carepathSearchAttributes } from '../../workflows/search-attributes';

interface Service {
  image?: string;
  build?: string;
  ports?: string[];
  environment?: Record<string, string>;
  command?: string[] | string;
  entrypoint?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

// `merge`: the role services share their settings through YAML merge keys, as Compose reads them.
const compose = parse(readFileSync(join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8'), {
  merge: true,
}) as { services: Record<string, Service> };
const service = (name: string): Service => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};
const defaults = loadLocalConfig({});
const hostPorts = (name: string) => (service(name).ports ?? []).map((p) => Number(p.split(':')[0]));
const commandOf = (name: string) => [service(name).command ?? []].flat().join(' ');
const roleService = (role: string) => `carepath-${role}`;

/** docker-compose.yml cannot run on these machines; this keeps it in step with the config module. */
describe('docker-compose.yml', () => {
  test('runs a supported Temporal server on PostgreSQL, its schema set up by the admin tools, never auto-setup', () => {
    const temporal = service('temporal');
    expect(temporal.image).toMatch(/^temporalio\/server:\d+\.\d+\.\d+$/);
    expect(temporal.environment?.DB).toMatch(/^postgres/);
    expect(temporal.depends_on?.['temporal-schema']?.condition).toBe('service_completed_successfully');
    const version = temporal.image?.split(':')[1];
    expect(service('temporal-schema').image).toBe(`temporalio/admin-tools:${version}`);
    for (const database of ['temporal', 'temporal_visibility']) {
      expect(commandOf('temporal-schema')).toContain(`--db ${database} setup-schema`);
      expect(commandOf('temporal-schema')).toMatch(new RegExp(`--db ${database}\\s+update-schema`));
    }
    expect(Object.values(compose.services).map((s) => s.image)).not.toContainEqual(
      expect.stringMatching(/auto-setup/),
    );
    expect(service('kafka').image).toMatch(/^apache\/kafka:3\.9\.\d+$/);
  });

  test("publishes each server on carepath's default port", () => {
    expect(hostPorts('temporal')).toContain(Number(defaults.temporal.address.split(':')[1]));
    expect(hostPorts('temporal-ui')).toContain(defaults.temporal.uiPort);
    expect(hostPorts('kafka')).toContain(Number(defaults.kafka.brokers[0]?.split(':')[1]));
  });

  test("Kafka's controller listens on carepath's controller port and advertises the default broker to the host", () => {
    const env = service('kafka').environment ?? {};
    expect(env.KAFKA_LISTENERS).toContain(`CONTROLLER://0.0.0.0:${defaults.kafka.controllerPort}`);
    expect(env.KAFKA_ADVERTISED_LISTENERS).toContain(
      `HOST://localhost:${defaults.kafka.brokers[0]?.split(':')[1]}`,
    );
  });

  test('Kafka has a health check, and the roles start only once it passes', () => {
    expect(service('kafka').healthcheck?.test.join(' ')).toContain('kafka-broker-api-versions');
    expect(service(roleService('worker')).depends_on?.kafka?.condition).toBe('service_healthy');
  });

  test('creates the namespace and registers every custom search attribute with its type', () => {
    const command = commandOf('temporal-namespace');
    expect(command).toContain(`namespace create --namespace ${defaults.temporal.namespace}`);
    for (const key of carepathSearchAttributes) {
      const type = key.type.charAt(0) + key.type.slice(1).toLowerCase();
      expect(command).toContain(`--name ${key.name} --type ${type}`);
    }
  });

  test.each(serviceRoles)(
    'the %s role is a service of its own, configured with variables the config module reads and accepts',
    (role) => {
      const env = service(roleService(role)).environment ?? {};
      expect(configVariables).toEqual(expect.arrayContaining(Object.keys(env)));
      const config = loadConfig(env);
      expect(config.role).toBe(role);
      expect(config.temporal.address).toBe('temporal:7233');
      expect(service('kafka').environment?.KAFKA_LISTENERS).toContain(
        `DOCKER://0.0.0.0:${config.kafka.brokers[0]?.split(':')[1]}`,
      );
      // Reachable from the other containers, not only from inside its own.
      expect(config.health.host).toBe('0.0.0.0');
      expect(service(roleService(role)).build).toBe('.');
    },
  );

  test.each(serviceRoles)(
    'the %s role states that it reaches Temporal and Kafka in clear on purpose, so even production mode would not refuse it',
    (role) => {
      const env = service(roleService(role)).environment ?? {};
      expect(env.CAREPATH_ALLOW_PLAINTEXT).toBe('true');
      let problems: string[] = [];
      try {
        loadConfig({ ...env, CAREPATH_MODE: 'production' });
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        problems = error.problems.map((p) => p.variable);
      }
      expect(problems).toEqual(expect.arrayContaining(['CAREPATH_INTEGRATION_ID']));
      expect(problems).not.toContain('TEMPORAL_TLS');
      expect(problems).not.toContain('KAFKA_SSL');
    },
  );

  test('the API is published on its default port, bound to every interface of its container', () => {
    const config = loadConfig(service(roleService('api')).environment ?? {});
    expect(config.api.host).toBe('0.0.0.0');
    expect(hostPorts(roleService('api'))).toContain(defaults.api.port);
  });

  test('the UI decodes payloads through the codec server, which binds every interface and allows the UI origin', () => {
    const config = loadConfig(service(roleService('codec')).environment ?? {});
    expect(config.codec.host).toBe('0.0.0.0');
    const codecHostPort = hostPorts(roleService('codec'))[0];
    expect(codecHostPort).toBe(config.codec.port);
    const uiOrigin = `http://localhost:${hostPorts('temporal-ui')[0]}`;
    expect(config.codec.corsOrigins).toContain(uiOrigin);
    expect(service('temporal-ui').environment?.TEMPORAL_CODEC_ENDPOINT).toContain(
      `http://localhost:${codecHostPort}`,
    );
  });
});
