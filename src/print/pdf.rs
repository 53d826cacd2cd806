//! A small PDF 1.4 writer for text documents: pages of positioned lines in the standard
//! Courier and Helvetica faces (every reader has them, nothing is embedded), WinAnsi text,
//! uncompressed streams so an archived letter can be read back with any tool.

use chrono::NaiveDateTime;

/// The four standard faces a letter uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Courier,
    CourierBold,
    Helvetica,
    HelveticaBold,
}

impl Face {
    const ALL: [Face; 4] = [Face::Courier, Face::CourierBold, Face::Helvetica, Face::HelveticaBold];

    fn base_font(self) -> &'static str {
        match self {
            Face::Courier => "Courier",
            Face::CourierBold => "Courier-Bold",
            Face::Helvetica => "Helvetica",
            Face::HelveticaBold => "Helvetica-Bold",
        }
    }

    fn resource(self) -> usize {
        Face::ALL.iter().position(|f| *f == self).unwrap_or(0) + 1
    }
}

/// One line of text; `x`, `y` in points from the bottom-left corner of the page (PDF space).
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub x: f32,
    pub y: f32,
    pub size: f32,
    pub face: Face,
    pub text: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub runs: Vec<Run>,
}

/// Every page of a document has the same size (points).
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub width: f32,
    pub height: f32,
    pub title: String,
    /// Written as the creation date, so the same letter gives the same bytes.
    pub created: NaiveDateTime,
    pub pages: Vec<Page>,
}

/// The document as PDF bytes.
pub fn write(doc: &Document) -> Vec<u8> {
    let mut out: Vec<u8> = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets: Vec<usize> = Vec::new();
    let mut object = |out: &mut Vec<u8>, body: &[u8]| {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", offsets.len()).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    };
    // Numbering: 1 catalog, 2 page tree, 3..=6 fonts, then a page and its content per page,
    // then the info dictionary.
    let first_page = 3 + Face::ALL.len();
    let kids: Vec<String> = (0..doc.pages.len()).map(|i| format!("{} 0 R", first_page + 2 * i)).collect();
    object(&mut out, b"<< /Type /Catalog /Pages 2 0 R >>");
    object(
        &mut out,
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} /MediaBox [0 0 {} {}] >>",
            kids.join(" "),
            doc.pages.len(),
            num(doc.width),
            num(doc.height)
        )
        .as_bytes(),
    );
    for face in Face::ALL {
        object(
            &mut out,
            format!("<< /Type /Font /Subtype /Type1 /BaseFont /{} /Encoding /WinAnsiEncoding >>", face.base_font())
                .as_bytes(),
        );
    }
    let fonts: Vec<String> = Face::ALL.iter().map(|f| format!("/F{} {} 0 R", f.resource(), 2 + f.resource())).collect();
    for (i, page) in doc.pages.iter().enumerate() {
        let content_id = first_page + 2 * i + 1;
        object(
            &mut out,
            format!(
                "<< /Type /Page /Parent 2 0 R /Resources << /Font << {} >> >> /Contents {content_id} 0 R >>",
                fonts.join(" ")
            )
            .as_bytes(),
        );
        let stream = content(page);
        let mut body = format!("<< /Length {} >>\nstream\n", stream.len()).into_bytes();
        body.extend_from_slice(&stream);
        body.extend_from_slice(b"\nendstream");
        object(&mut out, &body);
    }
    let mut info = b"<< /Producer (dun) /Title ".to_vec();
    info.extend_from_slice(&string(&doc.title));
    info.extend_from_slice(format!(" /CreationDate (D:{}Z) >>", doc.created.format("%Y%m%d%H%M%S")).as_bytes());
    object(&mut out, &info);
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes());
    for offset in &offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info {} 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            offsets.len() + 1,
            offsets.len()
        )
        .as_bytes(),
    );
    out
}

fn content(page: &Page) -> Vec<u8> {
    let mut s = Vec::new();
    for run in page.runs.iter().filter(|r| !r.text.is_empty()) {
        s.extend_from_slice(
            format!("BT /F{} {} Tf {} {} Td ", run.face.resource(), num(run.size), num(run.x), num(run.y)).as_bytes(),
        );
        s.extend_from_slice(&string(&run.text));
        s.extend_from_slice(b" Tj ET\n");
    }
    s
}

/// A number as PDF writes it: at most two decimals, no exponent.
fn num(v: f32) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A literal string in WinAnsi: what Windows-1252 cannot hold prints as '?'; delimiters
/// and bytes outside printable ASCII are escaped.
fn string(text: &str) -> Vec<u8> {
    let mut s = vec![b'('];
    let mut buf = [0u8; 4];
    for c in text.chars() {
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(c.encode_utf8(&mut buf));
        let byte = if unmappable || bytes.len() != 1 { b'?' } else { bytes[0] };
        match byte {
            b'(' | b')' | b'\\' => s.extend_from_slice(&[b'\\', byte]),
            0x20..=0x7e => s.push(byte),
            _ => s.extend_from_slice(format!("\\{byte:03o}").as_bytes()),
        }
    }
    s.push(b')');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(pages: Vec<Page>) -> Document {
        let created = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap().and_hms_opt(9, 30, 0).unwrap();
        Document { width: 612.0, height: 792.0, title: "Statement (Acme)".into(), created, pages }
    }

    #[test]
    fn the_cross_reference_table_points_at_every_object() {
        let run = Run { x: 72.0, y: 700.0, size: 10.0, face: Face::Courier, text: "Balance due: $1,234.50".into() };
        let bytes = write(&doc(vec![Page { runs: vec![run.clone()] }, Page { runs: vec![run] }]));
        // One char per byte keeps byte offsets valid string indices.
        let text: String = bytes.iter().map(|b| if b.is_ascii() { *b as char } else { '?' }).collect();
        let xref_at: usize = text.rsplit("startxref\n").next().unwrap().lines().next().unwrap().parse().unwrap();
        assert!(text[xref_at..].starts_with("xref\n0 12\n"), "{}", &text[xref_at..]);
        for (n, line) in text[xref_at..].lines().skip(3).take(11).enumerate() {
            let offset: usize = line[..10].parse().unwrap();
            assert!(text[offset..].starts_with(&format!("{} 0 obj", n + 1)), "object {}", n + 1);
        }
        assert!(text.contains("/Count 2"));
        assert!(text.contains("/Title (Statement \\(Acme\\))"));
        assert!(text.contains("/CreationDate (D:20261122093000Z)"));
    }

    #[test]
    fn text_is_winansi_with_escapes() {
        assert_eq!(string("a(b)c\\"), b"(a\\(b\\)c\\\\)".to_vec());
        assert_eq!(string("€5 café"), b"(\\2005 caf\\351)".to_vec());
        assert_eq!(string("日本"), b"(??)".to_vec());
        assert_eq!(num(72.0), "72");
        assert_eq!(num(10.5), "10.5");
        assert_eq!(num(0.126), "0.13");
    }
}
