// The page at /track/ and /track/<waybill>: a search box above the same <cargolive-tracking>
// element that other sites embed. The address always names the waybill shown.
import './page.css';
import { define } from './element';
import { formatWaybill, normalizeWaybill } from './format';

define();

const BASE = import.meta.env.BASE_URL; // "/track/"
const form = document.querySelector<HTMLFormElement>('form.search')!;
const input = document.querySelector<HTMLInputElement>('#waybill')!;
const empty = document.querySelector<HTMLElement>('#waybill-empty')!;
const tracking = document.querySelector('cargolive-tracking')!;

function fromAddress(): string {
  const rest = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : '';
  return normalizeWaybill(decodeURIComponent(rest.replace(/\/+$/, '')));
}

function show(waybill: string): void {
  input.value = waybill ? formatWaybill(waybill) : '';
  input.removeAttribute('aria-invalid');
  empty.hidden = true;
  if (waybill) tracking.setAttribute('waybill', waybill);
  else tracking.removeAttribute('waybill');
  document.title = waybill
    ? `Waybill ${formatWaybill(waybill)} · Cargolive`
    : 'Track a shipment · Cargolive';
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const waybill = normalizeWaybill(input.value);
  if (!waybill) {
    empty.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', 'waybill-empty waybill-hint');
    input.focus();
    return;
  }
  input.setAttribute('aria-describedby', 'waybill-hint');
  if (waybill !== fromAddress()) history.pushState(null, '', BASE + encodeURIComponent(waybill));
  show(waybill);
});

tracking.addEventListener('cargolive-lookup', (event) => {
  const { outcome, waybill } = (event as CustomEvent<{ outcome: string; waybill: string }>).detail;
  if (outcome === 'found') {
    // The server's spelling (O read as 0 and so on) becomes the address to share.
    if (location.pathname !== BASE + waybill) history.replaceState(null, '', BASE + waybill);
    input.value = formatWaybill(waybill);
  } else if (outcome === 'mistyped' || outcome === 'malformed') {
    input.setAttribute('aria-invalid', 'true');
  }
});

window.addEventListener('popstate', () => show(fromAddress()));
show(fromAddress());
