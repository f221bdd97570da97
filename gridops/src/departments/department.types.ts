/** A specialist department (专业部门) that handles some incident categories (城管, 水务, 环保 …). */
export interface Department {
  code: string;
  nameZh: string;
  nameEn: string;
  /** Incident category codes it handles. */
  categories: string[];
  contactName: string | null;
  contactPhone: string | null;
}
