/**
 * Which producers are alive, across the tabs of one origin, with the Web Locks API
 * (https://w3c.github.io/web-locks/). Each durable producer holds an exclusive lock named after
 * itself for as long as it runs; the browser releases it when the tab closes, crashes or
 * navigates away. A record whose owner holds no lock belongs to a producer that is gone, and may
 * be adopted: that is how a reload or another tab finds what a closed tab left unsent, without
 * two live tabs sending the same records.
 */

interface LockManager {
  request(
    name: string,
    options: { mode: "exclusive" },
    callback: () => Promise<void>,
  ): Promise<void>;
  query(): Promise<{ held?: { name?: string }[] }>;
}

function lockManager(): LockManager | undefined {
  const nav = (globalThis as { navigator?: { locks?: LockManager } }).navigator;
  return nav?.locks;
}

export class OwnerLock {
  readonly owner: string;
  readonly #prefix: string;
  #release: (() => void) | undefined;

  private constructor(owner: string, prefix: string) {
    this.owner = owner;
    this.#prefix = prefix;
  }

  /** True where live owners can be told apart (the Web Locks API exists). */
  static get supported(): boolean {
    return lockManager() !== undefined;
  }

  /** Takes this producer's lock; resolves once it is held (at once: the name is unique). */
  static async acquire(queueName: string, owner: string): Promise<OwnerLock> {
    const lock = new OwnerLock(owner, `tributary-durable:${queueName}:`);
    const locks = lockManager();
    if (locks === undefined) return lock;
    await new Promise<void>((granted) => {
      void locks.request(`${lock.#prefix}${owner}`, { mode: "exclusive" }, () => {
        granted();
        return new Promise<void>((release) => {
          lock.#release = release;
        });
      });
    });
    return lock;
  }

  /**
   * The owners of this queue whose producers are alive now, this one included. Without the Web
   * Locks API only this one is known to be alive, so every other owner counts as gone.
   */
  async liveOwners(): Promise<Set<string>> {
    const live = new Set([this.owner]);
    const locks = lockManager();
    if (locks === undefined) return live;
    const { held = [] } = await locks.query();
    for (const l of held) {
      if (l.name?.startsWith(this.#prefix)) live.add(l.name.slice(this.#prefix.length));
    }
    return live;
  }

  release(): void {
    this.#release?.();
    this.#release = undefined;
  }
}
