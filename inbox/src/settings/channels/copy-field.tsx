import { useSignal } from '@preact/signals';
import { useRef } from 'preact/hooks';
import { t } from '../../i18n.ts';

/**
 * A value to paste elsewhere (webhook URL, verify token, signing secret): shown read-only, with a
 * copy button whose result is announced in the panel's status region.
 */
export function CopyField({
  id,
  label,
  value,
  copyLabel,
  onCopied,
}: {
  id: string;
  label: string;
  value: string;
  copyLabel: string;
  onCopied(text: string): void;
}) {
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      onCopied(t('copied'));
    } catch {
      onCopied(t('copyFailed'));
    }
  };
  return (
    <div class="copy-field">
      <label for={id}>{label}</label>
      <div class="copy-row">
        <input id={id} type="text" readOnly value={value} onFocus={(e) => (e.currentTarget as HTMLInputElement).select()} />
        <button type="button" onClick={() => void copy()}>
          {copyLabel}
        </button>
      </div>
    </div>
  );
}

/** The status region copy buttons announce into: its text is replaced on each copy so it is read again. */
export function useCopyStatus() {
  const status = useSignal('');
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const announce = (text: string) => {
    status.value = '';
    clearTimeout(timer.current);
    queueMicrotask(() => {
      status.value = text;
    });
    timer.current = setTimeout(() => {
      status.value = '';
    }, 4000);
  };
  return { status, announce };
}
