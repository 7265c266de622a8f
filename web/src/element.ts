// <cargolive-tracking waybill="CL…" api="https://host">: the public tracking of one waybill,
// live. Shadow DOM keeps its styles in and the host page's out; `api` defaults to the origin
// that served this script, so an embed needs only the waybill.
import type { Client } from 'graphql-ws';
import css from './element.css?inline';
import {
  eventLabel,
  formatDay,
  formatMoment,
  formatWaybill,
  loadingLabel,
  normalizeWaybill,
  placeLabel,
  statusLabel,
  type Place,
} from './format';
import { openLink, query, subscribeFrom, type LinkState, type Resumable } from './live';

const TRACK = `query Track($waybill: String!) {
  trackWaybill(waybill: $waybill) {
    waybill status eta
    origin { name unlocode country }
    destination { name unlocode country }
    loading { loadingStatus loadedVehicles vehicleCapacity }
    events { cursor type classifier occurredAt late location { name unlocode country } }
  }
}`;

const SUMMARY = `query Summary($waybill: String!) {
  trackWaybill(waybill: $waybill) {
    status eta
    destination { name unlocode country }
    loading { loadingStatus loadedVehicles vehicleCapacity }
  }
}`;

const LIVE = `subscription Live($waybill: String!, $after: String) {
  waybillTracking(waybill: $waybill, after: $after) {
    cursor type classifier occurredAt late location { name unlocode country }
  }
}`;

interface TrackingEvent {
  cursor: string;
  type: string;
  classifier: 'PLANNED' | 'ESTIMATED' | 'ACTUAL';
  occurredAt: string;
  late: boolean;
  location: Place | null;
}

/** The log position a cursor stands for (`k:<seq>`, base64url): the order of the live stream. */
function logPosition(cursor: string): number {
  const text = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'));
  return Number(text.slice(text.indexOf(':') + 1));
}

/** Timeline order: when it happened, ties in log order (facts arrive late and out of order). */
function before(a: TrackingEvent, b: { occurredAt: string; cursor: string }): boolean {
  const at = Date.parse(a.occurredAt) - Date.parse(b.occurredAt);
  return at < 0 || (at === 0 && logPosition(a.cursor) < logPosition(b.cursor));
}

interface Loading {
  loadingStatus: string;
  loadedVehicles: number;
  vehicleCapacity: number;
}

interface Summary {
  status: string;
  eta: string | null;
  destination: Place;
  loading: Loading | null;
}

interface Tracking extends Summary {
  waybill: string;
  origin: Place;
  events: TrackingEvent[];
}

interface GraphQLError {
  message: string;
  extensions?: { code?: unknown };
}

export type Outcome = 'found' | 'mistyped' | 'malformed' | 'unknown' | 'busy' | 'failed';

const MESSAGES: Record<Exclude<Outcome, 'found'>, string> = {
  mistyped:
    'This waybill number has a typing mistake: its last character does not match the others. ' +
    'Please compare each character with your waybill.',
  malformed:
    'This is not a waybill number. A waybill number starts with CL and has 15 letters and digits.',
  unknown:
    'We have no shipment with this waybill number. It is written correctly, so please ask the ' +
    'sender whether the shipment has been booked yet.',
  busy: 'Too many look-ups from this connection. Please wait a minute and try again.',
  failed: 'Tracking is unavailable right now. Please try again in a moment.',
};

type Shown = LinkState | 'stopped';

const LINK_TEXT: Record<Shown, string> = {
  connecting: 'Connecting…',
  live: 'Live: updates as they happen',
  reconnecting: 'Connection lost: reconnecting…',
  stopped: 'Live updates stopped: reload the page to resume.',
};

const BUSY_TEXT: Record<LinkState, string> = {
  connecting: 'Looking up the waybill…',
  live: 'Looking up the waybill…',
  reconnecting: 'Cannot reach the tracking service yet: trying again…',
};

/** The shape of a waybill number (O, I and L are read as 0, 1, 1 like the server does). */
const WAYBILL_SHAPE = /^CL[0-9A-TV-Z]{13}$/;

const sheet = (() => {
  if (!('adoptedStyleSheets' in Document.prototype)) return null;
  const constructed = new CSSStyleSheet();
  constructed.replaceSync(css);
  return constructed;
})();

const TEMPLATE = document.createElement('template');
TEMPLATE.innerHTML = `
<section class="card" aria-labelledby="heading" hidden>
  <header class="head">
    <h2 id="heading">Waybill <span class="waybill" part="waybill"></span></h2>
    <p class="link" part="link" role="status" data-state="connecting">
      <span class="dot" aria-hidden="true"></span><span class="link-text"></span>
    </p>
  </header>
  <dl class="summary">
    <div><dt>Status</dt><dd class="status"></dd></div>
    <div><dt>Route</dt><dd class="route"><span class="from"></span>
      <span class="arrow" aria-hidden="true">→</span><span class="sr-only">to</span>
      <span class="to"></span></dd></div>
    <div><dt>Estimated arrival</dt><dd class="eta"></dd></div>
  </dl>
  <div class="body">
    <section class="timeline" aria-labelledby="events-heading">
      <h3 id="events-heading">Tracking events</h3>
      <ol class="events" aria-live="polite" aria-relevant="additions"></ol>
      <p class="empty" hidden>No events yet.</p>
    </section>
    <section class="loading" aria-labelledby="loading-heading" hidden>
      <h3 id="loading-heading">Container loading</h3>
      <progress class="bar" aria-labelledby="loading-heading"></progress>
      <p class="loaded"></p>
      <p class="loading-status"></p>
    </section>
  </div>
</section>
<p class="message" part="message" role="alert" hidden></p>
<p class="busy" role="status" hidden></p>
`;

export class CargoliveTracking extends HTMLElement {
  static observedAttributes = ['waybill', 'api'];

  private readonly root: ShadowRoot;
  private client: Client | null = null;
  private live: Resumable | null = null;
  private shown = new Set<string>();
  private refreshTimer: number | undefined;
  private generation = 0;
  private link: LinkState = 'connecting';
  private restarting = false;

  constructor() {
    super();
    this.root = this.attachShadow({ mode: 'open' });
    if (sheet) this.root.adoptedStyleSheets = [sheet];
    else this.root.innerHTML = `<style>${css}</style>`;
    this.root.append(TEMPLATE.content.cloneNode(true));
  }

  /** The API origin: the `api` attribute, or the origin this script was served from. */
  get api(): string {
    return this.getAttribute('api') || new URL(import.meta.url).origin;
  }

  connectedCallback(): void {
    this.restart();
  }

  disconnectedCallback(): void {
    this.stop();
  }

  attributeChangedCallback(_: string, before: string | null, after: string | null): void {
    if (before !== after) this.restart();
  }

  /** Once per task: an upgrade calls attributeChangedCallback and then connectedCallback, and
   * a host may set `api` and `waybill` one after the other; one connection serves them all. */
  private restart(): void {
    if (this.restarting) return;
    this.restarting = true;
    queueMicrotask(() => {
      this.restarting = false;
      if (this.isConnected) this.start();
    });
  }

  private $<T extends Element = HTMLElement>(selector: string): T {
    return this.root.querySelector(selector) as T;
  }

  private stop(): void {
    this.generation += 1;
    window.clearTimeout(this.refreshTimer);
    this.live?.dispose();
    this.live = null;
    void this.client?.dispose();
    this.client = null;
    this.shown = new Set();
  }

  private start(): void {
    this.stop();
    const waybill = normalizeWaybill(this.getAttribute('waybill') ?? '');
    this.$('.card').hidden = true;
    this.$('.message').hidden = true;
    if (!waybill) return;
    const generation = this.generation;
    const current = () => generation === this.generation;
    this.link = 'connecting';
    this.client = openLink(this.api, (state) => {
      if (!current()) return;
      this.link = state;
      if (this.live) this.showLink(state);
      else this.$('.busy').textContent = BUSY_TEXT[state];
    });
    const busy = this.$('.busy');
    busy.textContent = BUSY_TEXT.connecting;
    busy.hidden = false;
    void this.load(waybill, current);
  }

  private async load(waybill: string, current: () => boolean): Promise<void> {
    const client = this.client!;
    let outcome: Outcome;
    let tracking: Tracking | null = null;
    try {
      const result = await query<{ trackWaybill: Tracking | null }>(client, TRACK, { waybill });
      tracking = result.data?.trackWaybill ?? null;
      if (result.errors?.length) outcome = failure(result.errors, waybill);
      else outcome = tracking ? 'found' : 'unknown';
    } catch {
      outcome = 'failed';
    }
    if (!current()) return;
    this.$('.busy').hidden = true;
    this.dispatchEvent(
      new CustomEvent('cargolive-lookup', {
        bubbles: true,
        composed: true,
        detail: { outcome, waybill: tracking?.waybill ?? waybill },
      }),
    );
    if (outcome !== 'found' || !tracking) {
      const message = this.$('.message');
      message.textContent = MESSAGES[outcome as Exclude<Outcome, 'found'>];
      message.dataset.outcome = outcome;
      message.hidden = false;
      this.stop();
      return;
    }
    this.showTracking(tracking);
    this.follow(tracking, current);
  }

  private follow(tracking: Tracking, current: () => boolean): void {
    // The timeline is in time order; the stream resumes after the newest log position shown.
    const newest = tracking.events.map((event) => event.cursor);
    newest.sort((a, b) => logPosition(a) - logPosition(b));
    const last = newest.at(-1) ?? null;
    const waybill = tracking.waybill;
    this.live = subscribeFrom<{ waybillTracking: TrackingEvent }>(
      this.client!,
      LIVE,
      { waybill, after: last },
      {
        next: ({ waybillTracking: event }) => {
          if (!current() || this.shown.has(event.cursor)) return;
          this.addEvent(event, true);
          this.live?.advance(event.cursor);
          this.scheduleRefresh(waybill, current);
        },
        error: () => current() && this.showLink('stopped'),
      },
    );
    this.showLink(this.link);
  }

  /** Status, ETA and loading change with the events: ask again, once per burst of them. */
  private scheduleRefresh(waybill: string, current: () => boolean): void {
    window.clearTimeout(this.refreshTimer);
    this.refreshTimer = window.setTimeout(async () => {
      if (!this.client) return;
      try {
        const result = await query<{ trackWaybill: Summary | null }>(this.client, SUMMARY, {
          waybill,
        });
        const summary = result.data?.trackWaybill;
        if (summary && current()) this.showSummary(summary);
      } catch {
        // the next event asks again
      }
    }, 150);
  }

  private showLink(state: Shown): void {
    const link = this.$('.link');
    const text = this.$('.link-text');
    if (link.dataset.state === state && text.textContent) return; // say it once
    link.dataset.state = state;
    text.textContent = LINK_TEXT[state];
  }

  private showTracking(tracking: Tracking): void {
    this.$('.waybill').textContent = formatWaybill(tracking.waybill);
    this.$('.from').textContent = placeLabel(tracking.origin);
    this.showSummary(tracking);
    this.$('.events').replaceChildren();
    for (const event of tracking.events) this.addEvent(event, false);
    this.$('.card').hidden = false;
  }

  private showSummary(summary: Summary): void {
    const status = this.$('.status');
    status.textContent = statusLabel(summary.status);
    status.dataset.status = summary.status;
    this.$('.to').textContent = placeLabel(summary.destination);
    this.$('.eta').replaceChildren(
      summary.eta ? timeElement(summary.eta, formatDay(summary.eta)) : 'Not known yet',
    );
    const loading = summary.loading;
    this.$('.loading').hidden = !loading;
    if (loading) {
      const bar = this.$<HTMLProgressElement>('.bar');
      bar.max = loading.vehicleCapacity;
      bar.value = loading.loadedVehicles;
      this.$('.loaded').textContent =
        `${loading.loadedVehicles} of ${loading.vehicleCapacity} vehicles loaded`;
      this.$('.loading-status').textContent = loadingLabel(loading.loadingStatus);
    }
  }

  private addEvent(event: TrackingEvent, fresh: boolean): void {
    this.shown.add(event.cursor);
    const item = document.createElement('li');
    item.dataset.cursor = event.cursor;
    item.dataset.type = event.type;
    if (fresh) item.classList.add('fresh');
    if (event.classifier !== 'ACTUAL') item.classList.add('expected');
    const what = document.createElement('span');
    what.className = 'what';
    what.textContent = eventLabel(event.type, event.location);
    if (event.classifier !== 'ACTUAL' || event.late) {
      const note = document.createElement('span');
      note.className = 'note';
      note.textContent = event.late
        ? ' (reported late)'
        : event.classifier === 'ESTIMATED'
          ? ' (expected)'
          : ' (planned)';
      what.append(note);
    }
    const where = document.createElement('span');
    where.className = 'where';
    where.textContent = placeLabel(event.location);
    item.dataset.occurredAt = event.occurredAt;
    item.append(timeElement(event.occurredAt, formatMoment(event.occurredAt)), what, where);
    const list = this.$('.events');
    const next = Array.from(list.children as HTMLCollectionOf<HTMLElement>).find((shown) =>
      before(event, { occurredAt: shown.dataset.occurredAt!, cursor: shown.dataset.cursor! }),
    );
    list.insertBefore(item, next ?? null);
    this.$('.empty').hidden = this.shown.size > 0;
  }
}

function timeElement(iso: string, text: string): HTMLTimeElement {
  const time = document.createElement('time');
  time.dateTime = iso;
  time.textContent = text;
  return time;
}

function failure(errors: readonly GraphQLError[], waybill: string): Outcome {
  switch (errors[0].extensions?.code) {
    case 'INVALID_INPUT':
      // Refused although shaped like a waybill: only the check character can be wrong.
      return WAYBILL_SHAPE.test(waybill) ? 'mistyped' : 'malformed';
    case 'LIMIT_EXCEEDED':
      return 'busy';
    default:
      return 'failed';
  }
}

export function define(): void {
  if (!customElements.get('cargolive-tracking')) {
    customElements.define('cargolive-tracking', CargoliveTracking);
  }
}
