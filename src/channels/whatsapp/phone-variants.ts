/**
 * The forms under which WhatsApp may report one person's number (spec §2 rule 4): the input first,
 * then its equivalents. Brazilian mobiles appear with and without the ninth digit
 * (`55 DD 9XXXXXXXX` ⇄ `55 DD XXXXXXXX`), Argentine mobiles with and without the 9 after the
 * country code (`549…` ⇄ `54…`). Any other number has no other form.
 */
export function phoneVariants(digits: string): string[] {
  const variants = [digits, ...brazilianVariants(digits), ...argentineVariants(digits)];
  return [...new Set(variants)];
}

// Area codes have no 0; a local number starting 6–9 is a mobile, so only those gained the ninth digit.
const BRAZIL_WITH_NINE = /^55([1-9]{2})9([6-9]\d{7})$/;
const BRAZIL_WITHOUT_NINE = /^55([1-9]{2})([6-9]\d{7})$/;

function brazilianVariants(digits: string): string[] {
  const withNine = BRAZIL_WITH_NINE.exec(digits);
  if (withNine) return [`55${withNine[1]}${withNine[2]}`];
  const withoutNine = BRAZIL_WITHOUT_NINE.exec(digits);
  if (withoutNine) return [`55${withoutNine[1]}9${withoutNine[2]}`];
  return [];
}

// Argentine national numbers have 10 digits (area code + subscriber); mobiles add a 9 in international form.
const ARGENTINA_WITH_NINE = /^549(\d{10})$/;
const ARGENTINA_WITHOUT_NINE = /^54([1-8]\d{9})$/;

function argentineVariants(digits: string): string[] {
  const withNine = ARGENTINA_WITH_NINE.exec(digits);
  if (withNine) return [`54${withNine[1]}`];
  const withoutNine = ARGENTINA_WITHOUT_NINE.exec(digits);
  if (withoutNine) return [`549${withoutNine[1]}`];
  return [];
}
