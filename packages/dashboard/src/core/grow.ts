/** A copy of `array`'s first `used` entries in a new array of `length` entries. */
export function grown<T extends Float64Array | Uint8Array>(
  array: T,
  length: number,
  used: number,
  Kind: { new (length: number): T },
): T {
  const next = new Kind(length);
  next.set(array.subarray(0, used));
  return next;
}
