/** Ends one subscription (to readings, points, state or health changes); calling it again does nothing. */
export type Unsubscribe = () => void;

/**
 * The listeners of one kind of event of a device, in the order they subscribed. `add` returns the
 * function that ends that subscription; iterating gives the listeners subscribed now. Ending a
 * subscription while the listeners are being called does not disturb that round: the ones still
 * to come are called all the same.
 */
export class ListenerList<TListener> implements Iterable<TListener> {
  private listeners: TListener[] = [];

  /** Subscribes `listener`; the function returned unsubscribes it (calling it again does nothing). */
  add(listener: TListener): Unsubscribe {
    this.listeners.push(listener);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      const index = this.listeners.indexOf(listener);
      if (index >= 0) this.listeners = [...this.listeners.slice(0, index), ...this.listeners.slice(index + 1)];
    };
  }

  /** How many subscriptions are open. */
  get size(): number {
    return this.listeners.length;
  }

  [Symbol.iterator](): Iterator<TListener> {
    return this.listeners[Symbol.iterator]();
  }
}
