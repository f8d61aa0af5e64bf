"""Readability of course pages: the text a learner reads, and its LIX.

LIX (läsbarhetsindex, Björnsson 1968) = words / sentences + 100 × long words / words,
where a long word has more than six letters. Roughly: below 30 very easy, 30–40 easy
(news for the general public), 40–50 medium, above 50 hard.

How this module counts, so that a number can be reproduced by hand:
- the text is the rendered page (Markdown syntax, link targets and hidden headings are
  not text a learner reads);
- a word is a run of letters (with inner hyphens or apostrophes); numbers are not words;
- a sentence ends at ".", "!", "?" or ":" followed by a space or the end (not the dots
  of common abbreviations such as "t.ex." or "kap."), and at the end of every block
  (paragraph, heading, list item, table cell, flowchart step): a heading or a list item
  without a full stop counts as one sentence.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

LETTER_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
SENTENCE_END = re.compile(r"[.!?:]+(?=\s|$)")
# Abbreviations whose full stops do not end a sentence ("t.ex.", "10 kap. 23 §").
ABBREVIATION = re.compile(
    r"\b(?:t\.ex|bl\.a|s\.k|m\.m|m\.fl|o\.s\.v|d\.v\.s|dvs|kap|jfr|ca|nr)\.", re.I
)
LONG_WORD_LETTERS = 6  # a long word has more letters than this
BLOCK_TAGS = {
    "p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd",
    "figcaption", "blockquote", "pre", "section", "div", "tr",
}  # fmt: skip
BLOCK_END = "\n\n"


@dataclass(frozen=True)
class TextCounts:
    """What LIX is computed from; counts add up over pages."""

    words: int = 0
    sentences: int = 0
    long_words: int = 0

    def __add__(self, other: "TextCounts") -> "TextCounts":
        return TextCounts(
            self.words + other.words,
            self.sentences + other.sentences,
            self.long_words + other.long_words,
        )

    @property
    def lix(self) -> float:
        """LIX = words/sentences + 100 × long words/words (0 for an empty text)."""
        if not self.words:
            return 0.0
        return self.words / max(self.sentences, 1) + 100 * self.long_words / self.words


class _TextExtractor(HTMLParser):
    """Collect the visible text of sanitised page HTML, one block per paragraph."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden_depth = 0
        self.stack: list[bool] = []

    def handle_starttag(self, tag, attrs):
        hidden = "visually-hidden" in (dict(attrs).get("class") or "").split()
        if tag in BLOCK_TAGS:
            self.parts.append(BLOCK_END)
        if tag not in {"br", "hr", "img"}:
            self.stack.append(hidden)
            self.hidden_depth += hidden

    def handle_endtag(self, tag):
        if tag in BLOCK_TAGS:
            self.parts.append(BLOCK_END)
        if tag not in {"br", "hr", "img"} and self.stack:
            self.hidden_depth -= self.stack.pop()

    def handle_data(self, data):
        if not self.hidden_depth:
            self.parts.append(data)


def readable_text(html: str) -> str:
    """The text of a rendered page as the learner reads it; blocks separated by a blank line."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    blocks = (" ".join(block.split()) for block in "".join(parser.parts).split(BLOCK_END))
    return BLOCK_END.join(block for block in blocks if block)


def text_counts(text: str) -> TextCounts:
    """Words, sentences and long words of a text (blocks separated by blank lines)."""
    words = sentences = long_words = 0
    for block in ABBREVIATION.sub(_without_dots, text).split(BLOCK_END):
        found = LETTER_WORD.findall(block)
        if not found:
            continue
        words += len(found)
        long_words += sum(1 for word in found if _letters(word) > LONG_WORD_LETTERS)
        pieces = SENTENCE_END.split(block)
        sentences += sum(1 for piece in pieces if LETTER_WORD.search(piece))
    return TextCounts(words, sentences, long_words)


def lix(text: str) -> float:
    """LIX of a plain text (see the module docstring for how it counts)."""
    return text_counts(text).lix


def _without_dots(match: re.Match) -> str:
    return match.group(0).replace(".", "")


def _letters(word: str) -> int:
    return sum(1 for char in word if char.isalpha())
