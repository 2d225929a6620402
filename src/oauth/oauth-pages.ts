/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface OAuthPage {
  status: number;
  title: string;
  /** Paragraphs of plain text; escaped when rendered. */
  lines: string[];
}

/** The small self-contained page shown to the admin at the end of the install (no scripts, no external assets). */
export function renderPage(page: OAuthPage): string {
  const body = page.lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n    ');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${escapeHtml(page.title)} · aircall-sync</title>
    <style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#1d2b36}h1{font-size:1.4rem}</style>
  </head>
  <body>
    <h1>${escapeHtml(page.title)}</h1>
    ${body}
  </body>
</html>
`;
}
