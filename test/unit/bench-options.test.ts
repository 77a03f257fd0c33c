import { defaultJourneys, parseBenchOptions, usage } from '../../bench/options';

describe('npm run bench options', () => {
  test('defaults run every benchmark at sizes for a few minutes', () => {
    const options = parseBenchOptions([]);
    expect(options.only).toBeUndefined();
    expect(options).toMatchObject({ clients: 100, events: 6, concurrency: 20, months: 2, cache: 4 });
    // Each benchmark sizes its own journeys unless --journeys says.
    expect(options.journeys).toBeUndefined();
    expect(defaultJourneys).toEqual({ scale: 1000, realistic: 10 });
    expect(options.program).toBe('milestone-tapered-iop');
  });

  test('realistic: --journeys, --months and --cache', () => {
    expect(
      parseBenchOptions(['--only', 'realistic', '--journeys', '200', '--months=12', '--cache', '50']),
    ).toMatchObject({ only: ['realistic'], journeys: 200, months: 12, cache: 50 });
  });

  test.each([
    [['--cache', '10'], /--cache 10 must be below the realistic benchmark's 10 journeys/],
    [['--journeys', '8', '--cache', '8'], /--cache 8 must be below the realistic benchmark's 8 journeys/],
    [['--only', 'realistic', '--journeys', '5', '--cache', '9'], /--cache 9 must be below/],
  ])('%j is refused: a cache that holds every journey measures no replay', (argv, message) => {
    expect(() => parseBenchOptions(argv)).toThrow(message);
  });

  test('a cache above --journeys is fine when realistic does not run', () => {
    expect(parseBenchOptions(['--only', 'scale', '--journeys', '5', '--cache', '9'])).toMatchObject({
      journeys: 5,
      cache: 9,
    });
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
    [['--only', 'speed'], /--only.*expected some of throughput, latency, scale, long, realistic/],
    [['--months', '0'], /--months: expected a whole number from 1 to 24/],
    [['--cache', '1'], /--cache: expected a whole number from 2 to 100000/],
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
    expect(usage()).toMatch(
      /--journeys\s+scale: journeys admitted and held open \(default 1000\); realistic: journeys per case, cached and uncached, given months of history \(default 10\)/,
    );
    expect(usage()).toMatch(/--months\s+realistic: .* \(default 2\)/);
    expect(usage()).toMatch(/--cache\s+realistic: .* \(default 4\)/);
    expect(usage()).toMatch(/--only\s+some of throughput,latency,scale,long,realistic/);
  });
});
