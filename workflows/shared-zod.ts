import { z } from 'zod';

// Preloaded by the worker (workers/workflow-bundle.ts): zod is then evaluated once and shared, frozen,
// by every journey. zod records its global defaults (error locale, memoizer) when it builds its first
// schema, so that happens here, before the freeze; a journey doing it later would throw.
z.object({}).safeParse({});
