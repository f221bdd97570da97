/**
 * Port through which ingest asks which unit grid a point lies in. The grid-operations package owns the
 * grid hierarchy and implements it; the hub wires the two together.
 */
export abstract class GridResolver {
  abstract locate(lon: number, lat: number): string | null;
}
