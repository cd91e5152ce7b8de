import pl from 'nodejs-polars';

/** A numeric column as a Float64Array, nulls as NaN (polars refuses typed arrays with nulls). */
export function columnAsFloat64(df: pl.DataFrame, name: string): Float64Array {
  const col = df.getColumn(name);
  const clean =
    col.nullCount() === 0 && (col.dtype as { equals(other: unknown): boolean }).equals(pl.Float64)
      ? col
      : df.select(pl.col(name).cast(pl.Float64).fillNull(pl.lit(Number.NaN))).getColumn(name);
  return clean.toTypedArray() as Float64Array;
}

/** A Float64 column with NaN stored as null, so Parquet readers see "missing" rather than a number. */
export function nullableFloat64(name: string, values: Float64Array): pl.Series {
  const s = pl.Series(name, values);
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i]!)) return pl.DataFrame([s]).select(pl.col(name).fillNan(null)).getColumn(name);
  }
  return s;
}
