/** A tiny typed event emitter (nanostores-style): `on` returns its own unsubscribe. */
export interface Emitter<E> {
  _on<K extends keyof E>(event: K, handler: (payload: E[K]) => void): () => void;
  _emit<K extends keyof E>(event: K, payload: E[K]): void;
  _clear(): void;
}

export function createEmitter<E>(onHandlerError: (error: unknown) => void): Emitter<E> {
  let handlers: { [K in keyof E]?: ((payload: E[K]) => void)[] } = {};
  return {
    _on(event, handler) {
      const list = handlers[event] || [];
      handlers[event] = list;
      list.push(handler);
      return () => {
        const i = list.indexOf(handler);
        if (i >= 0) list.splice(i, 1);
      };
    },
    _emit(event, payload) {
      // Copy: a handler may unsubscribe itself. A throwing handler must not stop the others
      // nor reach the host page.
      for (const h of (handlers[event] || []).slice()) {
        try {
          h(payload);
        } catch (e) {
          onHandlerError(e);
        }
      }
    },
    _clear() {
      handlers = {};
    },
  };
}
