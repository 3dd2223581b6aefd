"""The one check every uploaded file goes through (demand attachments, integrity evidence, consultation
documents, pledge photos, disclosure answers): its kind told by its content, never by its name or the
browser's type; its size limited; and a clean copy to store.

- JPEG and PNG are decoded and written again by Pillow from their pixels alone, so EXIF (the GPS
  position of a citizen's photo of their street), XMP, ICC comments and anything appended after the
  image are left behind; a picture over MAX_PIXELS is refused (decompression bombs).
- PDF is rewritten page by page by pypdf without its information dictionary and XMP metadata; an
  encrypted one is refused.
- MP3 / M4A recordings and office documents (OOXML, OpenDocument, legacy OLE) are accepted as they are,
  by signature: nothing on the platform decodes them, they are only downloaded.

A file whose bytes are not what its name says (an .exe named .jpg, a PDF named .png) is refused.
"""

import io
import logging
import zipfile
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from massline.lib.errors import DomainError

log = logging.getLogger("massline.uploads")

# kind: (content type, extensions)
KINDS = {
    "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
    "png": ("image/png", (".png",)),
    "pdf": ("application/pdf", (".pdf",)),
    "mp3": ("audio/mpeg", (".mp3",)),
    "m4a": ("audio/mp4", (".m4a",)),
    "ooxml": ("application/vnd.openxmlformats-officedocument", (".docx", ".xlsx", ".pptx")),
    "opendocument": ("application/vnd.oasis.opendocument", (".odt", ".ods", ".odp")),
    "ole": ("application/msword", (".doc", ".xls", ".ppt")),
}
IMAGES = ("jpeg", "png")
MAX_PIXELS = 60_000_000


class FileRefused(DomainError):
    code = "file_refused"


@dataclass(frozen=True)
class Checked:
    kind: str
    content_type: str
    clean: bytes

    def as_file(self, name):
        """The clean copy as a Django file, to save into a FileField or ImageField."""
        return ContentFile(self.clean, name=name)


def sniff(data):
    """The kind (a KINDS key) the bytes are, by their signature, or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"ID3") or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE6 == 0xE2):
        return "mp3"
    if data[4:8] == b"ftyp" and data[8:12] in (b"M4A ", b"M4B ", b"mp42", b"isom", b"mp41", b"iso2"):
        return "m4a"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        if "[Content_Types].xml" in names:
            return "ooxml"
        if "mimetype" in names:
            return "opendocument"
    return None


def _clean_image(data, kind):
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise FileRefused(_("This picture is too large: send one of at most 60 megapixels."))
            image.load()
            out = io.BytesIO()
            if kind == "jpeg":
                # A fresh image of the same pixels: nothing of the original's info or EXIF comes along.
                pixels = image.convert("RGB")
                clean = Image.new("RGB", pixels.size)
                clean.paste(pixels)
                clean.save(out, format="JPEG", quality=90)
            else:
                mode = image.mode if image.mode in ("1", "L", "LA", "P", "RGB", "RGBA") else "RGBA"
                pixels = image.convert(mode)
                clean = Image.new(pixels.mode, pixels.size)
                if mode == "P":
                    clean.putpalette(pixels.getpalette())
                clean.paste(pixels)
                clean.save(out, format="PNG")
            return out.getvalue()
    except FileRefused:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        log.info("uploads: an image could not be decoded (%s)", type(exc).__name__)
        raise FileRefused(_("This picture cannot be read: it may be damaged. Send it again.")) from exc


def _clean_pdf(data):
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise FileRefused(_("This PDF is password-protected: send it without a password."))
        writer = PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
        # The information dictionary (author, creator, producer, dates) and XMP are left behind.
        writer._info = None
        if "/Metadata" in writer._root_object:
            del writer._root_object["/Metadata"]
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    except FileRefused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        log.info("uploads: a PDF could not be read (%s)", type(exc).__name__)
        raise FileRefused(_("This PDF cannot be read: it may be damaged. Send it again.")) from exc


def _kinds_label(kinds):
    return ", ".join(ext for kind in kinds for ext in KINDS[kind][1])


def _too_large(name, max_bytes):
    return FileRefused(
        _("“%(name)s” is larger than %(mb)s MB: send a smaller file.")
        % {"name": name, "mb": max(1, max_bytes // (1024 * 1024))}
    )


def check(name, data, *, kinds, max_bytes):
    """The kind and clean copy of an uploaded file (`data` its bytes); FileRefused says what to do."""
    if not data:
        raise FileRefused(_("“%(name)s” is empty: choose the file again.") % {"name": name})
    if len(data) > max_bytes:
        raise _too_large(name, max_bytes)
    kind = sniff(data)
    if kind not in kinds:
        raise FileRefused(
            _(
                "“%(name)s” is not a file of an accepted kind (%(kinds)s): its content was checked, "
                "not only its name."
            )
            % {"name": name, "kinds": _kinds_label(kinds)}
        )
    if not (name or "").lower().endswith(KINDS[kind][1]):
        raise FileRefused(
            _(
                "“%(name)s”: its content does not match its name (the content was checked, not only "
                "the name). Send the original file with its own extension."
            )
            % {"name": name}
        )
    if kind in IMAGES:
        clean = _clean_image(data, kind)
    elif kind == "pdf":
        clean = _clean_pdf(data)
    else:
        clean = data
    return Checked(kind=kind, content_type=KINDS[kind][0], clean=clean)


def check_upload(upload, *, kinds, max_bytes):
    """`check` for a Django UploadedFile; reads at most max_bytes + 1 bytes, so a huge file is not loaded."""
    name = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1]
    if getattr(upload, "size", 0) and upload.size > max_bytes:
        raise _too_large(name, max_bytes)
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    upload.seek(0)
    return check(name, data, kinds=kinds, max_bytes=max_bytes)
