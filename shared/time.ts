/** "3h 12m", "45m", "30s": a short human duration. Used by the CLI and the page. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  if (minutes > 0) return `${minutes}m`;
  return `${seconds}s`;
}

/** "expires in 3h 12m" or "expired". */
export function describeExpiry(expiresAt: string, now: number = Date.now()): string {
  const left = Date.parse(expiresAt) - now;
  return left > 0 ? `expires in ${formatDuration(left)}` : 'expired';
}
