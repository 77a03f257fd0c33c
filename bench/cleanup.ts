/**
 * What a benchmark run has opened (servers, child processes, connections), closed in reverse order
 * at the end, on an error, or on Ctrl-C: the lab's servers run detached, so nothing else stops them.
 */
export class Cleanup {
  private readonly closers: { what: string; close: () => Promise<unknown> }[] = [];
  private running: Promise<void> | undefined;

  add(what: string, close: () => Promise<unknown>): void {
    this.closers.push({ what, close });
  }

  /** Closes everything added, last first; a failure is reported and the rest still closed. */
  run(report: (message: string) => void): Promise<void> {
    this.running ??= (async () => {
      for (let closer = this.closers.pop(); closer; closer = this.closers.pop()) {
        await closer
          .close()
          .catch((error: unknown) =>
            report(
              `could not close ${closer.what}: ${error instanceof Error ? error.message : String(error)}`,
            ),
          );
      }
    })();
    return this.running;
  }
}
