import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { configVariables, loadLocalConfig } from '../../config';
import { carepathSearchAttributes } from '../../workflows/search-attributes';

interface Service {
  image?: string;
  ports?: string[];
  environment?: Record<string, string>;
  command?: string[] | string;
}

const compose = parse(readFileSync(join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Service>;
};
const defaults = loadLocalConfig({});
const hostPorts = (service: string) =>
  (compose.services[service]?.ports ?? []).map((p) => Number(p.split(':')[0]));

/** docker-compose.yml cannot run on these machines; this keeps it in step with the config module. */
describe('docker-compose.yml', () => {
  test('describes the same stack: Temporal on PostgreSQL, its UI, Kafka 3.9', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['postgresql', 'temporal', 'temporal-ui', 'kafka']),
    );
    expect(compose.services.kafka?.image).toMatch(/^apache\/kafka:3\.9\.\d+$/);
    expect(compose.services.temporal?.environment?.DB).toMatch(/^postgres/);
  });

  test("publishes each server on carepath's default port", () => {
    expect(hostPorts('temporal')).toContain(Number(defaults.temporal.address.split(':')[1]));
    expect(hostPorts('temporal-ui')).toContain(defaults.temporal.uiPort);
    expect(hostPorts('kafka')).toContain(Number(defaults.kafka.brokers[0]?.split(':')[1]));
  });

  test("Kafka's controller listens on carepath's controller port and advertises the default broker to the host", () => {
    const env = compose.services.kafka?.environment ?? {};
    expect(env.KAFKA_LISTENERS).toContain(`CONTROLLER://0.0.0.0:${defaults.kafka.controllerPort}`);
    expect(env.KAFKA_ADVERTISED_LISTENERS).toContain(
      `HOST://localhost:${defaults.kafka.brokers[0]?.split(':')[1]}`,
    );
  });

  test('registers every custom search attribute with its type', () => {
    const command = [compose.services['temporal-search-attributes']?.command ?? []].flat().join(' ');
    for (const key of carepathSearchAttributes) {
      const type = key.type.charAt(0) + key.type.slice(1).toLowerCase();
      expect(command).toContain(`--name ${key.name} --type ${type}`);
    }
  });

  test('carepath runs against the containers with variables the config module reads and accepts', () => {
    const carepath = compose.services.carepath;
    const env = carepath?.environment ?? {};
    expect(configVariables).toEqual(expect.arrayContaining(Object.keys(env)));
    const config = loadLocalConfig(env);
    expect(config.temporal.address).toBe('temporal:7233');
    expect(compose.services.kafka?.environment?.KAFKA_LISTENERS).toContain(
      `DOCKER://0.0.0.0:${config.kafka.brokers[0]?.split(':')[1]}`,
    );
    expect(hostPorts('carepath')).toContain(defaults.api.port);
  });
});
