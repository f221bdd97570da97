/** Grid name for a code when the grid is known, else the code itself. */
export function gridLabel(names: ReadonlyMap<string, string>, code: string | null | undefined): string {
  if (!code) return '—';
  return names.get(code) ?? code;
}
