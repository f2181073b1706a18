import type { Tag } from '../../api.ts';

/** Relative luminance (WCAG 2) of `#rrggbb`; null for any other colour text. */
function luminance(hex: string): number | null {
  const match = /^#([0-9a-f]{6})$/i.exec(hex.trim());
  if (!match) return null;
  const channel = (i: number) => {
    const c = Number.parseInt(match[1].slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
}

/**
 * The chip's colours: the tag's colour as background and black or white text, whichever contrasts more
 * (for any background one of them reaches 4.58:1, above WCAG AA's 4.5); colours that are not `#rrggbb`
 * (JuriChat accepts any text) get the neutral chip of the stylesheet.
 */
export function chipColours(color: string): { backgroundColor: string; color: string } | undefined {
  const l = luminance(color);
  if (l === null) return undefined;
  const onBlack = (l + 0.05) / 0.05;
  const onWhite = 1.05 / (l + 0.05);
  return { backgroundColor: color, color: onBlack >= onWhite ? '#000000' : '#ffffff' };
}

/** Tags as coloured chips; styles go through the CSSOM (the CSP refuses style attributes in markup). */
export function TagChips({ tags, label }: { tags: Tag[]; label: string }) {
  if (tags.length === 0) return null;
  return (
    <ul class="tag-chips" aria-label={label}>
      {tags.map((tag) => (
        <li key={tag.id} class="tag-chip" style={chipColours(tag.color)}>
          {tag.name}
        </li>
      ))}
    </ul>
  );
}
