"""Evidence files made in the test: a JPEG carrying EXIF (artist, GPS), a PNG, a PDF with an author."""

import io

from PIL import Image


def jpeg_with_exif(artist="Secret Photographer"):
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x013B] = artist  # Artist
    exif[0x0110] = "PhoneModel-X9"  # Model
    exif[0x8825] = {1: "N", 2: (30.0, 15.0, 0.0)}  # GPS: latitude
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png():
    out = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 255, 128)).save(out, format="PNG")
    return out.getvalue()


def pdf_with_author(author="Secret Author"):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": author, "/Creator": "Leaky Office 1.0"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
