"""PDF/A-2b for every document: the XMP metadata and the sRGB output intent, added after
reportlab has written the PDF (reportlab makes neither).

``archival_pdf`` is called on the bytes of every document the app produces (``Letter.build``
and the label sheet), so each kind gets it. The XMP packet is made from the document
information dictionary (title, author, subject, creator, the creation and modification
dates), so the two agree as PDF/A requires, and names the conformance: part 2, level B.
The output intent carries an sRGB ICC profile made by Pillow's LittleCMS binding, the colour
space every document's DeviceRGB and DeviceGray colours are meant in.
"""

from __future__ import annotations

import io
from functools import lru_cache

import pikepdf
from PIL import ImageCms

SRGB = "sRGB IEC61966-2.1"


@lru_cache(maxsize=1)
def srgb_profile() -> bytes:
    """An sRGB ICC profile (LittleCMS's built-in one, through Pillow)."""
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def archival_pdf(pdf: bytes) -> bytes:
    """``pdf`` as PDF/A-2b: the XMP metadata from its information dictionary, the pdfaid
    identification and an sRGB output intent."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        # reportlab's /Trapped /False has no XMP property pikepdf maps; it is optional.
        # An empty /Keywords has no XMP value to agree with: both go.
        for key in ("/Trapped", *(k for k, v in doc.docinfo.items() if str(v) == "")):
            if key in doc.docinfo:
                del doc.docinfo[key]
        with doc.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta.load_from_docinfo(doc.docinfo, raise_failure=True)
            meta["pdfaid:part"] = "2"
            meta["pdfaid:conformance"] = "B"
        profile = doc.make_stream(srgb_profile())
        profile.N = 3
        doc.Root.OutputIntents = pikepdf.Array(
            [
                pikepdf.Dictionary(
                    Type=pikepdf.Name.OutputIntent,
                    S=pikepdf.Name.GTS_PDFA1,
                    OutputConditionIdentifier=SRGB,
                    Info=SRGB,
                    DestOutputProfile=profile,
                )
            ]
        )
        out = io.BytesIO()
        doc.save(out, deterministic_id=True)
    return out.getvalue()
