import type { Message, MessageMedia } from '../../api.ts';
import { t } from '../../i18n.ts';
import { fileSize } from './days.ts';
import { openImage } from './image-dialog.tsx';

/** The file a message carries, previewed by kind: image thumbnails that open large, players, documents with name and size. */
export function MediaPreview({ message, media }: { message: Message; media: MessageMedia }) {
  if (media.status === 'pending')
    return (
      <p class="media-state" aria-busy="true">
        {t('historyDownloading')}
        {media.fileName && <span class="file-name"> {media.fileName}</span>}
      </p>
    );
  if (media.status === 'failed') return <p class="media-state media-failed">{t('historyMediaFailed', { reason: media.error ?? t('historyUnknownType') })}</p>;
  const url = media.url;
  if (!url) return <p class="media-state">{t('historyMediaMissing')}</p>;
  const caption = media.caption ?? null;
  switch (message.type) {
    case 'image':
    case 'sticker': {
      const alt = caption ?? media.fileName ?? t(message.type === 'sticker' ? 'historySticker' : 'historyImage');
      return (
        <button
          type="button"
          class={`thumb ${message.type}`}
          aria-label={t('historyViewImage')}
          onClick={() => {
            openImage.value = { url, alt, caption, fileName: media.fileName };
          }}
        >
          <img src={url} alt={alt} loading="lazy" />
        </button>
      );
    }
    case 'audio':
      return (
        // biome-ignore lint/a11y/useMediaCaption: a person's voice note or audio file has no captions to offer
        <audio class="player" controls preload="metadata" src={url} aria-label={t(message.metadata?.voice ? 'historyVoice' : 'historyAudio')} />
      );
    case 'video':
      return (
        // biome-ignore lint/a11y/useMediaCaption: videos people send carry no caption tracks
        <video class="player" controls preload="metadata" src={url} aria-label={caption ?? media.fileName ?? t('historyVideo')} />
      );
    default:
      return <DocumentLink media={media} url={url} />;
  }
}

function DocumentLink({ media, url }: { media: MessageMedia; url: string }) {
  const name = media.fileName ?? decodeURIComponent(url.split('/').pop() ?? '') ?? t('historyDownloadFile');
  return (
    <a class="document" href={url} download={media.fileName ?? ''}>
      <span class="doc-name">{name}</span>
      {typeof media.size === 'number' && <span class="doc-size">{fileSize(media.size)}</span>}
      <span class="visually-hidden"> ({t('historyDownloadFile')})</span>
    </a>
  );
}
