/** Who issues GridHub's early warnings, for GB/T 35965.1 documents (the hub passes it from its configuration). */
export class WarningOptions {
  /**
   * The issuing unit's 14-digit code ZZZZZZDDDUUUXX (GB/T 35965.1 A.1.2): GB/T 2260 area code, GB/T 4657 agency code,
   * internal code, extension. Default: Taiyuan (140100), agency code not set (000).
   */
  senderCode = '14010000000000';
  senderName = '城市网格化管理平台 GridHub';
}
