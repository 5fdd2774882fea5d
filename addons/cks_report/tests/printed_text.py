"""The text a reader sees on a printed form, from its HTML or from its PDF."""

import io
import re

from pypdf import PdfReader


def text_of(html):
    """The printed text of an HTML page: tags dropped, spaces folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def pdf_pages(pdf):
    """The text of each page of a PDF, spaces folded."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def pdf_text_unspaced(pdf):
    """The whole text of a PDF without any space: pypdf puts spaces between runs of glyphs, so
    compare with the expected text stripped of its spaces too."""
    return "".join("".join(page.split()) for page in pdf_pages(pdf))
