import { useCallback, useEffect, useState } from 'react';
import { api, message } from './api';

export interface Fetched<T> {
  data: T | null;
  error: string;
  // Asks again, keeping what is shown until the answer comes.
  reload: () => void;
}

// A GET of `path` (none while null), asked again when the path changes; an answer that
// comes after the path changed is dropped.
export function useApi<T>(path: string | null): Fetched<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState('');
  const [asked, setAsked] = useState(0);
  useEffect(() => setData(null), [path]);
  useEffect(() => {
    if (path === null) return;
    let current = true;
    setError('');
    api<T>('GET', path)
      .then((answer) => current && setData(answer))
      .catch((e) => current && setError(message(e)));
    return () => {
      current = false;
    };
  }, [path, asked]);
  const reload = useCallback(() => setAsked((n) => n + 1), []);
  return { data, error, reload };
}
