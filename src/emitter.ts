/** A tiny typed event emitter (nanostores-style): `on` returns its own unsubscribe. */
export interface Emitter<E> {
  _on<K extends keyof E>(event: K, handler: (payload: E[K]) => void): () => void;
  _emit<K extends keyof E>(event: K, payload: E[K]): void;
  _clear(): void;
}

export function createEmitter<E>(onHandlerError: (error: unknown) => void): Emitter<E> {
  // A Map: an event named like an Object.prototype member (`on('constructor', …)`) is just a name.
  const handlers = new Map<keyof E, ((payload: never) => void)[]>();
  return {
    _on(event, handler) {
      const list = handlers.get(event) || [];
      handlers.set(event, list);
      list.push(handler);
      return () => {
        const i = list.indexOf(handler);
        if (i >= 0) list.splice(i, 1);
      };
    },
    _emit(event, payload) {
      // Copy: a handler may unsubscribe itself. A throwing handler must not stop the others
      // nor reach the host page.
      for (const h of (handlers.get(event) || []).slice()) {
        try {
          (h as (payload: E[typeof event]) => void)(payload);
        } catch (e) {
          onHandlerError(e);
        }
      }
    },
    _clear() {
      handlers.clear();
    },
  };
}
