import type { LoadedModel } from './loadedModel';

export interface AbConfig {
  /** Share of tickers (0–1) answered by the candidate. */
  fraction: number;
  experimentId: string;
}

/**
 * What the service answers with at one moment: immutable. A request takes one snapshot at its
 * start and uses only it, so a concurrent swap can never mix versions within a request.
 */
export interface ModelSet {
  readonly generation: number;
  readonly production: LoadedModel | null;
  /** The staging candidate: shadow-scored, and the A/B candidate when A/B is on. */
  readonly candidate: LoadedModel | null;
  readonly ab: AbConfig | null;
}

/** Holds the current ModelSet; swapping is one reference assignment. */
export class ModelSetHolder {
  private set: ModelSet = { generation: 0, production: null, candidate: null, ab: null };

  /** The current set with its models retained; call the returned release when the request ends. */
  acquire(): { set: ModelSet; release: () => void } {
    const set = this.set;
    set.production?.retain();
    set.candidate?.retain();
    let done = false;
    return {
      set,
      release: () => {
        if (done) return;
        done = true;
        set.production?.release();
        set.candidate?.release();
      },
    };
  }

  peek(): ModelSet {
    return this.set;
  }

  /** Install the next set; the holder's own reference to models no longer used is dropped. */
  swap(next: Omit<ModelSet, 'generation'>): ModelSet {
    const prev = this.set;
    for (const m of [next.production, next.candidate]) m?.retain();
    this.set = { ...next, generation: prev.generation + 1 };
    prev.production?.release();
    prev.candidate?.release();
    return this.set;
  }

  close(): void {
    this.swap({ production: null, candidate: null, ab: null });
  }
}
