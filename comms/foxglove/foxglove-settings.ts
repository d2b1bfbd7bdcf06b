import type { ParamValues } from '../../config/params.js';

/** What the Foxglove server is started with; null settings: it is off. */
export interface FoxgloveSettings {
  listen: string;
  maxClients: number;
  robotId: string;
  /** The board's footprint, drawn on `/footprint`; null when unknown. */
  footprint: { lengthM: number; widthM: number } | null;
}

/** The Foxglove server's settings from resolved parameters (`foxglove.*`); null when `foxglove.listen` is empty. */
export function foxgloveSettingsFromParams(
  params: ParamValues,
  footprint: { lengthM: number; widthM: number } | null,
): FoxgloveSettings | null {
  const listen = params['foxglove.listen'];
  if (listen === '') return null;
  return { listen, maxClients: params['foxglove.maxClients'], robotId: params['robot.id'], footprint };
}
