import { displayName, sniffImageType } from './image-type';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('sniffImageType', () => {
  it('recognises JPEG, PNG and WebP by their first bytes', () => {
    expect(sniffImageType(bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10))).toBe('image/jpeg');
    expect(sniffImageType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0))).toBe('image/png');
    expect(sniffImageType(Buffer.from('RIFF\x24\x00\x00\x00WEBPVP8 ', 'latin1'))).toBe('image/webp');
  });

  it('refuses other content whatever its name says', () => {
    expect(sniffImageType(Buffer.from('<?php echo 1; ?>'))).toBeNull();
    expect(sniffImageType(Buffer.from('GIF89a......'))).toBeNull();
    expect(sniffImageType(Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'))).toBeNull();
    expect(sniffImageType(bytes(0xff, 0xd8))).toBeNull();
    expect(sniffImageType(bytes())).toBeNull();
  });
});

describe('displayName', () => {
  it('keeps only the last path segment without control characters or leading dots', () => {
    expect(displayName('../../etc/passwd')).toBe('passwd');
    expect(displayName('..\\..\\win.ini')).toBe('win.ini');
    expect(displayName('.hidden.jpg')).toBe('hidden.jpg');
    expect(displayName('现场照片\u0000.jpg')).toBe('现场照片.jpg');
    expect(displayName('../')).toBe('photo');
    expect(displayName(undefined)).toBe('photo');
  });
});
