//! Test inputs made on the spot.

use std::io::Write;

use flate2::Crc;
use flate2::write::ZlibEncoder;

/// A real `width`×`height` RGB PNG (a colour gradient), as a camera photo stand-in.
pub fn small_png(width: u32, height: u32) -> Vec<u8> {
    png(width, height, |x, y| {
        [(x * 255 / width.max(1)) as u8, (y * 255 / height.max(1)) as u8, 160]
    })
}

/// A `width`×`height` RGB PNG of noise from `seed`: what a camera photo weighs after the app's
/// JPEG step (noise does not compress), so its upload takes several chunks.
pub fn noisy_png(width: u32, height: u32, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    png(width, height, move |_, _| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let [a, b, c, ..] = state.to_le_bytes();
        [a, b, c]
    })
}

fn png(width: u32, height: u32, mut pixel: impl FnMut(u32, u32) -> [u8; 3]) -> Vec<u8> {
    let mut raw = Vec::with_capacity(((width * 3 + 1) * height) as usize);
    for y in 0..height {
        raw.push(0); // filter: none
        for x in 0..width {
            raw.extend_from_slice(&pixel(x, y));
        }
    }
    let mut encoder = ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(&raw).expect("writing to a Vec cannot fail");
    let pixels = encoder.finish().expect("writing to a Vec cannot fail");

    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB

    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [(&b"IHDR"[..], &header[..]), (b"IDAT", &pixels), (b"IEND", &[])] {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = Crc::new();
        crc.update(kind);
        crc.update(data);
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        png.extend_from_slice(&crc.sum().to_be_bytes());
    }
    png
}

#[cfg(test)]
mod tests {
    use super::small_png;

    #[test]
    fn is_a_png_with_the_asked_size() {
        let png = small_png(64, 48);
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[12..16], b"IHDR");
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 64);
        assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), 48);
        assert_eq!(&png[png.len() - 8..png.len() - 4], b"IEND");
    }
}
