import { deflateSync } from 'node:zlib';
import { Rng } from './random';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A small field photo as a valid PNG (RGB, 8 bit): sky, street and a coloured block where the problem is,
 * different for every seed. Enough for the attachment path (type and size checks, storage, serving).
 */
export function fieldPhoto(seed: number, width = 96, height = 72): Buffer {
  const rng = new Rng(seed, 'photo');
  const horizon = Math.floor(height * rng.uniform(0.35, 0.55));
  const box = { x: rng.int(5, width - 30), y: rng.int(horizon, height - 20), w: rng.int(12, 25), h: rng.int(8, 18) };
  const colour = [rng.int(120, 255), rng.int(20, 160), rng.int(0, 90)];
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3); // filter byte 0 (none) per scanline
    for (let x = 0; x < width; x++) {
      let rgb: number[];
      if (x >= box.x && x < box.x + box.w && y >= box.y && y < box.y + box.h) rgb = colour;
      else if (y < horizon) rgb = [150 + (y * 60) / horizon, 185 + (y * 40) / horizon, 235];
      else rgb = [95 + ((x + y) % 7), 95 + ((x * 3 + y) % 5), 100];
      row.set(rgb.map((v) => Math.max(0, Math.min(255, Math.round(v + rng.normal(0, 3))))), 1 + x * 3);
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
