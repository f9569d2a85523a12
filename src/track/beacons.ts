/**
 * The core's side of the beacons: the transport itself (batching, the persisted queue, retries)
 * is in the post-paint part, which the script tags load a task after the first decision. What
 * happens before it arrives is held here, and a page left before then still sends it: on
 * `visibilitychange` to hidden, which the runtime hears (`_hide`), the held events go out in one
 * `sendBeacon`. If the page lives on, the transport gets them all the same when it arrives (at
 * least once; the collector keeps one copy of each event id). Once it is there, `_hide` is the
 * transport's own flush on leaving: it adds no listeners of its own.
 */
import type { ConversionEvent, ExposureEvent } from '../manifest/types';
import { chunked, loadPost } from '../parts';
import { withPart } from '../when';
import type { Transport, TransportOptions } from './transport';

type TailorEvent = ExposureEvent | ConversionEvent;

export function createBeacons(o: TransportOptions): Transport & { _hide(): void } {
  const win = typeof window === 'object' ? window : null;
  let real: Transport | null = null;
  let held: TailorEvent[] = [];
  let flush: boolean | undefined | null = null;
  let stopped = false;
  /** How many of `held` a beacon has sent: a page can be hidden more than once (tab switches). */
  let sent = 0;
  const arrive = () =>
    withPart(
      loadPost(),
      (p) => {
        if (stopped) return;
        real = p.createTransport(o);
        for (const e of held) real._push(e);
        held = [];
        if (flush !== null) real._flush(flush);
      },
      (e) => o._report(`${(e as Error)?.message || e}`),
    );
  // One task later: the first decision renders before the chunk is even asked for.
  if (chunked) setTimeout(arrive);
  else arrive();
  return {
    _push: (e) => (real ? real._push(e) : void held.push(e)),
    _flush: (hiding) => {
      if (real) real._flush(hiding);
      else flush = hiding;
    },
    _drop: () => {
      held = [];
      sent = 0;
      real?._drop();
    },
    _stop: () => {
      stopped = true;
      real?._stop();
    },
    /**
     * The page is going away (the runtime's listener for hidden, after it has queued
     * what it held): the transport sends its queue; before it has arrived, the events of the
     * first moments go out in one body.
     */
    _hide: () => {
      if (real) return real._flush(true);
      if (held.length <= sent || !o._endpoint || !o._allowed()) return;
      try {
        // A string body goes as text/plain;charset=UTF-8 (no CORS preflight), as the transport's.
        win?.navigator.sendBeacon?.(
          o._endpoint,
          JSON.stringify({ v: 1, site: o._site, sent: o._now(), events: held.slice(sent) }),
        );
        sent = held.length;
      } catch {}
    },
  };
}
