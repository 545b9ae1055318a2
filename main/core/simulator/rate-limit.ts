/**
 * A token bucket: `ratePerSecond` tokens flow in per second, up to a burst of the same size,
 * and each request takes one. Panorama's documented quota is 5 requests per second; callers
 * above it get ThrottlingException (HTTP 429), which well-behaved clients retry with backoff.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly ratePerSecond: number,
    now: number = Date.now(),
  ) {
    if (!Number.isFinite(ratePerSecond) || ratePerSecond < 0) throw new RangeError(`rate must be a non-negative number, got ${ratePerSecond}`);
    this.tokens = ratePerSecond;
    this.refilledAt = now;
  }

  /** Takes a token if one is available. A rate of 0 turns the limit off. */
  take(now: number = Date.now()): boolean {
    if (this.ratePerSecond === 0) return true;
    const elapsed = Math.max(0, now - this.refilledAt) / 1000;
    this.tokens = Math.min(this.ratePerSecond, this.tokens + elapsed * this.ratePerSecond);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
