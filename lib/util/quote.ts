/**
 * A value from a file or a request, quoted for a one-line error message: JSON-escaped (control
 * characters and line breaks show as \u0001, \n …) and cut to `max` characters, so a hostile or
 * huge cell can neither split the message nor drown it.
 */
export function quote(value: unknown, max = 40): string {
  const text = typeof value === 'string' ? value : String(value);
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut);
}
