import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api/client';

/** How often open pages ask again, so a client's change shows without a reload. */
export const pollMs = 5000;

export interface Loaded<T> {
  data: T | undefined;
  error: string | null;
  reload: () => Promise<void>;
}

/** Loads `load()` now, whenever `key` changes, and every `pollMs` while the page is visible. */
export function usePolled<T>(load: () => Promise<T>, key: string, poll = true): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const current = useRef(key);
  current.current = key;
  const reload = useCallback(async () => {
    const forKey = key;
    try {
      const value = await load();
      if (current.current === forKey) {
        setData(value);
        setError(null);
      }
    } catch (caught) {
      if (current.current === forKey) setError(caught instanceof Error ? caught.message : String(caught));
    }
    // `load` is rebuilt on every render; `key` names what it loads.
  }, [key]);
  useEffect(() => {
    setData(undefined);
    setError(null);
    void reload();
    if (!poll) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void reload();
    }, pollMs);
    return () => clearInterval(timer);
  }, [reload, poll]);
  return { data, error, reload };
}

/** Runs a write, keeping its pending state and the API's refusal in words. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [problem, setProblem] = useState<unknown>(undefined);
  const run = useCallback(async <T>(action: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    setProblem(undefined);
    try {
      return await action();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
      setProblem(caught instanceof ApiError ? caught.problem : undefined);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, problem, run };
}
