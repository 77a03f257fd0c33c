import { context, ROOT_CONTEXT, trace, type Context, type Link } from '@opentelemetry/api';

/**
 * At most this many inputs' traces are linked from one send; more waiting at once (Kafka away for
 * long) would only grow the workflow's memory.
 */
const maxLinkedInputs = 32;

const linkTo = (c: Context): Link[] => {
  const spanContext = trace.getSpanContext(c);
  return spanContext ? [{ context: spanContext }] : [];
};

const sameTrace = (a: Context, b: Context) =>
  trace.getSpanContext(a)?.traceId === trace.getSpanContext(b)?.traceId;

/**
 * The traces of the inputs whose effects wait in a journey's outbox, so each send continues the
 * trace of the input that caused it instead of the admission's, which a months-long journey would
 * otherwise stretch over every record it ever publishes. Temporal's OpenTelemetry interceptors
 * (tracing-interceptors.ts) register the tracer and make the handlers' spans; where none is
 * registered every call here is a no-op. Spans are not commands: nothing here changes a history.
 */
export class PendingTraces {
  private contexts: Context[] = [];
  /**
   * The run's own trace (its start's, for a first run the admission's), made where the workflow
   * starts: sends of later inputs link it, so each input's trace leads back to its episode.
   */
  private readonly run = context.active();

  /** Notes the active trace (a signal's or update's span, or the run's) as one the next send continues. */
  noteInput(): void {
    const active = context.active();
    if (trace.getSpanContext(active) && this.contexts.length < maxLinkedInputs) this.contexts.push(active);
  }

  /**
   * Decides on a timer in a new trace, linked to the run's rather than its child: a weekly review
   * months after admission is not part of the admission.
   */
  onTimer<T>(kind: string, decide: () => T): T {
    const span = trace
      .getTracer('carepath-journey')
      .startSpan(
        'carepath.journey.timer',
        { root: true, links: linkTo(context.active()), attributes: { 'carepath.timer.kind': kind } },
        ROOT_CONTEXT,
      );
    try {
      return context.with(trace.setSpan(ROOT_CONTEXT, span), decide);
    } finally {
      span.end();
    }
  }

  /**
   * Runs one send in the trace of the first input waiting, with a span linking the others; the
   * traces stay noted until a send succeeds, so a retried send continues them too.
   */
  send<R>(deliver: () => Promise<R>, succeeded: (result: R) => boolean): Promise<R> {
    // Untraced (an older journey, or nothing traced waiting): the plain call, without one await more.
    if (this.contexts.length === 0) return deliver();
    return this.tracedSend(deliver, succeeded);
  }

  private async tracedSend<R>(deliver: () => Promise<R>, succeeded: (result: R) => boolean): Promise<R> {
    const taken = this.contexts.splice(0);
    const [first, ...others] = taken;
    if (first === undefined) return deliver();
    const span = trace
      .getTracer('carepath-journey')
      .startSpan(
        'carepath.journey.send',
        { links: [...others, ...(sameTrace(first, this.run) ? [] : [this.run])].flatMap(linkTo) },
        first,
      );
    let result: R | undefined;
    try {
      result = await context.with(trace.setSpan(first, span), deliver);
      return result;
    } finally {
      span.end();
      if (result === undefined || !succeeded(result))
        this.contexts = [...taken, ...this.contexts].slice(0, maxLinkedInputs);
    }
  }
}
