// Words and numbers as a dealer's customer reads them: no codes, times in their own zone.

export interface Place {
  name: string;
  unlocode: string | null;
  country: string;
}

/** Like the server: case, spaces and hyphens do not matter (the server also reads O as 0). */
export function normalizeWaybill(input: string): string {
  return input.replace(/[a-z]/g, (letter) => letter.toUpperCase()).replace(/[\s-]+/g, '');
}

/** Groups of five, as printed on the waybill: CL7K3-M9QX2-TB4H5. */
export function formatWaybill(waybill: string): string {
  return waybill.match(/.{1,5}/g)?.join('-') ?? waybill;
}

const STATUS: Record<string, string> = {
  BOOKED: 'Booked',
  ACCEPTED: 'Accepted by a carrier',
  PICKUP_SCHEDULED: 'Pickup scheduled',
  PICKED_UP: 'Picked up',
  AT_WAREHOUSE: 'At the warehouse',
  LOADED: 'Loaded into the container',
  IN_TRANSIT: 'In transit',
  ARRIVED: 'Arrived at the destination port',
  RELEASED: 'Released for collection',
  DELIVERED: 'Delivered',
  ON_HOLD: 'On hold',
  CANCELLED: 'Cancelled',
};

const EVENT: Record<string, string> = {
  BOOKED: 'Booked',
  ACCEPTED: 'Accepted by a carrier',
  PICKUP_SCHEDULED: 'Pickup scheduled',
  PICKED_UP: 'Picked up',
  GATED_IN: 'Checked in at the gate',
  STUFFED: 'Loaded into the container',
  SEALED: 'Container sealed',
  LOADED: 'Loaded on the vessel',
  DEPARTED: 'Departed',
  ARRIVED: 'Arrived',
  DISCHARGED: 'Unloaded from the vessel',
  CUSTOMS_RELEASED: 'Cleared by customs',
  RELEASED: 'Released for collection',
  AVAILABLE_FOR_PICKUP: 'Ready for collection',
  GATED_OUT: 'Checked out at the gate',
  STRIPPED: 'Unloaded from the container',
  DELIVERED: 'Delivered',
  ON_HOLD: 'On hold',
  HOLD_RELEASED: 'Hold released',
  DELAYED: 'Delayed',
  DAMAGED: 'Damage reported',
  AMENDMENT_RECEIVED: 'Destination change requested',
  AMENDMENT_CONFIRMED: 'Destination changed',
  AMENDMENT_DECLINED: 'Destination change declined',
  CANCELLATION_RECEIVED: 'Cancellation requested',
  CANCELLATION_CONFIRMED: 'Cancelled',
  CANCELLATION_DECLINED: 'Cancellation declined',
};

const LOADING: Record<string, string> = {
  EMPTY: 'Waiting for vehicles',
  PLANNED: 'Loading planned',
  STUFFING: 'Loading vehicles',
  STUFFED: 'All vehicles loaded',
  SEALED: 'Sealed',
  GATED_IN: 'At the port',
  LOADED: 'On the vessel',
  DEPARTED: 'At sea',
  ARRIVED: 'Arrived',
  DISCHARGED: 'Unloaded from the vessel',
  AVAILABLE_FOR_PICKUP: 'Ready for collection',
  GATED_OUT: 'Left the port',
  STRIPPED: 'Unloaded',
};

const words = (code: string) => code.charAt(0) + code.slice(1).toLowerCase().replace(/_/g, ' ');

export const statusLabel = (code: string): string => STATUS[code] ?? words(code);
export type PlaceKind = 'port' | 'warehouse' | 'yard';

// Checked in this order: "Cargolive warehouse, Port Newark" is a warehouse at a port.
const KINDS: [PlaceKind, RegExp][] = [
  ['warehouse', /\b(warehouse|cfs|depot|storage)\b/i],
  ['yard', /\b(yard|copart|iaai|auction)\b/i],
  ['port', /\b(port|terminal|harbou?r|quay|dock)\b/i],
];

/** What kind of place a location is, as far as its name tells (null: it does not say). */
export function placeKind(place: Place | null): PlaceKind | null {
  if (!place) return null;
  return KINDS.find(([, pattern]) => pattern.test(place.name))?.[0] ?? null;
}

// Gate events happen at ports, warehouses and yards alike: their words follow the place.
const AT_PLACE: Record<string, Record<PlaceKind, string>> = {
  GATED_IN: {
    port: 'Arrived at the port',
    warehouse: 'Arrived at the warehouse',
    yard: 'Arrived at the yard',
  },
  GATED_OUT: { port: 'Left the port', warehouse: 'Left the warehouse', yard: 'Left the yard' },
};

export function eventLabel(code: string, place: Place | null = null): string {
  const kind = placeKind(place);
  return (kind && AT_PLACE[code]?.[kind]) ?? EVENT[code] ?? words(code);
}
export const loadingLabel = (code: string): string => LOADING[code] ?? words(code);

export function placeLabel(place: Place | null): string {
  if (!place) return '';
  const code = place.unlocode ? ` (${place.unlocode})` : '';
  return `${place.name}, ${place.country}${code}`;
}

// undefined locale and time zone: the viewer's own, as the browser knows them.
// (dateStyle and timeStyle refuse timeZoneName, hence the separate fields)
const moment = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZoneName: 'short',
});
const day = new Intl.DateTimeFormat(undefined, { dateStyle: 'full' });

export const formatMoment = (iso: string): string => moment.format(new Date(iso));
export const formatDay = (iso: string): string => day.format(new Date(iso));
