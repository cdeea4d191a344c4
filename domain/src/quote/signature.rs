//! Is a signature really a PNG image? A structural check of the header and
//! trailer, without decoding the pixels.

use super::errors::QuoteError;

/// Largest accepted signature image.
pub const MAX_SIGNATURE_BYTES: usize = 512 * 1024;
/// Largest accepted width or height, in pixels.
pub const MAX_SIDE: u32 = 8_192;

const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
const IEND: [u8; 12] = [0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xae, 0x42, 0x60, 0x82];

/// Accepts bytes that start with the PNG signature and a well-formed IHDR
/// chunk (length 13, sane dimensions, a valid bit depth / colour type pair,
/// correct CRC) and end with the IEND chunk.
pub fn check_png(bytes: &[u8]) -> Result<(), QuoteError> {
    if bytes.len() > MAX_SIGNATURE_BYTES {
        return Err(QuoteError::SignatureTooLarge);
    }
    if is_png(bytes) {
        Ok(())
    } else {
        Err(QuoteError::SignatureNotPng)
    }
}

fn is_png(bytes: &[u8]) -> bool {
    let (Some(header), Some(ihdr), Some(trailer)) = (
        bytes.get(..8),
        bytes.get(8..33),
        bytes.len().checked_sub(12).and_then(|at| bytes.get(at..)),
    ) else {
        return false;
    };
    if header != PNG_SIGNATURE || trailer != IEND || bytes.len() < 8 + 25 + 12 {
        return false;
    }
    // IHDR: length (4) "IHDR" (4) width (4) height (4) depth colour compression filter interlace (5) crc (4)
    let be = |at: usize| u32::from_be_bytes([ihdr[at], ihdr[at + 1], ihdr[at + 2], ihdr[at + 3]]);
    let (length, width, height) = (be(0), be(8), be(12));
    let (depth, colour) = (ihdr[16], ihdr[17]);
    let depth_ok = match colour {
        0 => matches!(depth, 1 | 2 | 4 | 8 | 16),
        3 => matches!(depth, 1 | 2 | 4 | 8),
        2 | 4 | 6 => matches!(depth, 8 | 16),
        _ => false,
    };
    length == 13
        && &ihdr[4..8] == b"IHDR"
        && (1..=MAX_SIDE).contains(&width)
        && (1..=MAX_SIDE).contains(&height)
        && depth_ok
        && ihdr[18] == 0
        && ihdr[19] == 0
        && ihdr[20] <= 1
        && crc32(&ihdr[4..21]) == be(21)
}

/// CRC-32 (ISO-HDLC) as PNG chunks use it.
pub fn crc32(bytes: &[u8]) -> u32 {
    !bytes.iter().fold(u32::MAX, |crc, &byte| {
        (0..8).fold(crc ^ u32::from(byte), |c, _| {
            if c & 1 == 1 {
                (c >> 1) ^ 0xedb8_8320
            } else {
                c >> 1
            }
        })
    })
}

/// A minimal valid PNG of `width` × `height` (8-bit greyscale, one empty IDAT),
/// for tests and samples.
#[cfg(any(test, feature = "samples"))]
pub fn tiny_png(width: u32, height: u32) -> Vec<u8> {
    let mut png = PNG_SIGNATURE.to_vec();
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(width.to_be_bytes());
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 0, 0, 0, 0]);
    png.extend(13u32.to_be_bytes());
    png.extend(&ihdr);
    png.extend(crc32(&ihdr).to_be_bytes());
    let idat = b"IDAT";
    png.extend(0u32.to_be_bytes());
    png.extend(idat);
    png.extend(crc32(idat).to_be_bytes());
    png.extend(IEND);
    png
}
