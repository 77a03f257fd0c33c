import { z } from 'zod';

/** RFC 9457 problem details: the body of every error answer, as `application/problem+json`. */

export const problemContentType = 'application/problem+json';

export const problemIssueSchema = z.object({
  /** Where the problem is: body, params, querystring or headers. */
  location: z.string(),
  path: z.array(z.string()),
  message: z.string(),
});

export const problemSchema = z
  .looseObject({
    type: z.string().describe('URN naming the kind of problem, e.g. urn:carepath:problem:transition-refused'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().describe('What went wrong and what to do next'),
    instance: z.string().optional(),
    issues: z.array(problemIssueSchema).optional().describe('The validation issues, for 400 and 422'),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof problemSchema>;

/** An error that already knows its HTTP answer; `extensions` become members of the problem. */
export class ApiProblem extends Error {
  override readonly name = 'ApiProblem';
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }

  toProblem(instance: string): Problem {
    return {
      type: `urn:carepath:problem:${this.slug}`,
      title: this.title,
      status: this.status,
      detail: this.detail,
      instance,
      ...this.extensions,
    };
  }
}
