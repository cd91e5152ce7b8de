/**
 * An error text with a credential-bearing URL taken out: the whole URL, its path and query, and
 * its user name and password, each wherever they appear (undici's "Failed to parse URL from …",
 * a server echoing the request path, nodemailer quoting the SMTP URL or the login).
 */
export function scrubUrl(text: string, url: string): string {
  const parts = new Set<string>([url]);
  try {
    const u = new URL(url);
    for (const p of [u.pathname, u.search, u.username, u.password, decodeURIComponent(u.username), decodeURIComponent(u.password)])
      if (p.length >= 4 && p !== '/') parts.add(p);
  } catch {
    // Not a URL at all: the whole text given is the secret.
  }
  let out = text;
  for (const p of [...parts].sort((a, b) => b.length - a.length)) out = out.split(p).join('…(redacted)');
  return out;
}
