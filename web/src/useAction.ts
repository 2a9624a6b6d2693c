import { useCallback, useState } from 'react';
import { message } from './api';

// An action a form starts: busy while it runs, and the message of what went wrong kept
// to be shown (cleared when the next one starts).
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const run = useCallback(async (what: () => Promise<void>) => {
    setBusy(true);
    setError('');
    try {
      await what();
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}
