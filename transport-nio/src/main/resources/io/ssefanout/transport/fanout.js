// SSE Fanout browser helper: an EventSource that keeps each key's latest value and recovers by itself.
// Plain ES module, no dependency, no build step. Served by the server at /fanout.js.
//
//   import { FanoutStream } from '/fanout.js';
//   const stream = new FanoutStream('/sse', { topics: ['sym.*'], snapshot: true, maxRate: 5,
//     onEvent: (key, value, event) => render(key, value), onReset: () => note('resynchronised'),
//     onState: (state) => showStatus(state) });
//   stream.start();

/** Reads the key of an event: the topic or symbol its JSON data names, else the event type. */
export function defaultKey(event, data) {
  if (data && typeof data === 'object') {
    if (data.topic !== undefined) return String(data.topic);
    if (data.sym !== undefined) return String(data.sym);
  }
  return event.type;
}

export class FanoutStream {
  /**
   * @param {string} url        the stream endpoint, e.g. '/sse'
   * @param {object} options    topics (names or patterns), snapshot (default true), maxRate (events/s per topic,
   *                            0 for none), token (async () => jwt, optional), types (event types to listen to,
   *                            default ['message']), key ((event, data) => key), onEvent (key, value, event),
   *                            onReset (data), onState (state: 'connecting' | 'open' | 'retrying' | 'closed')
   */
  constructor(url, options = {}) {
    this.url = url;
    this.topics = options.topics || [];
    this.snapshot = options.snapshot !== false;
    this.maxRate = options.maxRate || 0;
    this.token = options.token || null;
    this.types = options.types || ['message'];
    this.key = options.key || defaultKey;
    this.onEvent = options.onEvent || (() => {});
    this.onReset = options.onReset || (() => {});
    this.onState = options.onState || (() => {});
    this.latest = new Map();
    this.lastEventId = null;
    this.state = 'closed';
    this.attempt = 0;
    this.source = null;
    this.timer = null;
  }

  /** Opens the stream; a second call reopens it (e.g. after changing maxRate). */
  async start() {
    this.stopSource();
    this.setState('connecting');
    const params = new URLSearchParams();
    if (this.topics.length) params.set('topics', this.topics.join(','));
    if (this.snapshot) params.set('snapshot', 'true');
    if (this.maxRate > 0) params.set('maxRate', String(this.maxRate));
    if (this.lastEventId !== null) params.set('lastEventId', this.lastEventId);
    if (this.token) {
      try {
        params.set('access_token', await this.token());
      } catch (error) {
        this.retryLater();
        return;
      }
    }
    const source = new EventSource(this.url + (this.url.includes('?') ? '&' : '?') + params);
    this.source = source;
    source.onopen = () => { this.attempt = 0; this.setState('open'); };
    source.onerror = () => {
      if (source !== this.source) return;
      // CONNECTING: the browser reconnects by itself with Last-Event-ID; CLOSED: an HTTP error stopped it for good
      if (source.readyState === EventSource.CLOSED) {
        this.retryLater();
      } else {
        this.setState('retrying');
      }
    };
    for (const type of this.types) {
      source.addEventListener(type, (event) => this.deliver(event));
    }
    source.addEventListener('reset', (event) => {
      // events after our last id are gone: the server follows with each topic's current value (snapshot=true)
      this.onReset(JSON.parse(event.data));
      if (!this.snapshot) {
        this.snapshot = true;
        this.lastEventId = null;
        this.start();
      }
    });
  }

  /** Closes the stream for good. */
  close() {
    this.stopSource();
    this.setState('closed');
  }

  /** Reopens with another per-topic rate cap (0 for none), resuming from the last event. */
  setMaxRate(maxRate) {
    this.maxRate = maxRate;
    this.start();
  }

  deliver(event) {
    let data = event.data;
    try {
      data = JSON.parse(event.data);
    } catch (notJson) {
      // plain text: the key falls back to the event type
    }
    if (event.lastEventId) this.lastEventId = event.lastEventId;
    const key = this.key(event, data);
    this.latest.set(key, data);
    this.onEvent(key, data, event);
  }

  retryLater() {
    this.stopSource();
    this.setState('retrying');
    // exponential backoff with full jitter, 0.5 s to 30 s; the token is asked for again (it may have expired)
    const ceiling = Math.min(30000, 500 * 2 ** Math.min(this.attempt, 10));
    this.attempt++;
    this.timer = setTimeout(() => this.start(), Math.random() * ceiling);
  }

  stopSource() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.source) this.source.close();
    this.source = null;
  }

  setState(state) {
    if (state !== this.state) {
      this.state = state;
      this.onState(state);
    }
  }
}
