"""Helpers for tests that need real concurrency: several threads, each on its own database connection."""

import threading

from django.db import connections


def race(*actions, timeout=30):
    """Run each `action(barrier)` in its own thread, on its own database connection, and return their
    outcomes in order: what the action returned ("ok" for None) or the exception it raised.

    An action calls `barrier.wait()` at the moment the others must have caught up with it, typically
    after reading and before writing, so that every thread acts on the same state at once.
    """
    barrier = threading.Barrier(len(actions), timeout=timeout)
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            result = action(barrier)
            outcomes[index] = "ok" if result is None else result
        except Exception as exc:  # noqa: BLE001 (returned to the test, which asserts on it)
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, action)) for i, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout * 2)
    return outcomes


# Uploads made in the test (massline.lib.uploads decodes pictures and PDFs, so signatures alone fail).


def sample_jpeg(artist="Secret Photographer"):
    """A real JPEG carrying EXIF: the artist, the phone's model and a GPS latitude."""
    import io

    from PIL import Image

    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x013B] = artist
    exif[0x0110] = "PhoneModel-X9"
    exif[0x8825] = {1: "N", 2: (30.0, 15.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def sample_png(text="Secret Comment"):
    """A real PNG with a text chunk (where editors put the author and comments)."""
    import io

    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", text)
    out = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 255, 128)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def sample_pdf(author="Secret Author"):
    """A one-page PDF whose information dictionary names its author."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": author, "/Creator": "Leaky Office 1.0"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
