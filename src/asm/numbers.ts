/** Number literals as llvm-mc reads them: decimal, `0x` hex, `0b` binary, octal with a leading `0`. */

const OCTAL = /^[0-7]+$/;

/**
 * Value of a number token image, read as llvm-mc reads it: decimal, `0x` hex, `0b` binary,
 * and octal when it has a leading `0` (`010` is 8). NaN for a bad octal number such as `08`.
 */
export function numberValue(image: string): number {
  if (image.length > 1 && image.charCodeAt(0) === 0x30) {
    const c1 = image.charCodeAt(1) | 0x20;
    if (c1 === 0x78 /* x */) return parseInt(image.slice(2), 16);
    if (c1 === 0x62 /* b */) return parseInt(image.slice(2), 2);
    return OCTAL.test(image) ? parseInt(image, 8) : NaN;
  }
  return image.length < 16 ? +image : Number(BigInt(image));
}

/** The same as a bigint (exact for every width); undefined for a bad octal number. */
export function bigNumberValue(image: string): bigint | undefined {
  if (image.length > 1 && image.charCodeAt(0) === 0x30) {
    const c1 = image.charCodeAt(1) | 0x20;
    if (c1 !== 0x78 && c1 !== 0x62) return OCTAL.test(image) ? BigInt(`0o${image.slice(1)}`) : undefined;
  }
  return BigInt(image);
}

/** The message for a number with a leading 0 that is not octal. */
export const badOctal = (image: string): string => `invalid octal number '${image}' (a leading 0 makes a number octal, as in llvm-mc)`;
