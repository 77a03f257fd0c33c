import { patched } from '@temporalio/workflow';

/**
 * Every patch a run calls costs it two history events: the marker and Core's upsert of the
 * `TemporalChangeVersion` search attribute. A run started by this code (or continued as new by it)
 * records this one patch, and takes the current path of every earlier patch without calling them.
 * A run recorded before it has no such marker and replays through each earlier patch as recorded.
 * Call it once, at the start of a run, and keep the answer: a run that began under older code
 * keeps the older paths until it continues as new.
 */
export const currentCodePatch = 'current-code-one-patch';

export const isCurrentCode = (): boolean => patched(currentCodePatch);
