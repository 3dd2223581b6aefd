"""Evidence files: checked by their content and copied without metadata by the one upload check
(massline.lib.uploads); only JPEG and PNG pictures and PDF documents are evidence."""

from massline.lib.uploads import MAX_PIXELS, Checked, FileRefused, sniff
from massline.lib.uploads import check as _check

from .choices import AttachmentKind

KINDS = (AttachmentKind.JPEG.value, AttachmentKind.PNG.value, AttachmentKind.PDF.value)

__all__ = ["MAX_PIXELS", "Checked", "FileRefused", "check", "sniff"]


def check(name, data, *, max_bytes):
    """The checked kind and clean copy of an uploaded file; FileRefused says why one is not accepted."""
    return _check(name, data, kinds=KINDS, max_bytes=max_bytes)
