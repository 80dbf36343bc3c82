"""Scraped residue (B2xx): text that came with the web page, not with the article.

Comment forms, "Source link", author boxes and bios, related-post lists, tag lines, spam lines, image file
names, wire and press-release disclaimers, photo credits. One shared classifier (:func:`audit.residue.residue_of`) reads
every line (paragraph) of an article once and marks residue lines and inline residue spans; the B2xx checks
report its result, and the U1xx checks (``audit/checks/script.py``) never report text it marked, so one
English comment-form line is reported once, as residue, not also as untranslated text.

How a line becomes residue:

1. **Patterns** (``audit/data/residue_patterns.txt``, English and Arabic, format in its header): families of
   page furniture, bios, adverts, wire disclaimers (whole line), distributor tags and photo credits (a span).
2. **Structure**, for residue no pattern knows:
   - an image file name line («gettyimages 2248985695 jpg», «IMG_2045.JPG»), anywhere;
   - at the **head** of an article: short lines in Latin script that are not English sentences (a name, a
     brand, a code) and short lines carrying a URL, e-mail or handle; an English headline is *not* residue
     (U101 reports it as untranslated);
   - at the **tail**: the block of lines, read upwards from the last one, that are short Latin-script lines
     without sentence punctuation, link lines, tag lists («الوسوم: روسيا، أوكرانيا»), pattern hits, lines naming
     the publisher of a residue line (a distributor blurb after its disclaimer), foreign-language paragraphs
     lying *below* another residue line (an author bio under "Author"), and one short unknown line between two
     residue lines. The block stops at the first article line.
   Head and tail rules need an article of three lines or more (a one-line text has no head or tail).

Severity, as a newsroom editor would weigh it: page furniture, adverts, Arabic bios, image file names and wire
disclaimers are **major** (visible junk to delete); a residue block holding a paragraph that is not in Arabic (an
English author bio) is **critical**, like any untranslated paragraph; a photo credit is **minor**. A run of
consecutive residue lines of the same kind is one finding (one deletion for the editor).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from audit.checks.base import ArticleContext, Check
from audit.fixes import delete_lines, delete_span
from audit.model import Category, Finding, Fix, Severity
from audit.residue import ResidueSpan, residue_of

# ---------------------------------------------------------------------------------------------------------------
# The checks


def _preview(text: str, span: ResidueSpan) -> str:
    body = " ".join(text[span.start : min(span.end, span.start + 60)].split())
    return body + ("…" if span.end - span.start > 60 else "")


class _ResidueCheck(Check):
    category = Category.BOILERPLATE
    #: What the check reports, as the head of its messages.
    label = "Scraped residue"

    def blocks(self, ctx: ArticleContext) -> Iterator[list[ResidueSpan]]:
        """This check's residue spans, consecutive whole lines grouped into one block."""
        block: list[ResidueSpan] = []
        for span in residue_of(ctx).spans:
            if span.code != self.code:
                continue
            if block and span.whole_line and block[-1].whole_line and span.line == block[-1].line + 1:
                block.append(span)
                continue
            if block:
                yield block
            block = [span]
        if block:
            yield block

    def block_severity(self, block: list[ResidueSpan]) -> Severity:
        return self.severity

    def run(self, ctx: ArticleContext) -> Iterable[Finding]:
        n = len(ctx.doc.paragraphs)
        for block in self.blocks(ctx):
            start, end = block[0].start, block[-1].end
            reasons = list(dict.fromkeys(s.reason for s in block))
            fix: Fix | None
            if block[0].whole_line:
                lines = len(block)
                if block[0].line < 3:
                    where = "at the head of the article"
                elif block[-1].line >= n - 3:
                    where = "at the end of the article"
                else:
                    where = "in the body of the article"
                plural = "s" if lines > 1 else ""
                message = f"{self.label}: {lines} line{plural} {where} ({'; '.join(reasons)})."
                suggestion = f"Delete th{'ese' if lines > 1 else 'is'} line{plural}."
                fix = Fix((delete_lines(ctx.text, start, end),))
            else:
                message = f"{self.label} left in the text: «{_preview(ctx.text, block[0])}»."
                suggestion = "Delete it."
                fix = Fix((delete_span(ctx.text, start, end),)) if len(block) == 1 else None
            yield self.finding(
                ctx.text,
                start,
                end,
                message,
                suggestion=suggestion,
                severity=self.block_severity(block),
                evidence="; ".join(f"«{_preview(ctx.text, s)}»: {s.reason}" for s in block[:6]),
                fix=fix,
            )


class ScrapedPageResidue(_ResidueCheck):
    """Scraped web-page residue: comment forms, "Source link", author boxes and bios, tags, adverts.

    Lines that came with the web page, not with the article: comment forms ("Leave a Reply", «اترك تعليقاً»),
    "Source link", "Author" / "More From Author", share and subscribe prompts, related-post lists, tag and
    category lines, spam lines, author biographies. Found by the patterns in
    ``audit/data/residue_patterns.txt`` and by structure (short foreign lines, link lines and tag lists at the
    head or tail, foreign paragraphs inside a residue block), so residue no pattern knows is found too.
    Consecutive residue lines are one finding. Major; critical when the block holds a paragraph that is not in
    Arabic (an English author bio). These lines are never also reported as untranslated (U101/U102).

    Bad: «… وأكد أن المحادثات ستستمر.» followed by the lines "Leave a Reply" and
    "Your email address will not be published."

    Good: the article ends with «… وأكد أن المحادثات ستستمر.»
    """

    label = "Scraped web-page residue"
    code = "B201"
    name = "scraped-page-residue"
    severity = Severity.MAJOR

    def block_severity(self, block: list[ResidueSpan]) -> Severity:
        foreign_prose = any(s.foreign and s.kind == "bio" and s.end - s.start >= 60 for s in block)
        return Severity.CRITICAL if foreign_prose else self.severity


class ImageFileName(_ResidueCheck):
    """An image file name left in the text («gettyimages 2248985695 jpg»).

    The name of a picture's file, scraped with the page where the picture was: a line ending in an image
    extension (jpg, png, webp, …), often with a long number. Major: readers see junk.

    Bad: «gettyimages 2248985695 jpg» as the first line of the article.

    Good: no such line; the caption, if any, in Arabic.
    """

    label = "Image file name"
    code = "B202"
    name = "image-file-name"
    severity = Severity.MAJOR


class WireDisclaimer(_ResidueCheck):
    """A wire or press-release disclaimer or distributor tag («يتم توفير المقال من قبل مزود محتوى خارجي»).

    Syndication boilerplate: a distributor tag opening the first paragraph ("(SeaPRwire) –", "(PRNewswire) -"),
    "the article is provided by a third-party content provider" disclaimers, "makes no warranties" notices and
    the distributor's own blurb that follows them, in English or Arabic. Major: it is not part of the story.

    Bad: «يتم توفير المقال من قبل مزود محتوى خارجي. لا تقدم الشركة أي ضمانات فيما يتعلق بذلك.»

    Good: the article without the disclaimer line.
    """

    label = "Wire or press-release boilerplate"
    code = "B203"
    name = "wire-disclaimer"
    severity = Severity.MAJOR


class PhotoCredit(_ResidueCheck):
    """A photo credit left at the end of a caption ("– AFP", «(صورة: رويترز)»).

    The credit line of a picture that is no longer there, scraped with its caption. Minor: it does not mislead,
    but it is page furniture in the body text.

    Bad: «شوهد الرئيس وهو يصافح المبعوث خلال اجتماعهما. – AFP»

    Good: «شوهد الرئيس وهو يصافح المبعوث خلال اجتماعهما.»
    """

    label = "Photo credit"
    code = "B204"
    name = "photo-credit"
    severity = Severity.MINOR


RESIDUE_CHECKS: tuple[type[Check], ...] = (ScrapedPageResidue, ImageFileName, WireDisclaimer, PhotoCredit)
