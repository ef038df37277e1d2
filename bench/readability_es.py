#!/usr/bin/env python3
"""Reading ease of Spanish Markdown files (Fernández Huerta, with Szigriszt-Pazos beside it).

    python3 bench/readability_es.py content/**/*.es.md
    python3 bench/readability_es.py --strict FILE...   # headings dropped, only . ? ! end sentences

Fernández Huerta: 206.84 - 0.60 * P - 1.02 * F, where P is syllables per 100 words and
F is sentences per 100 words. Szigriszt-Pazos (INFLESZ): 206.835 - 62.3 * S/W - W/F.
Both run from 0 (very hard) to 100 (very easy); 60 to 70 is "normal", above 70 "fairly
easy". The text scored is the body plus the FAQ questions and answers (the front matter's
other fields are left out). Headings and list items each count as a sentence, as they
are read as separate units (--strict: headings dropped, only . ? ! end sentences); link targets, citations (`[@id]`), callout markers and
Markdown punctuation are removed first; tokens without letters (numbers) are not words.

Syllables are counted by Spanish rules: one per vowel nucleus, where two strong vowels
(a, e, o) are in hiatus, an accented í or ú breaks a diphthong, and i/u (unaccented)
next to another vowel form a diphthong; `u` in que/qui/gue/gui is silent; `y` is a vowel
at the end of a word or between consonants. Never English rules.
"""

import re
import sys

import yaml

STRONG = set("aeoáéó")
ACCENTED_WEAK = set("íú")
WEAK = set("iuü")
VOWELS = STRONG | ACCENTED_WEAK | WEAK


def syllables(word: str) -> int:
    w = word.lower()
    # Silent u in que, qui, gue, gui (not güe/güi, where ü is sounded).
    w = re.sub(r"([qg])u([eéií])", r"\1\2", w)
    # y as a vowel: word-final after a vowel (hay, muy, ley) joins that vowel's nucleus;
    # alone or between consonants (y) it is a vowel (i).
    chars = []
    for i, c in enumerate(w):
        if c == "y":
            nxt = w[i + 1] if i + 1 < len(w) else ""
            if nxt in VOWELS:
                chars.append("c")  # consonant y (yo, mayo)
            else:
                chars.append("i")
        elif c.isalpha():
            chars.append(c)
    count = 0
    prev = None  # previous char if it was a vowel
    for c in chars:
        if c in VOWELS:
            if prev is None:
                count += 1
            else:
                # Same nucleus unless hiatus.
                if (prev in STRONG and c in STRONG) or prev in ACCENTED_WEAK or c in ACCENTED_WEAK:
                    count += 1
            prev = c
        else:
            prev = None
    return max(count, 1)


def split_front_matter(text: str):
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            return yaml.safe_load(text[4:end]) or {}, text[end + 5 :]
    return {}, text


def clean(md: str) -> str:
    md = re.sub(r"```.*?```", " ", md, flags=re.S)
    md = re.sub(r"\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]", " ", md, flags=re.I)
    md = re.sub(r"\[@[^\]]*\]", " ", md)  # citations
    md = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", md)  # links, images -> their text
    md = re.sub(r"<[^>]+>", " ", md)  # raw HTML tags
    md = re.sub(r"\{#[^}]*\}", " ", md)  # explicit heading ids
    return md


STRICT = False


def units(md: str):
    """Sentences: headings and list items are units of their own; paragraphs split at . ! ?

    With --strict, headings are dropped and list items without a full stop run on into
    the next one, so only . ? ! end a sentence (a harsher count)."""
    if STRICT:
        kept = [l for l in md.splitlines() if not re.match(r"^\s*#{1,6}\s", l)]
        text = " ".join(re.sub(r"^\s*(>\s?)?([-*+]\s|\d+[.)]\s)?", "", l) for l in kept)
        return [u for u in split_sentences(text) if words(u)]
    out = []
    para = []

    def flush():
        if para:
            out.extend(split_sentences(" ".join(para)))
            para.clear()

    for line in md.splitlines():
        s = line.strip()
        s = re.sub(r"^>\s?", "", s).strip()
        if not s:
            flush()
            continue
        if re.match(r"^(#{1,6}\s|[-*+]\s|\d+[.)]\s)", s):
            flush()
            s = re.sub(r"^(#{1,6}\s|[-*+]\s|\d+[.)]\s)", "", s)
            out.extend(split_sentences(s))
            continue
        para.append(s)
    flush()
    return [u for u in out if words(u)]


def split_sentences(text: str):
    # A full stop, ? or ! (Spanish ¿ and ¡ open them) or the end of the unit ends a
    # sentence; a point between digits (3.000) does not.
    parts = re.split(r"(?<!\d)[.?!…]+(?!\d)", text)
    return [p for p in parts if p.strip()]


def words(text: str):
    return [t for t in re.findall(r"[A-Za-zÁÉÍÓÚÜÑáéíóúüñ0-9]+", text) if re.search(r"[^\d]", t)]


def score(md: str):
    us = units(md)
    ws = [w for u in us for w in words(u)]
    n_w = len(ws)
    n_s = len(us)
    n_syl = sum(syllables(w) for w in ws)
    p = 100.0 * n_syl / n_w
    f = 100.0 * n_s / n_w
    fh = 206.84 - 0.60 * p - 1.02 * f
    sp = 206.835 - 62.3 * n_syl / n_w - n_w / n_s
    return fh, sp, n_w, n_s, n_syl / n_w, n_w / n_s


def label(fh: float) -> str:
    for limit, name in [(90, "muy fácil"), (80, "fácil"), (70, "algo fácil"), (60, "normal"),
                        (50, "algo difícil"), (30, "difícil")]:
        if fh >= limit:
            return name
    return "muy difícil"


def file_text(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        fm, body = split_front_matter(f.read())
    parts = [body]
    for faq in fm.get("faqs") or []:
        parts.append("\n\n" + faq["question"] + "\n\n" + faq["answer"] + "\n")
    return clean("".join(parts))


def main(paths):
    global STRICT
    if paths and paths[0] == "--strict":
        STRICT = True
        paths = paths[1:]
    if not paths:
        print(__doc__)
        return 2
    print(f"{'file':58} {'FH':>6} {'SzP':>6} {'words':>6} {'sent':>5} {'syl/w':>6} {'w/sent':>6}  level")
    low = 0
    for path in paths:
        fh, sp, n_w, n_s, spw, wps = score(file_text(path))
        low += fh < 60
        print(f"{path:58} {fh:6.1f} {sp:6.1f} {n_w:6d} {n_s:5d} {spw:6.2f} {wps:6.1f}  {label(fh)}")
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
