import { signal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../../i18n.ts';

/** The image shown large, or null; set by a thumbnail, cleared when the dialog closes. */
export const openImage = signal<{ url: string; alt: string; caption: string | null; fileName: string | null } | null>(null);

/**
 * A modal dialog with the image at full size: Escape or Close shuts it, and the focus goes back to
 * the thumbnail that opened it (the browser's own `<dialog>` keeps the focus inside meanwhile).
 */
export function ImageDialog() {
  const dialog = useRef<HTMLDialogElement>(null);
  const returnTo = useRef<HTMLElement | null>(null);
  const image = openImage.value;
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (image && !element.open) {
      returnTo.current = document.activeElement as HTMLElement | null;
      element.showModal();
      element.querySelector<HTMLButtonElement>('.close')?.focus();
    } else if (!image && element.open) element.close();
  }, [image]);
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: a click on the backdrop is the mouse's Escape, which the dialog handles itself
    <dialog
      ref={dialog}
      class="image-dialog"
      aria-labelledby="image-dialog-title"
      onClose={() => {
        openImage.value = null;
        const target = returnTo.current;
        returnTo.current = null;
        if (target?.isConnected) target.focus();
      }}
      onClick={(event) => {
        // A click on the backdrop (outside the dialog's box) closes it too.
        if (event.target === dialog.current) dialog.current?.close();
      }}
    >
      {image && (
        <div class="image-dialog-body">
          <div class="image-dialog-bar">
            <h3 id="image-dialog-title">{image.fileName ?? t('historyImage')}</h3>
            <a href={image.url} download={image.fileName ?? ''}>
              {t('historyDownloadFile')}
            </a>
            <button type="button" class="close" onClick={() => dialog.current?.close()}>
              {t('historyClose')}
            </button>
          </div>
          <img class="full-image" src={image.url} alt={image.alt} />
          {image.caption && <p class="caption">{image.caption}</p>}
        </div>
      )}
    </dialog>
  );
}
