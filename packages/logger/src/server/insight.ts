import type { HealthSample, ProfileMessage } from '@pulselog/shared';

/** Health samples the hub keeps for tabs that connect later: ten hours at one a second. */
export const KEPT_HEALTH_SAMPLES = 36_000;
/**
 * Bytes of profile chunks the hub keeps; past it the oldest chunks lose their
 * samples (never their frames or stacks). With the health samples (some 9 MB
 * at most, kept as text) it stays within the room the hub's heap bound leaves
 * beside batches in passage.
 */
export const KEPT_PROFILE_BYTES = 16 * 1024 * 1024;
/** Health samples per message when a tab is caught up. */
const HEALTH_PER_MESSAGE = 3600;

/**
 * What the hub keeps of the process's health and profile, bounded, to send
 * a tab that connects: every health sample of the last ten hours, and the
 * profile's chunks as they came (their text, sent again as it is) up to
 * `KEPT_PROFILE_BYTES`. A profile chunk's frames and stacks are kept however
 * old, since later chunks refer to them; its samples may go.
 */
export class InsightShelf {
  /** Each sample's JSON text: a third of the heap the parsed objects would take. */
  private health: string[] = [];
  private readonly profile: string[] = [];
  private profileBytes = 0;
  /** Index of the oldest profile chunk that still has its samples. */
  private profileTrimmed = 0;

  /** Keeps health samples. */
  addHealth(samples: readonly HealthSample[]): void {
    for (const sample of samples) this.health.push(JSON.stringify(sample));
    if (this.health.length > KEPT_HEALTH_SAMPLES * 1.1) this.health = this.health.slice(-KEPT_HEALTH_SAMPLES);
  }

  /** Keeps a profile chunk's message text (`message` is its parsed form). */
  addProfile(text: string, message: ProfileMessage): void {
    this.profile.push(text);
    this.profileBytes += text.length;
    while (this.profileBytes > KEPT_PROFILE_BYTES && this.profileTrimmed < this.profile.length - 1) {
      const old = this.profile[this.profileTrimmed] as string;
      const parsed = this.profileTrimmed === this.profile.length - 1 ? message : (JSON.parse(old) as ProfileMessage);
      const trimmed = JSON.stringify({ ...parsed, samples: [] });
      this.profile[this.profileTrimmed] = trimmed;
      this.profileBytes += trimmed.length - old.length;
      this.profileTrimmed++;
    }
  }

  /** Everything kept, as message texts to send a tab in order: health first, then the profile's chunks. */
  messages(): string[] {
    const texts: string[] = [];
    for (let i = 0; i < this.health.length; i += HEALTH_PER_MESSAGE) {
      texts.push(`{"type":"health","samples":[${this.health.slice(i, i + HEALTH_PER_MESSAGE).join(',')}]}`);
    }
    for (const text of this.profile) texts.push(text);
    return texts;
  }
}
