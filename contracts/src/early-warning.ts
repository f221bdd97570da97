/**
 * GB/T 35965.1-2018 应急信息交互协议 第1部分：预警信息 — the identifier rule and the time formats (annex A), for the
 * early-warning document GridHub offers beside CAP 1.2 (docs/domain/early-warning.md). Pure functions.
 *
 * Identifier (A.1.1), 31 characters: `ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N` —
 * ZZZZZZDDDUUUXX the issuing unit's code (A.1.2: 6-digit GB/T 2260 area code, 3-digit GB/T 4657 agency code,
 * 3-digit internal code, default 000, 2-digit extension, default 00), the entry time in Beijing time (A.1.3), and N
 * the 0–9 sequence of warnings the same unit entered in the same second.
 */

export const SENDER_CODE_PATTERN = /^(\d{6})(\d{3})(\d{3})(\d{2})$/;
const IDENTIFIER_PATTERN = /^(\d{14})_(\d{14})_(\d)$/;

export interface SenderCode {
  /** GB/T 2260 administrative division code, e.g. 140100 (Taiyuan). */
  areaCode: string;
  /** GB/T 4657 agency code. */
  agencyCode: string;
  /** The unit's internal second-level code (default 000). */
  unitCode: string;
  /** Extension (default 00). */
  extension: string;
}

export function parseSenderCode(code: string): SenderCode {
  const m = SENDER_CODE_PATTERN.exec(code);
  if (!m) throw new RangeError(`a GB/T 35965.1 sender code is 14 digits (6 area + 3 agency + 3 unit + 2 extension), got "${code}"`);
  return { areaCode: m[1]!, agencyCode: m[2]!, unitCode: m[3]!, extension: m[4]! };
}

const beijing = (at: Date) => new Date(Math.floor(at.getTime() / 1000) * 1000 + 8 * 3600_000).toISOString();

/** A.1.3.1 basic format: YYYYMMDDhhmmss in Beijing time (UTC+8). */
export function beijingBasic(at: Date): string {
  const s = beijing(at);
  return `${s.slice(0, 4)}${s.slice(5, 7)}${s.slice(8, 10)}${s.slice(11, 13)}${s.slice(14, 16)}${s.slice(17, 19)}`;
}

/** A.1.3.2 extended format: YYYY-MM-DDThh:mm:ss+08:00. */
export function beijingExtended(at: Date): string {
  return `${beijing(at).slice(0, 19)}+08:00`;
}

/** The identifier of a warning entered by `senderCode` at `entered`, the `sequence`-th (0–9) of that unit in that second. */
export function warningIdentifier(senderCode: string, entered: Date, sequence: number): string {
  parseSenderCode(senderCode);
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > 9) {
    throw new RangeError(`GB/T 35965.1 numbers at most 10 warnings of one unit in one second (0–9), got ${sequence}`);
  }
  return `${senderCode}_${beijingBasic(entered)}_${sequence}`;
}

export function parseWarningIdentifier(identifier: string): { sender: SenderCode; entered: Date; sequence: number } {
  const m = IDENTIFIER_PATTERN.exec(identifier);
  if (!m) throw new RangeError(`a GB/T 35965.1 identifier is ZZZZZZDDDUUUXX_YYYYMMDDhhmmss_N (31 characters), got "${identifier}"`);
  const t = m[2]!;
  const entered = new Date(`${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}T${t.slice(8, 10)}:${t.slice(10, 12)}:${t.slice(12, 14)}+08:00`);
  if (Number.isNaN(entered.getTime())) throw new RangeError(`"${t}" is not a Beijing time`);
  return { sender: parseSenderCode(m[1]!), entered, sequence: Number(m[3]) };
}
