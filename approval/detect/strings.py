"""Personal data in short strings that are not file content but travel with it: a file's name,
a sheet, part or column name, the reason a member could not be read, the purpose a publisher
types. These are shown in reports and go into the ledger, which must never hold protected data
(DESIGN.md invariant 7), so they pass through here first.

What identifies a person on its own, in a few words, is what the scanner's detectors call one:

- an A-number, spelled with its ``A`` or a label in any grouping (``A212345678``,
  ``A-212-345-678``, ``A21234 5678``, ``A 2 1 2 3 4 5 6 7 8``, ``A.N. 212,345,678``): the
  scanner's own recogniser (``a_number.spelled``);
- a bare 8-9 digit number (``212345678``, ``212-345-678``, ``212 345 678``, one digit at a
  time): in a file name or a purpose there is no header to say what it is, and an A-file is
  named by its number (``a_number.bare_numbers``). A date written without separators
  (``20221128``, ``11282022``), a ZIP+4, an amount with thousands commas and an SSN's 3-2-4
  are not;
- a person's name: ``LAST, First`` in capitals (``PersonName.find``), or two to four
  capitalised words that are not a place, an office, a common word or a term of the policy
  (``claimants`` finds the runs, ``PersonName.looks_like`` decides), so that ``Maria Garcia`` is
  a name and ``Weekly Statistics`` or ``Public Affairs`` is not; a surname that an honorific
  or a family makes a person's (``Mr. Garcia``, ``Sr. Garcia``, ``the garcia family``), while a
  surname alone, or after a job title (``Director Chen``), is not.

File names join words with ``_ - . /``; they are read as spaces, character for character, so
that what is found maps back onto the original string.

Free text is refused when it holds one of these (``approval.freetext.free_text``); a string
that comes from a file is redacted instead (``safe_text``), because the publisher cannot always
choose it: the identifying words become ``[redacted]`` and the rest (``sheet``, ``.csv``,
``asylum/``) stays, so that people can still find the place.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from approval.detect.detectors.a_number import bare_numbers, spelled
from approval.detect.detectors.birthdate import MONTHS
from approval.detect.detectors.countries import COUNTRY_NAMES
from approval.detect.detectors.person_name import NOT_NAME_PARTS, US_STATES, PersonName
from approval.detect.textnorm import fold, is_redaction, word_set
from approval.policy import Policy

REDACTED = "[redacted]"
# Kinds of identifying text, in words for a message that must not quote the text itself.
KINDS = {
    "a-number": "an A-number",
    "number": "an 8-9 digit number, which may be an A-number",
    "person-name": (
        "a person's name (LAST, First in capitals, or capitalised words that are not a place, "
        "an office or a term of the policy)"
    ),
}
# Location values that are names from the file (numbers and letters like "B" are positions),
# and the longest each may be (``$defs/scan_summary`` in the statement schema).
NAMED_LIMITS = {"sheet": 200, "part": 500, "header": 200, "key": 200, "column": 200}

# File and sheet names join words with these; detectors look for words.
_SEPARATORS = str.maketrans(dict.fromkeys("_-./\\", " "))
# Words next to an identifier that belong to the same name: ``A212345678_Garcia_Maria``.
_NEXT_WORD = re.compile(r"[ _-]+(?=[^\W_])([^\W_]+)")
_PREVIOUS_WORD = re.compile(r"([^\W_]+)[ _-]+$")
# Characters that would fake a line or hide text on a screen.
_INVISIBLE = ("Cc", "Cf", "Zl", "Zp", "Cs")
_NAME_DETECTORS: dict[tuple[str, int], tuple[Policy, PersonName | None]] = {}
# One word of a name written in any case, and what may stand between two words of one name.
_CASELESS_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_NAME_GAP = re.compile(r",? *")
_CLAUSE = re.compile(r"[^:;()\[\]{}<>|\"!?]+")
_VOCABULARY: dict[int, tuple[frozenset[str], frozenset[str]]] = {}
_CLAIMS: dict[tuple[str, int], re.Pattern[str]] = {}
# Words of a claim beside the policy's terms: a string that holds one is about a claimant.
_CLAIM_WORDS = ("asylum", "asylee", "refugee", "credible fear", "reasonable fear", "persecution")
# The words of the scanner's, the redactor's and the workflows' own messages (a reason, a
# "removed" line: ``pivot cache 1 of sheet ...``), gathered from their string literals: text
# this tool wrote is no one's name.
_MESSAGE_WORDS = word_set(
    """
    abcdef abort about above accents accept accepted accepts across action add added address
    admin admitted adopt adopted adoption adoptions afresh after again aggregate agrees
    ahead alias aliases allowed allows alone alongside alpha already also among ancestor
    ancestors anchored annotation annotations another answer any anything anywhere appear
    append appended appending applicable applies apply approvalignore approve archive
    archives args aria around array arrays article artifact artifacts ascii aside ask asking
    asks attached attempts attribute attributes audio auditor auditors authors avg away
    babel back background backwards bad bare base based batch bcc become been before begin
    begins being below between beyond big bin binary binds bit blank block blocked blocking
    blockquote blocks body bomb bookmark bookmarks bool boolean both bound bounded bounds
    box boxes breadth break broke broken browsers budget buffer build builds built bundled
    busy but byte bytes bzip cache cached caches calamine call caller calls came can cannot
    canonical cantidad capitalised capitals caption capturing carrier carries carry cell
    cells censor censored chain change changed changing character characters chars charset
    cheap checked checksum choose chunk cite claimants claims class classes classified
    classifier client clone cloned clones cloning codebase col collapse colon colour colspan
    column columns come comes command commands comment comments commit commits committed
    common compare compared complaint complete compound compress compressed compression
    conditional configured configures connection consistency consistent consume contain
    container content contents context continuation continue contradicts control coordinates
    core corrupt could counted coverage covered covers create created cross cryptographic
    css currency custom customxml cut cwd cycles damage damaged dangling database dateline
    dates decide decides deciding deck declaration declare declared declares decode decoded
    decoder decodes decompressed decompression deep deeply default defaults defined
    definition defs delet deleted deleting deletions delimiter delivered depend depth
    derivative descend desconocido describe describes description descriptor desde dest
    detect detector detectors device diagrams dialog dictionary did diff differ different
    differs digest digit digits dir directly directories directory disappeared discarded
    disk display div docprops doctype does drawing drawings draws driver drop dropped each
    earlier ecmascript edit element elimin eliminado else elsewhere embed embedded empty
    encoded encoder encoding encodings encrypted end ended endnotes ends enough entity env
    envelope environment epilogue epilogues equiv error errors etc evaluated evaluates
    events every everything exact exactly exchange exclude executable execution exempt
    exemption exemptions exhausts exist existing exists exit exits expand expanded expands
    expired exported exports expung expunged ext extension extensions extraction fact fail
    failed fails failure failures fallback false far fast fetch fetched fetches few fields
    fieldset figcaption fill filter find finding findings finds fits fix fixed flac flag
    flattened fld float floats flush folded follow followed follows font footer footers
    footnotes force formaction format formats formatted formed formula formulas found
    fragment free fresh frozen func function functions gate gave gen generic get gets git
    gitignore give gives glued glyph glyphs goes going gone graphics grown gzip had hand
    handed happen hard has hashed hashes hashing have head header headers heading headings
    heads heic held help here hidden hide history hits hold holding holds hook how however
    href http https hyperlink hyperlinks ibn ident identifier identifiers identifies
    identify identifying idnum ignore ignored ignores img importmap indented info
    information init inline inner inode insensitive inside install instead int intact
    integer into introduction ints invalid invariant invocations iso item itemid itemprop
    items its itself javascript join joined journal jscript jsx just keep keeps kept keygen
    keywords kind kinds know knowingly known knows label labels lacks large larger lasts
    later latin lay layer lazily lazy lead leading leaf least leave leaves leaving ledger
    left legacy legend length lengths less lets lie like limit limits line linearized lines
    link links listed lit literal literals little live lives livescript load loading locate
    logo lone long longdesc longer look looked loop loose los lose lost lower lstrip lzip
    lzma macros made magic mail main make makes malformed manifest many mark marker mask
    masks master match matches matching max mbox mean meaningful means meanwhile member
    members memory merge merged mero met meta metadata method million mimetype mine mini
    minimum missing mode module modules more most move moved mpeg msdownload msoxl must
    mutable named nameless names namespace naming nan nav near need needed needs neither
    nested nesting never newlines next nil node nor normalised not nothing notifications now
    null oasis object objects occurrence octal octet off officials offline offs offset ogg
    oldest ole omit omitted once one ones online onto oooc opaque opendocument opened opens
    operators option ora order org original otherwise out outer outermost outline outside
    over overlap override own owner owners package packages padded pair paragraph param
    parameters parent parse parsed parser particles pass passes passphrase password past
    path paths pathspec pathspecs pattern patterns pax pay payload pct people per percentage
    permissions persecution personal persons pgp phrase picks picture pictures piece pieces
    pii ping pinned pipe pivot pivots pixels pkcs placeholders places plain plan pop
    porcentaje position positioned positions positives possible poster power pre preamble
    preambles prefix prepared prepended present presentation printable printer
    printersettings prints private probe problem proc process profiles programs progress
    prompting properties property prose protected provenance ptab publisher publishes purl
    purpose push pushed pushes put pycache pypdf query quote quoted quotes raise raised
    raises range rar rather raw reachable reached read readable reader readers reading reads
    reason reasons rebuild rebuilt recognise recorded recursively redact redactada redactado
    redaction redactor references refers refname refresh refs refuse refused refuses
    refusing regex regular reject rejection rel relationships relative rels remote remov
    remove rename renamed renames render rendered rendering renders repeat repeated replace
    replaced replay replayed reply reported repository requested requester rescan rescanned
    resent resolved rest restored resumed retry reused reversed revision revisions
    revocation revoke revoked rewrite rewriting rewritten rfc rich right role roles rollback
    root roster rosters round row rows rowspan rule rules run running runs safe safely said
    salvaged same saniti sanitised sanitized sarif save saved say saying says scalars
    scanned scanner scanners schema schemas schemastore scope screen script scripts search
    second seconds sections seekable seems seen sees segment self semicolons sender sentence
    sentences separate separated separator server serves serving session sets settings
    several sha shading shallower shape shapes shared shares sharing shm short shorter show
    shown shows sig sign signal signature signatures signed signer signers signing signoff
    since sink size skip skipped sld slice slices slide slides small snapshot sniffing
    sniffs socket soft some someone something source sources space spaced span spans sparse
    special speculationrules spelling spells spelt split spreadsheet sqlite src srcset
    stacked stage staged stale standard standing stands start starting starts stay stays
    stem still stop stopped storage stored str stream streamed streams strict strictest
    string strings stripped structure structured style styles subclasses subjects submodule
    substg substream subsumes succeed such suffix supported suppress suppressed suprim
    suprimido sure surrogateescape surrogates svn swallow sweep swept sym symbolic sync
    synced synchronous syntax tachad tachado tag tags tail taken takes tally target targets
    tbl tbz temporary term terminal terms text than their them theme then there they
    thousands threshold through tie timeline times title titles tlz together token tokenizer
    tokens too took tool top toplevel toward towards track tracked trailer trailing
    transaction transfer transitional treated tree true truncated try tuple two txz tying
    typescript una unclosed uncompressed undecodable under unescaped unique units unk
    unlabelled unless unread unreadable unscannable unstaged unsupported until unused unzip
    upper ups uri url urn usage use used usemap user uses using usual utf uue uuencode
    uuencoded val valid validate validation value values vanish variables verdict verified
    verifier verify video view viewers visibility visible vnd vocabulary wal walk walked
    want wanted warning way wbr webp well went what whatever when where whether which while
    whitespace who whole whom whose why wide will withdraw withh withheld within without
    word words work workflow worksheets worth would wraps write writer writes writing
    written wrote xfa xla xlink xlsb xmlns xmp xxx xxxx yet yields you zeros zipfile zstd
    """
)
# Words of file names, sheet names and headers that are no person's name: with the name
# detector's stop words (which hold the policy's terms), places and months, what a run of
# unknown words is told apart from. A word missing here costs a redaction, never a leak.
_FILE_WORDS = word_set(
    """
    pdf csv tsv xlsx xlsm xls ods odt docx doc txt json yaml yml xml html htm eml msg zip gz
    tar tgz png jpg jpeg gif tif tiff bmp ppt pptx md rtf bak tmp old new copy final draft
    v version rev revised updated update latest current previous redacted clean public
    internal external official confidential sensitive restricted full partial sample test
    stats stat figures figure numbers number counts count totals total sum sums rate rates
    ratio percent share average median trend trends series index indices metrics metric
    data dataset datasets file files folder document documents doc docs record records list
    lists log logs sheet sheets book workbook tab tabs page pages table tables chart charts
    graph graphs map maps image images photo photos scan scans attachment attachments
    annex appendix exhibit supplement part parts section volume vol chapter
    monthly quarterly annual annually weekly daily yearly biweekly fiscal calendar q1 q2 q3 q4
    fy cy ytd mtd period periods quarter quarters week weeks months years day days
    interview interviews transcript transcripts notes memo memos letter letters email emails
    message messages form forms case cases caseload backlog docket dockets hearing hearings
    decision decisions outcome outcomes result results grant grants granted denial denials
    approval approvals application applications applicant applicants filing filings
    detainee detainees population populations arrest arrests removal removals return returns
    encounter encounters apprehension apprehensions release releases book bookin bookout
    ins outs admission admissions departure departures border borders entry entries
    nationality nationalities country countries citizenship origin destination location
    locations site sites field office region regions sector sectors area areas zone
    adult adults child children minor minors family families unaccompanied accompanied
    male female men women gender sex age ages group groups category categories type types
    status statuses level levels code codes id ids key keys reference ref no num nbr
    input output import export staging web www site publish published publication release
    press media statement statements brief briefing overview summary summaries detail details
    breakdown analysis review reviews audit audits check checks report reports reporting
    request requests response responses foia privacy policy policies procedure procedures
    guidance manual handbook training template templates example examples demo
    processing processed pending closed open completed received issued filed
    agency department dhs ice cbp uscis eoir ero hsi doj state local county national
    """
)


@dataclass(frozen=True)
class Span:
    """Identifying text at ``text[start:end]``; ``kind`` is a key of ``KINDS``."""

    start: int
    end: int
    kind: str


def identifying(text: str, policy: Policy, *, from_file: bool = False) -> list[Span]:
    """Where ``text`` identifies a person (see the module doc), in order. ``from_file``: a
    string that comes with a file (its name, a sheet's, a member's), where a name is written
    in any case, so that any run of unknown words next to a claim counts as one."""
    spaced = text.translate(_SEPARATORS)
    spans: list[Span] = []
    candidates = dict.fromkeys((text, spaced))
    for candidate in candidates:
        spans += [Span(f.start, f.end, "a-number") for f in spelled(candidate)]
    for start, end in bare_numbers(text):
        # The digits of a spelled A-number are that A-number, not a second finding.
        if not any(s.start <= start and end <= s.end for s in spans):
            spans.append(Span(start, end, "number"))
    names = _names(policy)
    if names is not None:
        from approval.detect.claimants import name_candidates

        for candidate in dict.fromkeys((text, spaced)):
            spans += [Span(f.start, f.end, "person-name") for f in names.find(candidate)]
        for found in name_candidates(spaced, names.stop):
            if names.looks_like(found.value):
                spans.append(Span(found.start, found.end, "person-name"))
        spans += _caseless_names(spaced, names, policy, from_file)
        spans += _addressed_names(spaced, names)
    return sorted(set(spans), key=lambda s: (s.start, s.end, s.kind))


def _caseless_names(spaced: str, names: PersonName, policy: Policy, from_file: bool) -> list[Span]:
    """Names whose case does not show them (``jose hernandez``, ``MARIA GARCIA``,
    ``garcia lopez, ana``): runs of two or more words that are no known vocabulary (the
    name detector's stop words, the policy's terms, places, months, common words of file
    names) joined by spaces or a comma, where one word is a common given name or surname
    (``gazetteer``) or, for a string from a file, where the string names a protection claim.
    Any case: a capitalised run is found by its shape already, and found again does no harm."""
    from approval.detect.gazetteer import NAMES

    vocabulary = _vocabulary(names)
    spans: list[Span] = []
    # A claim makes the unknown words of its own clause a name, not those of a message after
    # a colon (``asylum/x.png: unsupported format``).
    for clause in _CLAUSE.finditer(spaced):
        run: list[tuple[int, int, str]] = []
        # Whether the clause names a claim, asked only of a run that needs the answer: the
        # claim terms make a large pattern, which most strings (a part's name) never need.
        said: list[bool] = []

        def claim(text: str = clause.group(), said: list[bool] = said) -> bool:
            if not said:
                said.append(from_file and _names_a_claim(text, policy))
            return said[0]

        def close(run: list[tuple[int, int, str]], claim: Callable[[], bool] = claim) -> None:
            words = [w for _, _, w in run]
            if len(words) < 2 or not (any(w in NAMES for w in words) or claim()):
                return
            if not from_file and all(_title(spaced[a:b]) for a, b, _ in run):
                # Typed text writes names in Title Case, whose shape decides (an official's
                # name after a title is no claimant's); in a file's name, any case is a name.
                return
            spans.append(Span(run[0][0], run[-1][1], "person-name"))

        for m in _CASELESS_WORD.finditer(spaced, clause.start(), clause.end()):
            word = fold(m.group())
            known = len(word) < 2 or word in vocabulary or is_redaction(m.group())
            joined = bool(run) and _NAME_GAP.fullmatch(spaced, run[-1][1], m.start()) is not None
            if known or not joined:
                close(run)
                run = []
            if not known:
                run.append((m.start(), m.end(), word))
        close(run)
    return spans


# A surname is no one on its own ("Garcia" is a street, a county, a shop), but the way people
# address or group a person makes it someone: an honorific before it (``Mr. Garcia``,
# ``Sra. Lopez``) or a family around it (``the Garcia family``, ``familia Garcia``). A job title
# before a name makes it an official's (``Director Chen``): those are not honorifics. ``Sr.``
# (Señor, or Senior before a job) and ``Don`` (a verb too) count only before a known given name
# or surname (``gazetteer``).
_WORD = r"[^\W\d_]+(?:['’-][^\W\d_]+)*"
_ADDRESSED = re.compile(
    r"(?<![^\W_])(?P<h>(?i:mrs|mr|ms|mx|miss|mister|srta|sra|se[nñ]ora|se[nñ]or|do[nñ]a|mme|mlle"
    r"|madame|monsieur|herr|frau|sr|don))\.?[ \t]{1,3}(?P<w>" + _WORD + r")"
)
_FAMILY = re.compile(
    r"(?i)(?<![^\W_])(?:(?P<a>" + _WORD + r")[ \t]{1,3}famil(?:y|ies)"
    r"|(?:fam[ií]lia|famille)[ \t]{1,3}(?:de[ \t]{1,3})?(?P<b>" + _WORD + r"))(?![^\W_])"
)
_LOOSE_HONORIFICS = frozenset({"sr", "don"})


def _addressed_names(spaced: str, names: PersonName) -> list[Span]:
    """Surnames that an honorific or a family makes a person's (see ``_ADDRESSED``)."""
    from approval.detect.gazetteer import NAMES
    from approval.detect.vocabulary import JOB_WORDS

    vocabulary = _vocabulary(names)
    spans: list[Span] = []
    for m in _ADDRESSED.finditer(spaced):
        word = fold(m.group("w"))
        if _known(word, NAMES) or (
            fold(m.group("h")) not in _LOOSE_HONORIFICS
            and m.group("w")[:1].isupper()
            and word not in vocabulary
            and word not in JOB_WORDS
        ):
            spans.append(Span(m.start(), m.end(), "person-name"))
    for m in _FAMILY.finditer(spaced):
        if _known(fold(m.group("a") or m.group("b")), NAMES):
            spans.append(Span(m.start(), m.end(), "person-name"))
    return spans


def _known(word: str, names: frozenset[str]) -> bool:
    """Whether a word, or a part of a double-barrelled one (``garcia-lopez``), is a name."""
    return word in names or any(part in names for part in _NAME_JOINS.split(word))


_NAME_JOINS = re.compile("['’-]")


def _title(word: str) -> bool:
    return word[:1].isupper() and not word[1:].isupper()


def _vocabulary(names: PersonName) -> frozenset[str]:
    key = id(names.stop)
    found = _VOCABULARY.get(key)
    if found is None or found[0] is not names.stop:
        countries = {w for phrase in COUNTRY_NAMES for w in phrase.split()}
        words = (
            names.stop
            | _FILE_WORDS
            | _MESSAGE_WORDS
            | NOT_NAME_PARTS
            | US_STATES
            | set(MONTHS)
            | countries
        )
        found = (names.stop, frozenset(words))
        _VOCABULARY[key] = found
    return found[1]


def _names_a_claim(spaced: str, policy: Policy) -> bool:
    """Whether ``spaced`` holds a term of the policy's protection-claim detector (or of the
    default policy's, when it has none), as whole words, in any case."""
    pattern = _CLAIMS.get((policy.id, policy.version))
    if pattern is None:
        detector = policy.detector("protection-claim")
        if detector is None:
            from approval.policy import default_policy

            detector = default_policy().detector("protection-claim")
        terms = {
            " ".join(fold(t).translate(_SEPARATORS).split())
            for t in (*(detector.terms if detector else ()), *_CLAIM_WORDS)
        }
        body = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in sorted(terms, key=len)[::-1])
        pattern = re.compile(rf"(?<![^\W_])(?:{body})(?![^\W_])")
        _CLAIMS[(policy.id, policy.version)] = pattern
    return pattern.search(fold(spaced)) is not None


def personal_data_in(text: str, policy: Policy) -> tuple[str, ...]:
    """The kinds of identifying text in ``text``, a string that comes with a file (``a-number``,
    ``number``, ``person-name``)."""
    spans = identifying(text, policy, from_file=True)
    return tuple(dict.fromkeys(span.kind for span in spans))


def printable(text: str) -> str:
    """``text`` with what cannot be signed or shown replaced by U+FFFD: bytes of a file name
    that are not UTF-8 (Python keeps them as lone surrogates), control and format characters."""
    if text.isprintable() and text.isascii():
        return text
    return "".join("\ufffd" if unicodedata.category(c) in _INVISIBLE else c for c in text)


def safe_text(text: str, policy: Policy, limit: int | None = None) -> str:
    """A string from a file (a name, a location, a reason that names a member) that can be
    shown and signed: identifying words redacted, printable, at most ``limit`` characters."""
    text = printable(text)
    spans = identifying(text, policy, from_file=True)
    if spans:
        out = []
        at = 0
        for start, end in _merge(_widen(text, s.start, s.end) for s in spans):
            out += [text[at:start], REDACTED]
            at = end
        out.append(text[at:])
        text = "".join(out)
    if limit is not None and len(text) > limit:
        text = text[: limit - 3] + "..."
    return text


def safe_location(location: Mapping[str, Any], policy: Policy) -> dict[str, Any]:
    """A finding's location whose names from the file (sheet, part, header, key, column) are
    safe to show; positions (column letters, rows, lines) as they are."""
    out = dict(location)
    for key, limit in NAMED_LIMITS.items():
        value = out.get(key)
        if isinstance(value, str):
            out[key] = safe_text(value, policy, limit)
    return out


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """The span grown to whole words, then over the capitalised words and numbers joined to it
    by spaces, ``_`` or ``-``: the rest of the same name (``A212345678 Garcia``), but not the
    lower-case words of a sentence around it (``sheet``, ``of``) nor past ``( , . /``."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    while (m := _NEXT_WORD.match(text, end)) and _name_like(m.group(1)):
        end = m.end()
    while (m := _PREVIOUS_WORD.search(text, 0, start)) and _name_like(m.group(1)):
        start = m.start()
    return start, end


def _name_like(word: str) -> bool:
    return word[0].isupper() or word[0].isdigit()


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _names(policy: Policy, fallback: bool = True) -> PersonName | None:
    """The policy's person-name detector; the default policy's when it has none (a name is
    personal data whatever the policy calls it)."""
    # The name detector alone, not a whole ``classify.Engine``: the others' patterns (claims
    # in every language, dates in words) take a tenth of a second and more to compile, and a
    # report that shows no location with text pays for them otherwise.
    key = (policy.id, policy.version)
    cached = _NAME_DETECTORS.get(key)
    if cached is not None and cached[0] is policy:
        names = cached[1]
    else:
        vocab = policy.detector("person-name")
        names = PersonName(vocab, policy) if vocab is not None else None
        _NAME_DETECTORS[key] = (policy, names)
    if names is not None:
        return names
    if not fallback:
        return None
    from approval.policy import default_policy

    return _names(default_policy(), fallback=False)


# -- statements: every string that comes with a file, made safe where a statement is built --

MAX_NAME = 255  # the statement schema's limit for a file's name
MAX_TEXT = 2000  # and for a text
MAX_REMOVED = 500  # and for a line of a redaction's ``removed``
_MAX_PART = NAMED_LIMITS["part"]  # and for a coverage part's name and reason
_MAX_KIND = 100  # and for its ``kind``


def safe_file_name(name: str, policy: Policy) -> str:
    """A file's base name for the ledger: the whole stem redacted when any of it identifies a
    person (``[redacted].csv``), since what is left of a name next to a redaction may still
    point at the person; printable, bounded."""
    base = printable(PurePath(name).name or name)
    if not identifying(base, policy, from_file=True):
        return base[:MAX_NAME]
    suffix = PurePath(base).suffix
    # The extension says what kind of file it was; a "suffix" that is a word may be a name
    # (``maria.hernandez``), and is redacted with the rest.
    extension = 2 <= len(suffix) <= 6 and suffix[1:].isalnum() and fold(suffix[1:]) in _FILE_WORDS
    return f"{REDACTED}{suffix if extension else ''}"


# Where a string comes with a file: its place in the statement (keys and list indexes), how it
# is made safe ("name": a file's base name; "path": its end kept; "text") and its limit.
Place = tuple[str | int, ...]
_MAX_BLOCKED_REASON = 500  # the schema's limit for a blocked statement's reason


def file_strings(statement: Mapping[str, Any]) -> Iterator[tuple[Place, str, str, int]]:
    """Every string of ``statement`` that comes with a file: the artifacts' names, a request's
    scan summary (its findings' named locations, its reason, its coverage's part names,
    reasons and kinds), an export's destination (a path ending in the file's name), a
    redaction's list of what it removed, a refusal's reason at the web gate. The one list:
    ``safe_statement`` makes them safe before signing, and the audit warns of personal data in
    them (``approval.report.personal``), so the two cannot drift apart."""
    kind = statement.get("kind")
    for key in ("artifact", "source", "derivative"):
        artifact = statement.get(key)
        if isinstance(artifact, Mapping) and isinstance(artifact.get("name"), str):
            yield (key, "name"), artifact["name"], "name", MAX_NAME
    scan = statement.get("scan")
    if kind == "request" and isinstance(scan, Mapping):
        for index, finding in enumerate(_items(scan.get("findings"))):
            location = finding.get("location") if isinstance(finding, Mapping) else None
            for key, limit in NAMED_LIMITS.items():
                if isinstance(location, Mapping) and isinstance(location.get(key), str):
                    place = ("scan", "findings", index, "location", key)
                    yield place, location[key], "text", limit
        if isinstance(scan.get("reason"), str):
            yield ("scan", "reason"), scan["reason"], "text", MAX_TEXT
        for index, part in enumerate(_items(scan.get("coverage"))):
            # A part's kind may come from the file too (a MIME part's Content-Type).
            for key, limit in (("part", _MAX_PART), ("reason", _MAX_PART), ("kind", _MAX_KIND)):
                if isinstance(part, Mapping) and isinstance(part.get(key), str):
                    yield ("scan", "coverage", index, key), part[key], "text", limit
    if kind == "export" and isinstance(statement.get("destination"), str):
        yield ("destination",), statement["destination"], "path", MAX_TEXT
    if kind == "redaction":
        for index, line in enumerate(_items(statement.get("removed"))):
            if isinstance(line, str):
                yield ("removed", index), line, "text", MAX_REMOVED
    if kind == "blocked" and isinstance(statement.get("reason"), str):
        yield ("reason",), statement["reason"], "text", _MAX_BLOCKED_REASON


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def safe_scan(summary: Mapping[str, Any], policy: Policy) -> dict[str, Any]:
    """A scan summary that names no person, as a request carries it (``file_strings``)."""
    safe: dict[str, Any] = safe_statement({"kind": "request", "scan": summary}, policy)["scan"]
    return safe


def safe_statement(statement: Mapping[str, Any], policy: Policy) -> dict[str, Any]:
    """``statement`` with every string that comes from a file (``file_strings``) made safe to
    sign and keep forever (DESIGN.md invariant 7). What people typed (purpose, comments,
    reasons) is refused when it holds personal data, before this
    (``workflow.text.free_text``)."""
    out: dict[str, Any] = _copied(statement)
    for place, text, how, limit in list(file_strings(out)):
        if how == "name":
            safe = safe_file_name(text, policy)
        elif how == "path":
            safe = _safe_path(text, policy)
        else:
            safe = safe_text(text, policy, limit)
        holder: Any = out
        for step in place[:-1]:
            holder = holder[step]
        holder[place[-1]] = safe
    # Whatever string is left, printable: the ledger refuses a control or format character
    # anywhere in a statement (approval.trust.text); what people type was refused before this.
    printed: dict[str, Any] = _printable_all(out)
    return printed


def _copied(value: Any) -> Any:
    """``value`` with every mapping and list in it copied (a statement is set in place)."""
    if isinstance(value, Mapping):
        return {k: _copied(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copied(item) for item in value]
    return value


def _printable_all(value: Any) -> Any:
    """``value`` with every string in it (keys too) made ``printable``."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, Mapping):
        return {
            printable(k) if isinstance(k, str) else k: _printable_all(v) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_printable_all(item) for item in value]
    return value


def _safe_path(path: str, policy: Policy) -> str:
    """A destination path made safe; when too long, its end kept (the file's own name)."""
    text = safe_text(path, policy)
    return text if len(text) <= MAX_TEXT else "..." + text[-(MAX_TEXT - 3) :]
