import { WireFieldError } from './from-wire.js';

/**
 * A two-way table between an in-process string union and a generated enum. Built from a record over
 * every in-process value, so a value without its wire counterpart does not compile; a wire value
 * without an in-process one (unspecified, unknown, added later) is refused when read.
 */
export interface EnumMapping<Local extends string, Wire extends number> {
  toWire(value: Local): Wire;
  /** Throws {@link WireFieldError} for a wire value with no in-process counterpart. */
  fromWire(value: Wire, field: string): Local;
  /** The wire values that have an in-process counterpart. */
  readonly wireValues: readonly Wire[];
}

export function enumMapping<Local extends string, Wire extends number>(
  table: Record<Local, Wire>,
): EnumMapping<Local, Wire> {
  const entries = Object.entries(table) as [Local, Wire][];
  const byWire = new Map(entries.map(([local, wire]) => [wire, local]));
  return {
    toWire: (value) => table[value],
    fromWire: (value, field) => {
      const local = byWire.get(value);
      if (local === undefined) throw new WireFieldError(field, `unknown value ${value}`);
      return local;
    },
    wireValues: entries.map(([, wire]) => wire),
  };
}
