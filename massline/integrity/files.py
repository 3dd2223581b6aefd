"""Evidence files checked by their content, and a copy stripped of metadata for the inspectors' reading.

Only what can be re-encoded is accepted: JPEG and PNG images (decoded and written again by Pillow, which
drops EXIF, GPS, XMP and comments) and PDF documents (rewritten by pypdf page by page without the
document information and XMP metadata). The declared name and browser type are not trusted: a file whose
bytes are not what its name says is refused as disguised.
"""

import io
import logging
from dataclasses import dataclass

from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from massline.lib.errors import DomainError

from .choices import AttachmentKind

log = logging.getLogger("massline.integrity")

EXTENSIONS = {
    AttachmentKind.JPEG: (".jpg", ".jpeg"),
    AttachmentKind.PNG: (".png",),
    AttachmentKind.PDF: (".pdf",),
}
# Decompression bombs: a picture larger than this many pixels is refused.
MAX_PIXELS = 60_000_000


class FileRefused(DomainError):
    code = "file_refused"


@dataclass
class Checked:
    kind: str
    clean: bytes


def sniff(data):
    """The kind the bytes are, by their signature, or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return AttachmentKind.JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return AttachmentKind.PNG
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return AttachmentKind.PDF
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
            if kind == AttachmentKind.JPEG:
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
        log.info("integrity: an image could not be decoded (%s)", type(exc).__name__)
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
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        log.info("integrity: a PDF could not be read (%s)", type(exc).__name__)
        raise FileRefused(_("This PDF cannot be read: it may be damaged. Send it again.")) from exc


def check(name, data, *, max_bytes):
    """The checked kind and clean copy of an uploaded file; FileRefused says why one is not accepted."""
    if not data:
        raise FileRefused(_("The file is empty: choose the file again."))
    if len(data) > max_bytes:
        raise FileRefused(
            _("A file may have at most %(mb)s MB: send a smaller one.") % {"mb": max_bytes // (1024 * 1024)}
        )
    kind = sniff(data)
    if kind is None:
        raise FileRefused(_("Only JPEG and PNG pictures and PDF documents are accepted."))
    lowered = (name or "").lower()
    if not lowered.endswith(EXTENSIONS[kind]):
        raise FileRefused(
            _("This file's content does not match its name: send the original file with its own extension.")
        )
    clean = _clean_pdf(data) if kind == AttachmentKind.PDF else _clean_image(data, kind)
    return Checked(kind=kind, clean=clean)
