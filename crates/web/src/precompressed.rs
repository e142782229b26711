//! Responses gzipped from parts: large parts that stay the same between requests (an insights
//! page's cards, a cached day list) are compressed once and kept; the parts made for each
//! request (the layout, a form) travel as stored blocks around them. No per-request
//! compression work, yet a phone downloads a fraction of the bytes.
//!
//! The stream is plain gzip (RFC 1952) holding one deflate stream (RFC 1951): each kept part
//! is a run of non-final deflate blocks ending on a byte boundary (a sync flush, as pigz joins
//! its pieces), so parts can be laid side by side; one empty final block closes the stream, and
//! the trailer's CRC-32 is combined from the parts' own.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use flate2::{Compress, Compression, FlushCompress};
use std::sync::{Arc, OnceLock};

/// What marks, in a rendered template, where a kept part goes. Escaped text can never contain
/// `<`, so only the page's own markup can put it there.
pub const MARKER: &str = "<!--enough:kept-part-->";

/// The most a stored deflate block holds.
const STORED_BLOCK: usize = 65_535;
/// gzip's header: magic, deflate, no flags, no time, no extra flags, unknown OS.
const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
/// An empty final block with fixed codes: BFINAL=1, BTYPE=01, end-of-block.
const FINAL_BLOCK: [u8; 2] = [0x03, 0x00];

/// A part compressed once: raw deflate blocks (not final, ending byte-aligned) with the CRC-32
/// and length of what they hold.
#[derive(Debug)]
pub struct Deflated {
    blocks: Vec<u8>,
    crc: u32,
    len: u64,
}

impl Deflated {
    /// Compresses `bytes` (at zlib's default level).
    pub fn new(bytes: &[u8]) -> Self {
        let mut compress = Compress::new(Compression::default(), false);
        let mut blocks = Vec::with_capacity(bytes.len() / 4 + 64);
        loop {
            if blocks.capacity() - blocks.len() < 64 {
                blocks.reserve(blocks.capacity().max(1024));
            }
            let read = usize::try_from(compress.total_in()).unwrap_or(bytes.len());
            let input = bytes.get(read..).unwrap_or_default();
            // Compressing into a Vec cannot fail: the stream is fresh and never finished.
            if compress
                .compress_vec(input, &mut blocks, FlushCompress::Sync)
                .is_err()
            {
                return Self::stored(bytes);
            }
            // All input taken and room left over: the flush is complete.
            if compress.total_in() == bytes.len() as u64 && blocks.len() < blocks.capacity() {
                break;
            }
        }
        Self {
            blocks,
            crc: crc32(bytes),
            len: bytes.len() as u64,
        }
    }

    /// `bytes` as stored blocks (no compression).
    fn stored(bytes: &[u8]) -> Self {
        let mut blocks = Vec::with_capacity(bytes.len() + 5 * (bytes.len() / STORED_BLOCK + 1));
        push_stored(&mut blocks, bytes);
        Self {
            blocks,
            crc: crc32(bytes),
            len: bytes.len() as u64,
        }
    }
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(bytes);
    hasher.finalize()
}

/// Appends `bytes` as stored (uncompressed) non-final blocks.
fn push_stored(out: &mut Vec<u8>, bytes: &[u8]) {
    for chunk in bytes.chunks(STORED_BLOCK) {
        // The chunk is at most 65,535 bytes long.
        let len = u16::try_from(chunk.len()).unwrap_or(u16::MAX);
        out.push(0);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
}

/// A large part of a response kept between requests, in plain and (on first use) compressed.
#[derive(Debug)]
pub struct KeptPart {
    plain: Arc<[u8]>,
    deflated: OnceLock<Deflated>,
}

impl KeptPart {
    /// Keeps `plain`; it is compressed the first time a response needs it so.
    pub fn new(plain: impl Into<Arc<[u8]>>) -> Self {
        Self {
            plain: plain.into(),
            deflated: OnceLock::new(),
        }
    }

    /// The part as it reads.
    pub fn plain(&self) -> &[u8] {
        &self.plain
    }

    /// The part compressed (once).
    pub fn deflated(&self) -> &Deflated {
        self.deflated.get_or_init(|| Deflated::new(&self.plain))
    }
}

/// One piece of a response body.
#[derive(Clone, Copy)]
pub enum Part<'a> {
    /// Made for this request: sent stored.
    Fresh(&'a [u8]),
    /// Kept between requests: sent compressed.
    Kept(&'a KeptPart),
}

impl Part<'_> {
    fn plain(&self) -> &[u8] {
        match self {
            Part::Fresh(bytes) => bytes,
            Part::Kept(kept) => kept.plain(),
        }
    }
}

/// The gzip stream of `parts`, in order.
pub fn gzip(parts: &[Part<'_>]) -> Vec<u8> {
    let size: usize = parts
        .iter()
        .map(|p| match p {
            Part::Fresh(b) => b.len() + 5 * (b.len() / STORED_BLOCK + 1),
            Part::Kept(k) => k.deflated().blocks.len(),
        })
        .sum();
    let mut out = Vec::with_capacity(GZIP_HEADER.len() + size + FINAL_BLOCK.len() + 8);
    out.extend_from_slice(&GZIP_HEADER);
    let mut crc = crc32fast::Hasher::new();
    let mut len: u64 = 0;
    for part in parts {
        match part {
            Part::Fresh(bytes) => {
                push_stored(&mut out, bytes);
                crc.update(bytes);
                len += bytes.len() as u64;
            }
            Part::Kept(kept) => {
                let d = kept.deflated();
                out.extend_from_slice(&d.blocks);
                crc.combine(&crc32fast::Hasher::new_with_initial_len(d.crc, d.len));
                len += d.len;
            }
        }
    }
    out.extend_from_slice(&FINAL_BLOCK);
    out.extend_from_slice(&crc.finalize().to_le_bytes());
    // ISIZE is the length modulo 2^32 (RFC 1952).
    out.extend_from_slice(&((len & 0xffff_ffff) as u32).to_le_bytes());
    out
}

/// Whether the request's `Accept-Encoding` takes gzip (listed, and not with q=0).
pub fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut fields = item.split(';');
            let coding = fields.next().unwrap_or_default().trim();
            let refused = fields.any(|f| {
                f.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
        })
}

/// A response body of `parts` with `content_type`: gzipped (kept parts compressed once) when
/// the request takes gzip, plain otherwise. Either way it varies by `Accept-Encoding`.
pub fn response(request: &HeaderMap, content_type: &'static str, parts: &[Part<'_>]) -> Response {
    let mut response = if accepts_gzip(request) {
        (
            [(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"))],
            gzip(parts),
        )
            .into_response()
    } else if let [Part::Kept(kept)] = parts {
        // One kept part: its bytes go out as they are, uncopied.
        axum::body::Body::from(axum::body::Bytes::from_owner(Arc::clone(&kept.plain)))
            .into_response()
    } else {
        let mut body = Vec::with_capacity(parts.iter().map(|p| p.plain().len()).sum());
        for part in parts {
            body.extend_from_slice(part.plain());
        }
        body.into_response()
    };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

/// `rendered` split at each [`MARKER`], with `inserts[i]` in the place of the i-th marker;
/// `None` when the markers and the inserts do not pair up.
pub fn around<'a>(rendered: &'a str, inserts: &[Part<'a>]) -> Option<Vec<Part<'a>>> {
    let mut parts = Vec::with_capacity(inserts.len() * 2 + 1);
    let mut rest = rendered;
    for part in inserts {
        let (before, after) = rest.split_once(MARKER)?;
        parts.push(Part::Fresh(before.as_bytes()));
        parts.push(*part);
        rest = after;
    }
    if rest.contains(MARKER) {
        return None;
    }
    parts.push(Part::Fresh(rest.as_bytes()));
    Some(parts)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::io::Read;

    fn gunzip(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    fn page_like(n: usize) -> String {
        (0..n)
            .map(|i| {
                format!(
                    "<circle cx=\"{}\" cy=\"{}\" r=\"3\"/>",
                    i * 7 % 640,
                    i * 13 % 200
                )
            })
            .collect()
    }

    #[test]
    fn fresh_and_kept_parts_read_back_in_order_and_the_kept_ones_shrink() {
        let cards = KeptPart::new(page_like(2_000).into_bytes());
        let time = KeptPart::new(page_like(500).into_bytes());
        // Longer than one stored block, with bytes that are not text.
        let big_fresh: Vec<u8> = (0..150_000_u32).map(|i| (i * 31 % 251) as u8).collect();
        let parts = [
            Part::Fresh(b"<header>Ana</header>"),
            Part::Kept(&cards),
            Part::Fresh(b""),
            Part::Kept(&time),
            Part::Fresh(&big_fresh),
        ];
        let mut expected = Vec::new();
        for part in &parts {
            expected.extend_from_slice(part.plain());
        }
        let zipped = gzip(&parts);
        assert_eq!(gunzip(&zipped), expected);
        assert!(
            cards.deflated().blocks.len() * 4 < cards.plain().len(),
            "markup compresses to under a quarter: {} of {}",
            cards.deflated().blocks.len(),
            cards.plain().len()
        );
        // Kept parts are compressed once: a second response reuses them.
        assert_eq!(gunzip(&gzip(&parts)), expected);
    }

    #[test]
    fn empty_and_kept_only_bodies_are_valid_gzip() {
        assert_eq!(gunzip(&gzip(&[])), b"");
        let empty = KeptPart::new(Vec::new());
        assert_eq!(gunzip(&gzip(&[Part::Kept(&empty)])), b"");
        let json = KeptPart::new(br#"{"days":[]}"#.to_vec());
        assert_eq!(gunzip(&gzip(&[Part::Kept(&json)])), br#"{"days":[]}"#);
    }

    #[test]
    fn a_corrupted_body_is_caught_by_its_checksum() {
        let kept = KeptPart::new(page_like(100).into_bytes());
        let mut zipped = gzip(&[Part::Fresh(b"abc"), Part::Kept(&kept)]);
        // Flip a byte of the stored part's text: the CRC-32 in the trailer no longer matches.
        zipped[15] ^= 1;
        let mut out = Vec::new();
        assert!(
            flate2::read::GzDecoder::new(&zipped[..])
                .read_to_end(&mut out)
                .is_err()
        );
    }

    #[test]
    fn kept_parts_go_where_the_markers_are() {
        let a = KeptPart::new(b"A".to_vec());
        let b = KeptPart::new(b"B".to_vec());
        let rendered = format!("<p>one</p>{MARKER}<p>two</p>{MARKER}<p>three</p>");
        let parts = around(&rendered, &[Part::Kept(&a), Part::Fresh(b"b")]).unwrap();
        let joined: Vec<u8> = parts.iter().flat_map(|p| p.plain().to_vec()).collect();
        assert_eq!(joined, b"<p>one</p>A<p>two</p>b<p>three</p>");
        assert!(
            around(&rendered, &[Part::Kept(&a)]).is_none(),
            "a marker left over"
        );
        assert!(
            around("<p>none</p>", &[Part::Kept(&b)]).is_none(),
            "a part with no place"
        );
    }

    #[test]
    fn gzip_is_taken_only_when_asked_for_and_not_refused() {
        let ask = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(
                header::ACCEPT_ENCODING,
                HeaderValue::from_str(value).unwrap(),
            );
            accepts_gzip(&headers)
        };
        assert!(ask("gzip, deflate, br, zstd"));
        assert!(ask("br;q=1.0, GZIP;q=0.5"));
        assert!(ask("*"));
        assert!(!ask("br"));
        assert!(!ask("gzip;q=0"));
        assert!(!ask("identity"));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }
}
