/**
 * Parses the header field: "name=value" pairs separated by commas ("source=web, v=2"). Names
 * and values are trimmed; a value may contain "=" (everything after the first one). An empty
 * field means no headers.
 */
export function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [i, part] of text.split(",").entries()) {
    if (part.trim() === "") continue;
    const eq = part.indexOf("=");
    const name = (eq < 0 ? part : part.slice(0, eq)).trim();
    if (eq < 0 || name === "") {
      throw new SyntaxError(
        `headers: entry ${i + 1} must be name=value; received ${JSON.stringify(part.trim())}`,
      );
    }
    headers[name] = part.slice(eq + 1).trim();
  }
  return headers;
}
