//! Renders one letter to the requester as a PDF/A-2b document, in-process.
//!
//! The letter arrives as JSON (see `letter.typ` for its fields), so no text from a
//! case is ever spliced into typst markup: the layout reads it with `json()` and
//! prints it as plain strings. The fonts are embedded in the binary: those shipped
//! inside `typst-assets` (Libertinus Serif: Latin, Greek, Cyrillic, Hebrew) and Noto
//! Naskh Arabic (`fonts/`, SIL Open Font License 1.1); no system font, no file and
//! no network is read. Fonts and the standard library are loaded once per process.
//!
//! Kept in its own crate so that the service's edits never rebuild typst.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

/// The layout: A4 letter with letterhead, address window, date and reference,
/// subject, body, signature, privacy-officer footer and page numbers.
const LAYOUT: &str = include_str!("letter.typ");

/// A logo for the letterhead.
pub struct Logo<'a> {
    /// `png` or `svg`.
    pub format: &'a str,
    pub bytes: &'a [u8],
}

/// What to render.
pub struct Letter<'a> {
    /// The letter's content as JSON (fields: see `letter.typ`).
    pub json: &'a str,
    pub logo: Option<Logo<'a>>,
    /// The date printed as the document's creation date (year, month, day).
    pub date: (i32, u8, u8),
    /// A stable identifier of the letter (its id): the PDF's document id derives from it.
    pub ident: &'a str,
}

#[derive(Debug)]
pub struct RenderError(pub String);

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the letter could not be rendered: {}", self.0)
    }
}

impl std::error::Error for RenderError {}

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

/// The fonts the layout names, in the order it falls back through them (`letter.typ`).
pub const TEXT_FONTS: [&str; 2] = ["Libertinus Serif", "Noto Naskh Arabic"];

/// Fonts beside those of `typst-assets`, for the scripts Libertinus Serif leaves out.
const OWN_FONTS: [&[u8]; 2] = [
    include_bytes!("../fonts/NotoNaskhArabic-Regular.ttf"),
    include_bytes!("../fonts/NotoNaskhArabic-Bold.ttf"),
];

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .chain(OWN_FONTS)
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    Fonts {
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

fn file_id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("a fixed, valid path"),
    )
    .intern()
}

struct LetterWorld {
    main: Source,
    json: Bytes,
    logo: Option<(FileId, Bytes)>,
    json_id: FileId,
    today: Datetime,
}

impl World for LetterWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.json_id {
            return Ok(self.json.clone());
        }
        match &self.logo {
            Some((logo, bytes)) if *logo == id => Ok(bytes.clone()),
            _ => Err(FileError::AccessDenied),
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

/// Whether the letter's text fonts (regular and bold) have a glyph for `c`: what a
/// letter can print. The register's own rule of what it accepts
/// (`domain::printable`) is tested against this.
pub fn covers(c: char) -> bool {
    let faces = FONTS
        .fonts
        .iter()
        .map(Font::info)
        .filter(|info| TEXT_FONTS.contains(&info.family.as_str()))
        .filter(|info| !info.variant.style.eq(&typst::text::FontStyle::Italic));
    let (mut regular, mut bold) = (false, false);
    for info in faces {
        if info.coverage.contains(c as u32) {
            if info.variant.weight.to_number() >= 600 {
                bold = true;
            } else {
                regular = true;
            }
        }
    }
    regular && bold
}

/// Loads fonts and the standard library now rather than on the first letter.
pub fn warm_up() {
    LazyLock::force(&FONTS);
    LazyLock::force(&LIBRARY);
}

/// Renders the letter to PDF/A-2b bytes.
pub fn render(letter: &Letter<'_>) -> Result<Vec<u8>, RenderError> {
    let (year, month, day) = letter.date;
    let today = Datetime::from_ymd(year, month, day)
        .ok_or_else(|| RenderError(format!("{year}-{month}-{day} is not a date")))?;
    let main_id = file_id("/letter.typ");
    let logo = letter.logo.as_ref().map(|logo| {
        let path = format!("/logo.{}", logo.format);
        (file_id(&path), path, Bytes::new(logo.bytes.to_vec()))
    });
    let logo_path = logo.as_ref().map(|(_, path, _)| path.clone());
    let prelude = match &logo_path {
        Some(path) => format!("#let logo-path = \"{path}\"\n"),
        None => "#let logo-path = none\n".to_string(),
    };
    let world = LetterWorld {
        main: Source::new(main_id, format!("{prelude}{LAYOUT}")),
        json: Bytes::new(letter.json.as_bytes().to_vec()),
        json_id: file_id("/letter.json"),
        logo: logo.map(|(id, _, bytes)| (id, bytes)),
        today,
    };
    let document = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|errors| RenderError(messages(errors.as_slice())))?;
    let standards =
        PdfStandards::new(&[PdfStandard::A_2b]).map_err(|error| RenderError(error.message().to_string()))?;
    let options = PdfOptions {
        ident: Smart::Custom(letter.ident.to_string()),
        creator: Smart::Custom(Some("avg-loket".to_string())),
        timestamp: Some(Timestamp::new_utc(
            Datetime::from_ymd_hms(year, month, day, 0, 0, 0).expect("a valid date"),
        )),
        page_ranges: None,
        standards,
        tagged: true,
        pretty: false,
    };
    typst_pdf::pdf(&document, &options).map_err(|errors| RenderError(messages(errors.as_slice())))
}

fn messages(errors: &[typst::diag::SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|error| error.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}
