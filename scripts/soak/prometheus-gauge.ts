/** The value of an unlabelled sample `name` in a Prometheus text exposition, or null when it is not there. */
export function gaugeValue(exposition: string, name: string): number | null {
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(`${name} `)) continue;
    const value = Number(
      line
        .slice(name.length + 1)
        .trim()
        .split(' ')[0],
    );
    return Number.isFinite(value) ? value : null;
  }
  return null;
}
