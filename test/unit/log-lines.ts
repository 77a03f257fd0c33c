/**
 * The lines the process's logger writes during each test of the calling `describe` (it writes to
 * the console's log and error streams), instead of the test run's output.
 */
export function captureLogLines(): { readonly lines: string[] } {
  const captured = { lines: [] as string[] };
  beforeEach(() => {
    captured.lines = [];
    jest.spyOn(console, 'log').mockImplementation((line: string) => void captured.lines.push(line));
    jest.spyOn(console, 'error').mockImplementation((line: string) => void captured.lines.push(line));
  });
  afterEach(() => jest.restoreAllMocks());
  return captured;
}
