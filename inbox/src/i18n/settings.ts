/** The settings strings; English is the reference, the other catalogs have the same keys. */
export const en = {};

type Catalog = Record<keyof typeof en, string>;

export const ptBR: Catalog = {};

export const es: Catalog = {};
