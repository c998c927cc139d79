/** Read a NUL-terminated string argument of `%s` (undefined when the pointer is bad). */
export type StringReader = (addr: bigint) => string | undefined;

/** Result of formatting: the text, or the kernel's reason to reject the format (-EINVAL). */
export type FormatResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: string };

/** Longest field a conversion can produce (BPF_TRACE_PRINTK_SIZE). */
const MAX_FIELD = 1024;

const SPEC = /%([-+ #0]*)(\d*)(?:\.(\d*))?(l{0,2}|h{0,2}|z)?([diuxXpsc%])/y;

function pad(body: string, flags: string, width: number, numeric: boolean): string {
  if (body.length >= width) return body;
  if (flags.includes('-')) return body.padEnd(width, ' ');
  if (numeric && flags.includes('0')) {
    const sign = /^[-+ ]|^0[xX]/.exec(body)?.[0] ?? '';
    return sign + body.slice(sign.length).padStart(width - sign.length, '0');
  }
  return body.padStart(width, ' ');
}

/**
 * printf-style formatting as bpf_trace_printk / bpf_snprintf do: `%d %i %u %x %ld %lu %lld
 * %llu %llx %p %s %c %%` (flags, width and precision allowed); without `l` a number is
 * taken as 32 bits. Arguments are raw u64 values.
 * @example formatBpf('x=%d %s', [5n, ptr], read) // 'x=5 hello'
 */
export function formatBpf(fmt: string, args: readonly bigint[], readString: StringReader): FormatResult {
  let out = '';
  let i = 0;
  let argi = 0;
  while (i < fmt.length) {
    const pct = fmt.indexOf('%', i);
    if (pct < 0) {
      out += fmt.slice(i);
      break;
    }
    out += fmt.slice(i, pct);
    SPEC.lastIndex = pct;
    const m = SPEC.exec(fmt);
    if (m === null) return { ok: false, reason: `unsupported conversion at '${fmt.slice(pct, pct + 4)}'` };
    i = SPEC.lastIndex;
    const [, flags = '', widthText = '', precText, len = '', conv] = m;
    if (conv === '%') {
      out += '%';
      continue;
    }
    if (argi >= args.length) return { ok: false, reason: `format needs more than ${args.length} arguments` };
    const raw = BigInt.asUintN(64, args[argi++]!);
    // The kernel formats into a 1024-byte buffer; wider fields cannot show anyway.
    const width = widthText === '' ? 0 : Math.min(Number(widthText), MAX_FIELD);
    const wide = len === 'l' || len === 'll' || len === 'z';
    let body: string;
    switch (conv) {
      case 'd':
      case 'i': {
        const v = wide ? BigInt.asIntN(64, raw) : len === 'h' ? BigInt.asIntN(16, raw) : len === 'hh' ? BigInt.asIntN(8, raw) : BigInt.asIntN(32, raw);
        body = (v >= 0n && flags.includes('+') ? '+' : v >= 0n && flags.includes(' ') ? ' ' : '') + v.toString();
        break;
      }
      case 'u':
      case 'x':
      case 'X': {
        const bits = wide ? 64 : len === 'h' ? 16 : len === 'hh' ? 8 : 32;
        const v = BigInt.asUintN(bits, raw);
        body = conv === 'u' ? v.toString() : v.toString(16);
        if (conv === 'X') body = body.toUpperCase();
        if (precText !== undefined && precText !== '') body = body.padStart(Math.min(Number(precText), MAX_FIELD), '0');
        if (flags.includes('#') && v !== 0n && conv !== 'u') body = (conv === 'X' ? '0X' : '0x') + body;
        break;
      }
      case 'p':
        body = `0x${raw.toString(16)}`;
        break;
      case 'c':
        body = String.fromCharCode(Number(raw & 0xffn));
        break;
      case 's': {
        const s = readString(raw);
        body = s === undefined ? '(efault)' : s;
        if (precText !== undefined && precText !== '') body = body.slice(0, Number(precText));
        break;
      }
      default:
        return { ok: false, reason: `unsupported conversion %${conv}` };
    }
    out += pad(body, flags, width, conv !== 's' && conv !== 'c');
  }
  return { ok: true, text: out };
}
