import { shallowRef, watch } from 'vue';

/**
 * Optional online backgrounds. Default: none — the command centre runs without internet on the hub's vector
 * basemap. A build can preselect one (VITE_GRIDHUB_TILES=osm|tianditu, VITE_TIANDITU_KEY=…); a user's choice is kept
 * in the browser. TianDiTu's `_w` layers are Web Mercator on CGCS2000, which is within a metre of WGS-84: no shift.
 */
export const TILE_SOURCES = ['none', 'osm', 'tianditu'] as const;
export type TileSource = (typeof TILE_SOURCES)[number];

export interface TileSetting {
  source: TileSource;
  tiandituKey: string;
}

const STORAGE_KEY = 'gridhub.tiles';

function initial(): TileSetting {
  const env = import.meta.env as Record<string, string | undefined>;
  const fromEnv: TileSetting = {
    source: (TILE_SOURCES as readonly string[]).includes(env['VITE_GRIDHUB_TILES'] ?? '') ? (env['VITE_GRIDHUB_TILES'] as TileSource) : 'none',
    tiandituKey: env['VITE_TIANDITU_KEY'] ?? '',
  };
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as Partial<TileSetting> | null;
    if (stored && (TILE_SOURCES as readonly string[]).includes(stored.source ?? '')) {
      return { source: stored.source!, tiandituKey: stored.tiandituKey ?? fromEnv.tiandituKey };
    }
  } catch {
    // no storage: the build's default
  }
  return fromEnv;
}

export const tileSetting = shallowRef<TileSetting>(initial());
watch(tileSetting, (s) => {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(s));
  } catch {
    // storage disabled: the choice lasts for this page only
  }
});

export function tileUrls(s: TileSetting): { url: string; attribution: string }[] {
  switch (s.source) {
    case 'osm':
      return [{ url: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png', attribution: '© OpenStreetMap contributors' }];
    case 'tianditu': {
      if (!s.tiandituKey) return [];
      const wmts = (layer: string) =>
        `https://t{0-7}.tianditu.gov.cn/${layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=${layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${encodeURIComponent(s.tiandituKey)}`;
      return [
        { url: wmts('vec'), attribution: '© 天地图 TianDiTu' },
        { url: wmts('cva'), attribution: '© 天地图 TianDiTu' },
      ];
    }
    default:
      return [];
  }
}
