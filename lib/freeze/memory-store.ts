import { type Freeze, type FreezeStore, parseFreeze, serializeFreeze } from './freeze';

/** A freeze store in memory, for tests and the local runner. Stores the serialized text, as SSM does. */
export class InMemoryFreezeStore implements FreezeStore {
  private text: string | undefined;

  constructor(initial?: Freeze | string) {
    this.text = typeof initial === 'object' ? serializeFreeze(initial) : initial;
  }

  async get(): Promise<Freeze | undefined> {
    return this.text === undefined ? undefined : parseFreeze(this.text, 'the in-memory freeze');
  }

  async put(freeze: Freeze): Promise<void> {
    this.text = serializeFreeze(freeze);
  }

  async delete(): Promise<boolean> {
    const had = this.text !== undefined;
    this.text = undefined;
    return had;
  }
}
