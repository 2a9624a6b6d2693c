import { useCallback, useState } from 'react';
import { ApiError, message } from './api';

// An action a form starts: busy while it runs, and the message of what went wrong kept
// to be shown (cleared when the next one starts), with the configuration field the
// server named as wrong, for the form to show it there.
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [errorField, setErrorField] = useState('');
  const run = useCallback(async (what: () => Promise<void>) => {
    setBusy(true);
    setError('');
    setErrorField('');
    try {
      await what();
    } catch (e) {
      setError(message(e));
      setErrorField(e instanceof ApiError ? (e.field ?? '') : '');
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, errorField, setError, run };
}
