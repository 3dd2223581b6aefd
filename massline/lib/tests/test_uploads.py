"""The one upload check: kind by content, size limit, pictures and PDFs re-encoded without metadata, and
every place that stores an uploaded file goes through it."""

import io
import re
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from massline.lib.testing import sample_jpeg, sample_pdf, sample_png
from massline.lib.uploads import FileRefused, check, sniff

ALL = ("jpeg", "png", "pdf", "mp3", "m4a", "ooxml", "opendocument", "ole")


def _docx():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def test_a_photo_keeps_its_pixels_and_loses_its_exif_and_gps():
    original = sample_jpeg()
    assert b"Secret Photographer" in original and b"PhoneModel-X9" in original
    result = check("street.jpg", original, kinds=ALL, max_bytes=10**6)
    assert result.kind == "jpeg" and result.content_type == "image/jpeg"
    assert b"Secret Photographer" not in result.clean and b"PhoneModel-X9" not in result.clean
    with Image.open(io.BytesIO(result.clean)) as image:
        assert image.size == (40, 30) and not image.getexif()
        red, green, blue = image.getpixel((20, 15))
        assert abs(red - 200) < 8 and green < 40 and blue < 40


def test_a_png_loses_its_text_chunks_and_a_pdf_its_author():
    png = check("scan.png", sample_png("Secret Comment"), kinds=ALL, max_bytes=10**6)
    assert b"Secret Comment" not in png.clean and png.clean.startswith(b"\x89PNG")
    pdf = check("letter.pdf", sample_pdf("Secret Author"), kinds=ALL, max_bytes=10**6)
    assert b"Secret Author" not in pdf.clean and b"Leaky Office" not in pdf.clean
    assert pdf.clean.startswith(b"%PDF")


def test_bytes_appended_after_a_picture_are_not_kept():
    """A polyglot (a picture with a script or archive after it) is stored as the picture alone."""
    result = check("x.png", sample_png() + b"<script>alert(1)</script>", kinds=ALL, max_bytes=10**6)
    assert b"<script>" not in result.clean


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("invoice.pdf", b"MZ\x90\x00" + b"\x00" * 64, "content was checked"),
        ("photo.png", sample_jpeg(), "does not match its name"),
        ("page.jpg", b"<html><script>alert(1)</script></html>", "content was checked"),
        ("broken.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, "cannot be read"),
        ("broken.pdf", b"%PDF-1.7\n" + b"\x00" * 64, "cannot be read"),
        ("empty.png", b"", "empty"),
        ("notes.docx", b"PK\x03\x04 not a zip", "content was checked"),
    ],
)
def test_disguised_broken_or_empty_files_are_refused(name, data, message):
    with pytest.raises(FileRefused, match=message):
        check(name, data, kinds=ALL, max_bytes=10**6)


def test_the_size_limit_and_the_kinds_allowed_by_the_caller():
    with pytest.raises(FileRefused, match="larger than 1 MB"):
        check("big.png", sample_png() + b"\0" * (2 * 1024 * 1024), kinds=ALL, max_bytes=1024 * 1024)
    with pytest.raises(FileRefused, match=r"\.jpg, \.jpeg, \.png"):
        check("letter.pdf", sample_pdf(), kinds=("jpeg", "png"), max_bytes=10**6)


def test_a_decompression_bomb_is_refused(monkeypatch):
    from massline.lib import uploads

    monkeypatch.setattr(uploads, "MAX_PIXELS", 100)
    assert check("small.png", sample_png(), kinds=ALL, max_bytes=10**6).kind == "png"  # 10 x 10 = 100
    out = io.BytesIO()
    Image.new("L", (20, 20)).save(out, format="PNG")
    with pytest.raises(FileRefused, match="megapixels"):
        check("huge.png", out.getvalue(), kinds=ALL, max_bytes=10**6)


def test_sniffing_by_signature():
    assert sniff(sample_jpeg()) == "jpeg" and sniff(sample_png()) == "png" and sniff(sample_pdf()) == "pdf"
    assert sniff(b"ID3\x04\x00") == "mp3" and sniff(b"\xff\xfb\x90\x00") == "mp3"
    assert sniff(b"\x00\x00\x00\x20ftypM4A ") == "m4a"
    assert sniff(_docx()) == "ooxml" and sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") == "ole"
    assert sniff(b"MZ\x90\x00") is None


def test_every_stored_upload_goes_through_the_one_check():
    """No model file field is filled from an upload without massline.lib.uploads: each module that
    stores an uploaded file (a service of an app with a FileField / ImageField) calls check_upload or
    check. A new upload path without it fails here."""
    root = Path(__file__).resolve().parents[2]
    stores = {
        "cases/services/intake.py",
        "consultations/services/consultations.py",
        "pledges/services.py",
        "disclosure/services.py",
        "integrity/files.py",
    }
    for relative in stores:
        text = (root / relative).read_text()
        assert re.search(r"\b(check_upload|_check|uploads\.check)\(", text), relative
    fields = {
        str(path.relative_to(root)).split("/")[0]
        for path in root.glob("*/models.py")
        if re.search(r"models\.(FileField|ImageField)\(", path.read_text())
    }
    assert fields == {"cases", "consultations", "pledges", "disclosure"}, fields
