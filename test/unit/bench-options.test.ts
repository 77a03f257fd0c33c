import { parseBenchOptions, usage } from '../../bench/options';

describe('npm run bench options', () => {
  test('defaults run all four benchmarks at sizes for a few minutes', () => {
    const options = parseBenchOptions([]);
    expect(options.only).toBeUndefined();
    expect(options).toMatchObject({ clients: 100, events: 6, concurrency: 20, journeys: 1000 });
    expect(options.program).toBe('milestone-tapered-iop');
  });

  test('--name value and --name=value set sizes; --only picks benchmarks', () => {
    expect(
      parseBenchOptions(['--only', 'throughput,long', '--journeys=10000', '--events', '4']),
    ).toMatchObject({
      only: ['throughput', 'long'],
      journeys: 10000,
      events: 4,
    });
  });

  test.each([
    [['--clients', '0'], /--clients: expected a whole number from 1 to 100000/],
    [['--clients', 'many'], /--clients: expected a whole number/],
    [['--only', 'speed'], /--only.*expected some of throughput, latency, scale, long/],
    [['--program', 'nope'], /--program: expected one of .*milestone-tapered-iop/],
    [['--journey', '5'], /unknown option --journey/],
    [['--clients'], /option --clients needs a value/],
    [['--clients', '5', '--clients', '6'], /given twice/],
    [['clients'], /unexpected argument 'clients'/],
    [['--cpu-prof=yes'], /--cpu-prof is a flag and takes no value/],
  ])('%j is refused with what is allowed', (argv, message) => {
    expect(() => parseBenchOptions(argv)).toThrow(message);
  });

  test('--cpu-prof is a flag', () => {
    expect(parseBenchOptions(['--cpu-prof', '--clients', '3'])).toMatchObject({
      'cpu-prof': true,
      clients: 3,
    });
    expect(parseBenchOptions([])['cpu-prof']).toBe(false);
  });

  test('usage lists every option with its default', () => {
    expect(usage()).toMatch(/--journeys\s+scale: journeys admitted and held open \(default 1000\)/);
    expect(usage()).toMatch(/--only\s+some of throughput,latency,scale,long/);
  });
});
