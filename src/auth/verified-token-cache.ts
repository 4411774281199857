interface Entry<T> {
  value: T;
  /** The signing secret it was verified with (already in this process's config; compared, never logged). */
  secret: string;
  expiresAtMs: number;
}

/**
 * Principals of bearer tokens already verified, so a client sending the same token on every request is not
 * re-verified each time (HMAC over WebCrypto was a visible share of a small query's CPU). An entry is served
 * only for the same signing secret and never past the token's own expiry; the oldest entry goes first when full.
 */
export class VerifiedTokenCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly capacity = 1024,
    private readonly now: () => number = Date.now,
  ) {}

  get(token: string, secret: string): T | null {
    const entry = this.entries.get(token);
    if (!entry) return null;
    if (entry.expiresAtMs <= this.now() || entry.secret !== secret) {
      this.entries.delete(token);
      return null;
    }
    // Re-inserting keeps the Map in least-recently-used order.
    this.entries.delete(token);
    this.entries.set(token, entry);
    return entry.value;
  }

  /** `expiresAtSeconds` is the token's `exp` claim; a token without one is not cached. */
  set(token: string, secret: string, value: T, expiresAtSeconds: number | undefined): void {
    if (expiresAtSeconds === undefined) return;
    const expiresAtMs = expiresAtSeconds * 1000;
    if (expiresAtMs <= this.now()) return;
    this.entries.delete(token);
    this.entries.set(token, { value, secret, expiresAtMs });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
