"""Persons named in running text as the ones who claimed protection.

The second 2022 disclosure was a plain message: "we confirm that Juan Carlos Mendoza Reyes and
Maria Elena Gutierrez ... had sought asylum". Prose writes names in title case with no label,
and prose names officials just as often: press releases, court calendars, media advisories. A
name in a sentence that mentions asylum is therefore not enough. A name counts when its
sentence makes the person the claimant:

- a claimant's verb stands just before the claim (``sought asylum``, ``applied for asylum``,
  ``had a credible fear interview``, ``was granted withholding``, ``solicitó asilo``); or
- the claim stands beside the name (``asylum seeker Juan Pérez``, ``the asylum application of
  Juan Pérez``, ``Juan Pérez's asylum claim``, ``Juan Pérez, an asylum seeker``);

and the name is not an official's: no title before it (``Director Alice Chen``, ``Judge``), no
title or office after it (``Jane Smith, Press Secretary``), no speech verb after it (``Robert
Miller said``), and it is not a place (``in Otay Mesa``, ``El Salvador``).

Reported speech makes the speaker the claimant when what they said is about themselves: a
speech verb, whom they told, then a pronoun (or ``que``) and the claim (``Maria Garcia told the
officer she feared return``, ``Juan López dijo que tenía miedo de regresar``); ``Robert Miller
said that 40 families sought asylum`` stays an official's.

A name is also a person's when its sentence gives them an identifier or an attribute of a
detained person (``anchors``: an A-number, a birthdate, a detention facility): ``Ana Perez, born
on the third of March 1990, ...``, ``Juan Lopez (A212345678) is held at the Otay Mesa Detention
Center``. Told beside a claim, such a person is protected; without one, personal data.

These are shapes of English and Spanish, not policy: the policy still decides what a claim is
(its protection-claim terms) and what a name may not contain (its vocabulary, via
``PersonName.stop``). Pure functions of the text; the classifier calls them only for a block
that mentions a claim.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence

from approval.detect.detectors.base import Found
from approval.detect.detectors.birthdate import MONTHS
from approval.detect.detectors.countries import COUNTRY_NAMES
from approval.detect.detectors.person_name import (
    NOT_NAME_PARTS,
    PLACE_PREFIXES,
    US_STATES,
    PersonName,
)
from approval.detect.gazetteer import GIVEN, NAMES, SURNAMES, full_name
from approval.detect.textnorm import fold, unconfuse, word_set

# One word of a name: letters of any script, ``O'Brien``, ``García-López``.
_WORD = re.compile(r"[^\W\d_]+(?:['’-](?![sS]\b)[^\W\d_]+)*")
# Small words inside a name: ``Juan de los Santos``, ``Ahmad bin Said``.
_PARTICLES = word_set("de del la las los da das do dos di van von der den y e bin ibn al el")
# Words that stand before a surname alone and make it a person's: ``Mr. Mendoza Reyes``; the
# roles of the persons records are about (``Detainee Ana Perez``, ``Respondent Lopez``) too.
_HONORIFICS = word_set(
    """
    mr mrs ms miss mx sr sra srta senor senora señor señora don doña dona mme mlle
    detainee respondent applicant claimant petitioner beneficiary noncitizen subject
    detenido detenida solicitante
    """
)
# Capitalised at the start of a sentence, never a name's first word.
_LEADS = word_set(
    """
    a an the we our they their he she his her it its i you your my me us them this that these
    those there here yesterday today tomorrow however also then when after before during since
    although because while meanwhile further furthermore moreover additionally please as at in
    on by if so per via both each every some many several all any no not only but and or nor
    mr mrs ms miss dear according regarding re subject attention attn cc bcc
    """
)
# Jobs and offices: before a name they make it an official's, after it (in apposition) too.
_TITLES = word_set(
    """
    secretary undersecretary congressman congresswoman congressmember sen gov amb
    director deputy assistant acting associate officer officers
    official officials judge judges justice commissioner ambassador consul senator
    representative rep governor mayor president minister chief agent inspector attorney
    counsel lawyer advocate spokesperson spokesman spokeswoman supervisor supervisory
    dr doctor professor prof sheriff captain lieutenant sergeant general admiral commander
    chairman chairwoman chair administrator manager coordinator analyst specialist adjudicator
    clerk interpreter staff employee press media contact office division department agency
    bureau unit court ministry embassy consulate hon honorable honourable reverend rev
    juez jueza director directora secretario secretaria ministro ministra oficial cónsul consul
    embajador embajadora portavoz warden chaplain nurse guard contractor volunteer
    """
)
# A name followed by one of these is the speaker of the sentence, not its subject.
_SPEECH = word_set(
    """
    said says say announced announces announce stated states noted notes added adds explained
    explains reported reports told tells testified testifies wrote writes emphasized stressed
    commented remarked argued urged welcomed briefed will would presented presents visited
    chaired led leads signed signs approved approves reviewed reviews declared declares
    dijo afirmó declaró anunció señaló explicó contó disse declarou afirmou contou
    """
)
# Word lists are compared folded (no accents): fold them once.
_SPEECH = frozenset(map(fold, _SPEECH))
_TITLES = frozenset(map(fold, _TITLES))
# The person a speaker talks about, in what they said: themselves.
_PRONOUNS = word_set("she he ella el elle il ela ele")
# What introduces reported speech without a pronoun in languages that drop it.
_COMPLEMENTIZERS = word_set("que qu")
# Speech verbs of reported speech beside those of ``_SPEECH``: ``a déclaré``, ``told``.
_REPORTING = _SPEECH | frozenset(
    map(
        fold,
        word_set(
            "told tells tell informed informs indicated indicates declared declares expressed "
            "expresses claimed claims manifestó indicó déclaré dit expliqué affirmé raconté"
        ),
    )
)
# After a name and a comma, these open an adverbial (``Samir Haddad, through an interpreter,
# told ...``), not an apposition naming a job.
_PREPOSITIONS = word_set("through with via by using in at on after before during upon con por")
# Before a place, not a person.
_LOCATIVES = word_set("in at near from into inside outside across through toward towards en desde")
# A claimant's verb, then at most five words, to the end of the claim.
_VERBS = (
    r"(?<![\w-])(?:sought|seek|seeks|seeking|applied|applies|apply|applying|filed|files|file"
    r"|filing|requested|requests|request|requesting|claimed|claims|claiming|received|receives"
    r"|receive|obtained|obtains|granted|denied|passed|failed|had|has|have|having|underwent"
    r"|undergo|undergoes|expressed|expresses|express|fled|flee|flees|referred|eligible"
    r"|qualified|qualifies|pending"
    r"|solicitó|solicita|solicitan|solicitaron|pidió|pide|piden|pidieron|recibió|recibieron"
    r"|obtuvo|obtuvieron|tuvo|tuvieron|tiene|tienen|presentó|presentaron"
    r"|pediu|pediram|pede|pedem|solicitou|solicitaram|requereu|requereram|obteve|recebeu)"
)
_CLAIMANT = re.compile(
    _VERBS + r"(?:[\s,]+[^\W\d_]+(?:['’-][^\W\d_]+)*){0,5}[\s,]*$", re.IGNORECASE
)
# The cheap tests of a sentence: a claimant's verb anywhere; a capitalised word, or a
# possessive or an apposition, right beside a claim.
_VERB = re.compile(_VERBS + r"(?![\w-])", re.IGNORECASE)
_NEXT_TO_NAME = re.compile(r"[^\W\d_]['’]s\s|,\s*(?:an?|the|una?|el|la)\s|\s[^\W\d_a-z]")
# Between a claim and the name after it: ``asylum seeker Juan``, ``asylum claim of Juan``,
# ``the asylum case file of Juan``; ``granted asylum to Juan`` (group 1: after a claimant's
# verb only).
_CLAIM_THEN_NAME = re.compile(
    r"\s+(?:(?:claim|claims|case|cases|file|files|request|requests|petition|petitions|matter"
    r"|hearing|hearings|interview|interviews|record|records|application|applications|status"
    r"|proceedings|caso|expediente|solicitud|pedido|dossier|demande)\s+){0,2}"
    r"(?:(?:of|by|from|de|del|do|da|du)\s+|(to|for|a)\s+)?",
    re.IGNORECASE,
)
# Subjects that come between a name and a claimant's verb when the name is not the claimant.
_OTHER_SUBJECTS = word_set(
    """
    people persons person families family migrants migrant applicants applicant individuals
    children men women nationals detainees noncitizens immigrants others cases those many
    who's whom thousands hundreds dozens anyone someone everyone nobody they we he she
    personas familias migrantes solicitantes
    """
)
# Between a name and a claim that is itself a verb (``fears return``): at most an adverb; or
# the outcome of the person's own case (``Ana Perez won her asylum case``).
_DIRECT = re.compile(
    r"\s+(?:(?:also|still|now|reportedly|allegedly|has|had|then|te)\s+)?"
    r"(?:(?:won|lost|wins|loses|withdrew|withdraws|abandoned|appealed|appeals|ganó|perdió)"
    r"\s+(?:her|his|their|su|sus)\s+(?:[^\W\d_]+\s+)?)?",
    re.IGNORECASE,
)
# Between a name and the claim that says what the person is: ``Ana Perez is an asylum seeker``,
# ``Ana Perez was a refugee``, ``Ana Perez es solicitante de asilo``. The claim must name a
# person (``an asylum expert``, ``an asylum officer`` name a job): see ``_is_person_claim``.
_COPULA = re.compile(
    r"\s+(?:is|was|are|were|has\s+been|had\s+been|became|becomes|remains|remained|es|era|fue)"
    r"\s+(?:(?:an?|the|una?|un|el|la)\s+)?(?:(?:former|registered|recognized|recognised"
    r"|pending|rejected|denied|unaccompanied|young|new)\s+)?",
    re.IGNORECASE,
)
# Persons a claim names: ``asylum seeker``, ``refugee``, ``asylee`` (the claim's last word, or
# the word right after it: ``an asylum applicant``).
_CLAIM_PERSONS = frozenset(
    map(fold, word_set("seeker seekers refugee refugees asylee asylees applicant claimant"))
)
# Between a name and the claim after it: ``Juan's asylum``, ``Juan, an asylum seeker``.
_NAME_THEN_CLAIM = re.compile(
    r"(?:['’]s\s+(?:[^\W\d_]+\s+)?|,\s*(?:an?|the|una?|el|la)\s+(?:[^\W\d_]+\s+)?)",
    re.IGNORECASE,
)
# A sentence ends at . ! ? followed by a space, unless the word before was an abbreviation or
# an initial (``Mr.``, ``Alejandro N. Mayorkas``).
_SENTENCE_END = re.compile(r"[.!?]+[\"”’)]*\s+")
_ABBREVIATIONS = word_set("mr mrs ms dr sr sra srta st jr no vs etc prof rev hon gen lt col sgt")
_MAX_WORDS = 6
_MAX_SENTENCE = 2000  # a "sentence" longer than this is a table or a dump: left to the rest
_MAX_REPORTED = 25  # words from a speaker to what they said about themselves


def claimants(text: str, claims: Sequence[Found], names: PersonName) -> list[Found]:
    """The names in ``text`` that its sentences tie to one of ``claims`` (spans of the
    policy's protection-claim terms in the same text), each person once per text."""
    return persons(text, claims, (), names)


def persons(
    text: str,
    claims: Sequence[Found],
    anchors: Sequence[Found],
    names: PersonName,
    breaks: Sequence[int] = (),
) -> list[Found]:
    """The names in ``text`` that its sentences tie to one of ``claims`` (spans of the
    policy's protection-claim terms), or give one of ``anchors`` (spans of an A-number, a
    birthdate or a detention facility), each person once per text. ``breaks``: where the
    lines of ``text`` start, in order; a "sentence" too long to be one (a calendar, a log:
    lines without full stops) is read line by line instead of not at all."""
    if not claims and not anchors:
        return []
    found: list[Found] = []
    last = 0  # where the sentence before this one starts
    for start, end in _bounded(_sentences(text), breaks):
        before, last = last, start
        if end - start > _MAX_SENTENCE:
            continue
        inside = [c for c in claims if start <= c.start and c.end <= end]
        anchored = any(start <= a.start and a.end <= end for a in anchors)
        if not inside and not anchored:
            continue
        if inside and before < start:
            found += _referred(text, before, start, end, inside, names)
        sentence = text[start:end]
        if not sentence.isascii():
            # Look-alike letters read as Latin ("hаd sоught" with Cyrillic а, о), where that
            # keeps every position.
            latin, moved = unconfuse(sentence)
            sentence = latin if moved is None else sentence
        claims_here = [Found(c.value, c.start - start, c.end - start) for c in inside]
        owned = frozenset(a.start - start for a in anchors if start <= a.start and a.end <= end)
        if (
            not anchored
            and not _VERB.search(sentence)
            and not _REPORTED_HINT.search(fold(sentence))
            and not any(
                _NEXT_TO_NAME.search(sentence, max(0, c.start - 24), c.end + 24)
                for c in claims_here
            )
        ):
            continue  # cheap: nothing in it could tie a name to the claim
        for name, speaker in _candidates(sentence, names.stop, owned):
            if (anchored and not speaker) or any(
                _reported(sentence, name, claim) or (not speaker and _tied(sentence, name, claim))
                for claim in claims_here
            ):
                found.append(Found(name.value, start + name.start, start + name.end))
    return _one_each(found)


_MAX_LEAD = 3  # words before a pronoun that opens a sentence: ``Later that day, she ...``


def _referred(
    text: str, before: int, start: int, end: int, claims: list[Found], names: PersonName
) -> list[Found]:
    """``We met Maria Lopez on Monday. She told the officer she fears return.``: the person
    a sentence's opening pronoun stands for, when the sentence makes the pronoun the claimant
    and the sentence before names one person only (two, and the pronoun is anyone's)."""
    sentence = text[start:end]
    words = list(_WORD.finditer(sentence, 0, 80))[: _MAX_LEAD + 1]
    pronoun = next((w for w in words if fold(w.group()) in _PRONOUNS), None)
    if pronoun is None:
        return []
    lead = sentence[: pronoun.start()]
    if not (lead.rstrip().endswith(",") or all(fold(w) in _LEADS for w in _WORD.findall(lead))):
        return []  # ``The officer said he ...``: the pronoun is not the sentence's subject
    subject = Found(pronoun.group(), pronoun.start(), pronoun.end())
    here = [Found(c.value, c.start - start, c.end - start) for c in claims]
    if not any(_reported(sentence, subject, c) or _tied(sentence, subject, c) for c in here):
        return []
    if end - before > 2 * _MAX_SENTENCE:
        return []
    people = [name for name, speaker in _candidates(text[before:start], names.stop)]
    if len(people) != 1:
        return []
    name = people[0]
    return [Found(name.value, before + name.start, before + name.end)]


def _bounded(
    sentences: Iterator[tuple[int, int]], breaks: Sequence[int]
) -> Iterator[tuple[int, int]]:
    """The sentences, each too long to be one cut at the line breaks inside it."""
    for start, end in sentences:
        if end - start <= _MAX_SENTENCE or not breaks:
            yield start, end
            continue
        at = start
        for cut in breaks[bisect_right(breaks, start) : bisect_left(breaks, end)]:
            yield at, cut
            at = cut
        yield at, end


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for mark in _SENTENCE_END.finditer(text):
        words = _WORD.findall(text, max(start, mark.start() - 12), mark.start())
        last = words[-1] if words else ""
        if fold(last) in _ABBREVIATIONS or (len(last) == 1 and last.isupper()):
            continue
        yield start, mark.start() + 1
        start = mark.end()
    if start < len(text):
        yield start, len(text)


def name_candidates(sentence: str, stop: frozenset[str]) -> Iterator[Found]:
    """Runs of capitalised words (with particles inside) that have a person's name's shape
    and are not an official's or a place."""
    for name, speaker in _candidates(sentence, stop):
        if not speaker:
            yield name


def gazetteer_name(value: str, names: PersonName) -> Found | None:
    """The name a value (a table's cell) is, whole, where its shape does not show one: typed
    in lower case or capitals (``maria lopez``, ``MARIA DE LA CRUZ``), or surname first in
    any case (``lopez, maria``, ``Lopez, Maria``). A common given name and a surname
    (gazetteer), by the rules a line of text follows (``_cased_name``, ``_official_or_place``,
    ``_last_first``), so that a cell is a name exactly when the same words alone on a line
    are one: ``rosa luz``, ``grace and mercy``, ``judge maria lopez`` and ``Toronto, Ontario``
    are not. None for anything else, and for a name in title case (``Maria Lopez``), which
    ``PersonName.looks_like`` judges by its shape."""
    text = " ".join(value.split())
    name = _last_first(text, names)  # ``lopez, maria``
    if name is not None:
        last, given = name.value.split(", ", 1)
        words = [fold(w) for w in _WORD.findall(f"{given} {last}")]
        if not full_name([w for w in words if w not in _PARTICLES]):
            return None  # title case takes any words: the gazetteer must know these
    else:
        name = next(name_candidates(text, names.stop), None)
        if name is None:
            return None
        kept = [w for w in _WORD.findall(name.value) if fold(w) not in _PARTICLES]
        if all(_capitalised(w) for w in kept):
            return None
    if name.start != 0 or name.end != len(text) or names.canonical(text) is None:
        return None
    return name


def _candidates(
    sentence: str, stop: frozenset[str], owned: frozenset[int] = frozenset()
) -> Iterator[tuple[Found, bool]]:
    """``name_candidates``, with those followed by a speech verb too (``True``): the speakers
    of a sentence, whom only reported speech about themselves makes claimants. ``owned`` are
    where anchors (an A-number, a birthdate) start in the sentence: a name that one follows
    right away is a person of record, whatever title or speech verb stands around it."""
    words = list(_WORD.finditer(sentence))
    i = 0
    while i < len(words):
        if not _name_word(words[i].group()):
            i += 1
            continue
        run = [words[i]]
        j = i + 1
        while j < len(words) and sentence[run[-1].end() : words[j].start()] == " ":
            word = words[j].group()
            if not (_name_word(word) or _particles_then_name(sentence, words, j)):
                break
            run.append(words[j])
            j += 1
        before = words[i - 1].group() if i else ""
        after = words[j:]
        i = j
        while run and fold(run[0].group()) in _LEADS and fold(run[0].group()) not in _HONORIFICS:
            before = run[0].group()
            run = run[1:]
        if run and fold(run[0].group()) in _HONORIFICS:
            before, run = run[0].group(), run[1:]
        honoured = fold(before) in _HONORIFICS
        if not run or len(run) > _MAX_WORDS or (len(run) < 2 and not honoured):
            continue
        if not _cased_name(run):
            continue
        own = _owns(sentence, run[-1].end(), owned)
        if own:
            # ``According to the officer, Ana Ruiz (DOB 05/04/1990) said ...``: officials are
            # not written with their birthdate or A-number; the title and the speech verb
            # around the name are someone else's.
            before, after = "", []
        verdict = _official_or_place(sentence, run, before, after, stop)
        if verdict is True:
            continue
        if own:
            verdict = False
        start, end = run[0].start(), run[-1].end()
        yield Found(sentence[start:end], start, end), verdict == _SPEAKER


# Between a name and its own identifier or birthdate: ``Ana Ruiz (DOB 05/04/1990)``, ``Ana
# Ruiz, A-number A212345678``, ``Ana Ruiz, born on the ninth of March``, ``née le 3 mai``.
_OWN_GAP = re.compile(
    r"\s*[,(\[]?\s*(?:(?:dob|d\.\s?o\.\s?b\.?|date\s+of\s+birth|born(?:\s+on)?|b\."
    r"|a[\s-]?(?:number|no\.?|nbr|num|#)|alien\s+(?:no\.?|number|#)|n(?:u|ú)mero\s+a"
    r"|nacid[oa](?:\s+el)?|n[ée]e?(?:\s+le)?|nascid[oa](?:\s+em)?)\s*[:#]?\s*)?(?:the\s+)?",
    re.IGNORECASE,
)


def _owns(sentence: str, end: int, owned: frozenset[int]) -> bool:
    """Whether an anchor starts right after the name that ends at ``end``."""
    if not owned:
        return False
    gap = _OWN_GAP.match(sentence, end)
    return gap is not None and gap.end() in owned


def _particles_then_name(sentence: str, words: list[re.Match[str]], j: int) -> bool:
    """Whether words[j] starts particles that lead to a capitalised word: ``de la Cruz``."""
    while j < len(words) and fold(words[j].group()) in _PARTICLES:
        j += 1
        if j < len(words) and sentence[words[j - 1].end() : words[j].start()] != " ":
            return False
    return j < len(words) and _name_word(words[j].group())


def _capitalised(word: str) -> bool:
    return word[0].isupper() and any(c.islower() for c in word[1:])


def _name_word(word: str) -> bool:
    """A word of a name: capitalised (``Lopez``), or a common given name or surname typed
    without the case that shows one (``lopez``, ``LOPEZ``): a careless note names a person
    all the same."""
    return _capitalised(word) or (
        len(word) > 1 and (word.islower() or word.isupper()) and fold(word) in NAMES
    )


def _cased_name(run: list[re.Match[str]]) -> bool:
    """Whether a run of name words is a name: one in title case is, by its shape; one with
    words in lower case or capitals only when those words are a given name and a surname from
    the gazetteer (``maria lopez``, ``MARIA LOPEZ``), not two words that merely are names."""
    kept = [w.group() for w in run if fold(w.group()) not in _PARTICLES]
    if all(_capitalised(w) for w in kept):
        return True
    # Words in lower case or capitals are in the gazetteer: ``_name_word`` took them so.
    words = [fold(w) for w in kept]
    return (
        len(words) >= 2 and any(w in GIVEN for w in words) and any(w in SURNAMES for w in words[1:])
    )


_SPEAKER = "speaker"


def _official_or_place(
    sentence: str,
    run: list[re.Match[str]],
    before: str,
    after: list[re.Match[str]],
    stop: frozenset[str],
) -> bool | str:
    """True for an official or a place; ``_SPEAKER`` for a name followed by a speech verb
    (an official's, unless what they said is about themselves: see ``_reported``)."""
    folded = [fold(w.group()) for w in run if _name_word(w.group())]  # not the particles
    if any(w in stop or w in _TITLES or w in NOT_NAME_PARTS or w in MONTHS for w in folded):
        return True
    if folded[0] in PLACE_PREFIXES or any(w in US_STATES for w in folded):
        return True
    if " ".join(folded) in COUNTRY_NAMES:
        return True
    if fold(before) in _TITLES or fold(before) in _LOCATIVES:
        return True
    tail = sentence[run[-1].end() :]
    next_words = [fold(w.group()) for w in after[:5]]
    if next_words and next_words[0] in _SPEECH:
        return _SPEAKER
    if tail.lstrip().startswith((",", "(", "—", "–", "-")):
        # In apposition: ``Jane Smith, Press Secretary``, ``Robert Miller (Office of ...)``;
        # or a speaker set off by commas: ``Jane Smith, who leads the office, said``.
        adverbial = bool(next_words) and next_words[0] in _PREPOSITIONS
        if not adverbial and any(w in _TITLES for w in next_words[:4]):
            return True
        clause = tail[: tail.find(",", 1) + 1] if tail.find(",", 1) > 0 else ""
        rest = _WORD.findall(tail, len(clause), len(clause) + 40) if clause else []
        if rest and fold(rest[0]) in _SPEECH:
            return _SPEAKER
    return False


# A sentence that may report what someone said about themselves.
_REPORTED_HINT = re.compile(
    r"(?<![\w-])(?:" + "|".join(sorted(_REPORTING, key=len, reverse=True)) + r")(?![\w-])",
    re.IGNORECASE,
)


def _reported(sentence: str, name: Found, claim: Found) -> bool:
    """``Maria Garcia told the officer she feared return``: a speech verb after the name, then
    a pronoun (or ``que`` / ``qu'``) and, with no other subject between, the claim."""
    if claim.start <= name.end:
        return False
    words = [
        part  # qu'elle: the complementizer and the pronoun
        for w in _WORD.findall(sentence, name.end, claim.start)
        for part in re.split(r"['’]", fold(w))
        if part
    ]
    if not words or len(words) > _MAX_REPORTED:
        return False
    verb = next((k for k, w in enumerate(words) if w in _REPORTING), None)
    if verb is None:
        return False
    after = words[verb + 1 :]
    about = next(
        (k for k, w in enumerate(after[:7]) if w in _PRONOUNS or w in _COMPLEMENTIZERS), None
    )
    if about is None:
        return False
    if after[about] in _COMPLEMENTIZERS and about + 1 < len(after):
        about += after[about + 1] in _PRONOUNS  # "que ella", "qu'elle"
    said = after[about + 1 :]
    if len(said) > 8 or any(w in _OTHER_SUBJECTS for w in said):
        return False
    # A number after the pronoun is someone else's subject: "she said that 40 families ...".
    gap = fold(sentence[name.end : claim.start])
    word = re.escape(after[about])
    marks = [m.end() for m in re.finditer(rf"(?<![^\W\d_]){word}(?![^\W\d_])", gap)]
    return not any(c.isdigit() for c in gap[marks[-1] if marks else 0 :])


def _tied(sentence: str, name: Found, claim: Found) -> bool:
    """Whether the sentence makes ``name`` the one who made ``claim``."""
    if claim.end <= name.start:
        # ``asylum seeker Juan``, ``the asylum claim of Juan``; ``granted asylum to Juan``.
        if _GRANTED_TO.fullmatch(sentence, claim.end, name.start):
            return True  # ``Asylum granted to Juan on 3 March``
        gap = _CLAIM_THEN_NAME.fullmatch(sentence, claim.end, name.start)
        if gap is None:
            return False
        return not gap.group(1) or _CLAIMANT.search(sentence, 0, claim.end) is not None
    if _NAME_THEN_CLAIM.fullmatch(sentence, name.end, claim.start):
        return True  # ``Juan's asylum claim``, ``Juan, an asylum seeker``
    if _COPULA.fullmatch(sentence, name.end, claim.start) and _is_person_claim(sentence, claim):
        return True  # ``Juan is an asylum seeker from Honduras``
    if _DIRECT.fullmatch(sentence, name.end, claim.start):
        return True  # ``Ana Perez fears persecution``, ``Ana Perez also feared return``
    # ``Juan ... had sought asylum``: a claimant's verb before (or opening) the claim, with no
    # other subject between the name and the verb (``Jane Roe asked how many people sought``).
    verb = _CLAIMANT.search(sentence, name.end, claim.end)
    if verb is None:
        return False
    between = {fold(w) for w in _WORD.findall(sentence, name.end, verb.start())}
    return between.isdisjoint(_OTHER_SUBJECTS)


# Between a claim and the person it was decided for: ``Asylum granted to Juan``, ``asylum
# was denied to Juan``, ``asilo otorgado a Juan``.
_GRANTED_TO = re.compile(
    r"\s+(?:(?:was|were|has\s+been|had\s+been|fue)\s+)?(?:granted|awarded|approved|denied"
    r"|given|refused|otorgad[oa]|concedid[oa]|negad[oa])\s+(?:to|a|al)\s+",
    re.IGNORECASE,
)


def _is_person_claim(sentence: str, claim: Found) -> bool:
    """Whether a claim names a person: its last word, or the word after it, is one."""
    words = _WORD.findall(sentence, claim.start, claim.end)
    after = _WORD.match(sentence, claim.end + 1) if claim.end < len(sentence) else None
    return bool(words) and (
        fold(words[-1]) in _CLAIM_PERSONS
        or (after is not None and fold(after.group()) in _CLAIM_PERSONS)
    )


def _one_each(found: list[Found]) -> list[Found]:
    """A person named in full and later by surname (``Mr. Mendoza Reyes``) is one person: a
    name whose words all appear in a longer name found in the same text is dropped."""
    words = [frozenset(fold(w) for w in _WORD.findall(f.value)) for f in found]
    kept = []
    for k, item in enumerate(found):
        if any(words[k] < other or (words[k] == other and n < k) for n, other in enumerate(words)):
            continue
        kept.append(item)
    return kept


# --- a list of names under a claim ------------------------------------------------------------
#
# "Asylum seekers detained at Port Isabel:" over a list of names says of each that they sought
# protection, as a sheet titled "Asylum applicants" says it of its rows. The heading (or the
# line that introduces the list) governs the list that follows it. Lists under a claim name
# officials as often (``Asylum Office staff``, a conference's speakers, a reading list's
# authors): such a context names no claimant unless it also names the persons who claim.

# A list item's mark: ``- ``, ``* ``, ``• ``, ``1. ``, ``2) ``.
_ITEM_MARK = re.compile(r"\s*(?:[-*+•·▪◦‣]|\(?\d{1,3}[.)])?\s*")
# What may follow a listed name: an attribute in brackets or after a comma or dash.
_AFTER_NAME = re.compile(r"\s*(?:[,;:(\[]|\s[-–—]|[-–—]\s)\s*(.*?)\s*[)\]]?\s*[.;,]?\s*")
# Words of a context that lists officials, speakers, authors or contacts, not claimants.
_NOT_CLAIMANTS = frozenset(
    map(
        fold,
        word_set(
            """
            staff staffs personnel team teams employees officers officials directory contacts
            contact roster speakers speaker panel panelists panellists moderators moderator
            presenters presenter conference conferences symposium workshop seminar webinar
            agenda program programme attendees participants faculty reading bibliography
            references reference sources citations cited authors author editors editor
            contributors acknowledgements acknowledgments signatories signatory board committee
            members leadership biographies bios organizers organisers trainers trainees
            volunteers interpreters translators judges adjudicators counsel attorneys lawyers
            reviewers supervisors maintainers maintainer contributor developers developer
            committers owners credits
            personal equipo funcionarios ponentes autores bibliografía
            """
        ),
    )
)
# Words of a context that name the persons who claim: they win over the words above
# (``Asylum seekers interviewed by officers``).
_CLAIMANT_NOUNS = frozenset(
    map(
        fold,
        word_set(
            """
            seekers seeker applicants applicant claimants claimant detainees detainee refugees
            asylees asylee interviewees interviewee respondents respondent noncitizens migrants
            individuals persons people families beneficiaries petitioners principals derivatives
            solicitantes solicitante refugiados refugiadas detenidos detenidas demandeurs
            requerentes
            """
        ),
    )
)


def claimant_list(context: str) -> bool | None:
    """Whose names a context over a list gives: the claimants' (True: it names them,
    ``Asylum seekers interviewed by officers``), someone else's (False: officials, speakers,
    authors, contacts), or it does not say (None: a context further out may)."""
    words = {fold(w) for w in _WORD.findall(context)}
    if not words.isdisjoint(_CLAIMANT_NOUNS):
        return True
    if not words.isdisjoint(_NOT_CLAIMANTS):
        return False
    return None


def listed_name(line: str, names: PersonName, attribute: Callable[[str], bool]) -> Found | None:
    """The name that a line of a list holds alone (``- Ana Perez``, ``2. Ana Perez (Mexico)``,
    ``Ana Perez, Honduras``, ``PEREZ, Ana``), with at most an attribute after it that
    ``attribute`` accepts (a nationality, a facility, a birthdate); None for anything else: a
    sentence, an official (``Jane Smith, Press Secretary``), a place or a country."""
    mark = _ITEM_MARK.match(line)
    at = mark.end() if mark else 0
    rest = line[at:].rstrip()
    if not rest or len(rest) > 160:
        return None
    name: Found | None = None
    for found in names.find(rest):  # ``PEREZ, Ana``
        if found.start == 0:
            name = found
            break
    if name is None:
        name = _last_first(rest, names)  # ``Perez, Ana``, ``**Perez**, Ana``
    if name is None:
        for found in name_candidates(rest, names.stop):
            name = found if found.start == 0 else None
            break
    if name is None or names.canonical(name.value) is None:
        return None
    tail = rest[name.end :]
    if tail.strip():
        after = _AFTER_NAME.fullmatch(tail)
        if after is None or not after.group(1) or not attribute(after.group(1)):
            return None
    return Found(name.value, at + name.start, at + name.end)


# --- a record written as a line or a short paragraph --------------------------------------------
#
# "Re: Ana Perez - credible fear interview negative", "**Ana Perez** (Honduras) — CFI positive;
# paroled.", "Subject: Ana Perez. Credible fear interview held at Otay Mesa; negative.": a record
# kept by hand names its person first and what happened to them after, with no verb that a
# sentence would tie them with. A short block that opens with a person's name (after a list
# mark, emphasis, or a label such as ``Re:``) and holds a claim after it is such a record. The
# name must be one a reader takes for a person's whatever its case: a common given name or
# surname (``known``: the gazetteer), or written ``LAST, First``; or the record must say so
# itself: an attribute of a person of record right after the name (``Ana Perez (Honduras)``)
# or the claim itself (``Ana Perez - asylum seeker``). And no official's: a title in
# apposition, a speech verb after it, a label that names a sender, author or speaker.

MAX_RECORD = 320  # characters of a block: a record, not a paragraph of running text
# What stands between a name and its first annotation: ``Ana Perez (Honduras)``, ``Ana Perez,
# Honduras,``, ``Ana Perez - Honduras -``; and between a name and a claim right after it.
_ANNOTATION = re.compile(
    r"[*_]*\s*(?:[,;(\[|]|\s[-–—]|[-–—]\s)\s*([^,;:()\[\]|–—]{1,40}?)\s*(?:[)\],;:|–—]|\s-\s|$)"
)
_BARE_GAP = re.compile(r"[*_\s,.:;|()\[\]–—-]*")
# A list mark, a label (``Re:``, ``Subject:``, ``Per your request:``), emphasis and quotes.
_RECORD_LEAD = re.compile(
    r"\s*(?:[-*+•·▪◦‣]|\(?\d{1,3}[.)])?\s*"
    r"(?:([^\W\d_]+(?:[ .'’/-]+[^\W\d_]+){0,3})\.?\s*[:：]\s*)?"
    r"[*_\"“‘'`]*\s*"
)
# Labels of someone who is not the record's person: a sender, an author, a speaker.
_NOT_SUBJECT_LABELS = (
    _TITLES
    | _NOT_CLAIMANTS
    | frozenset(
        word_set(
            "from to cc bcc sent by author prepared signed attn attention contact approved "
            "requester interviewer de para enviado"
        )
    )
)


def record_subject(
    text: str,
    breaks: Sequence[int],
    claims: Sequence[Found],
    names: PersonName,
    known: Callable[[str], bool],
    attribute: Callable[[str], bool],
) -> Found | None:
    """The person a short block (``text``, its lines joined by spaces; ``breaks``: where its
    lines after the first start) is the record of: the name that opens its first line, with a
    claim of ``claims`` after it in the block; None for anything else. ``known``: whether a
    name holds a common given name or surname; ``attribute``: whether a value is an attribute
    of a person of record (a nationality, a facility, a birthdate)."""
    if not claims or len(text) > MAX_RECORD:
        return None
    first_end = breaks[0] - 1 if breaks else len(text)
    lead = _RECORD_LEAD.match(text, 0, first_end)
    if lead is None:
        return None
    label = lead.group(1)
    if label and not {fold(w) for w in _WORD.findall(label)}.isdisjoint(_NOT_SUBJECT_LABELS):
        return None
    at = lead.end()
    if label and not text[at:first_end].strip():
        at = lead.start(1)  # ``Maria Lopez:`` over the record's fields: a YAML key, a label
    line = text[at:first_end]
    name = next((f for f in names.find(line) if f.start == 0), None)  # ``PEREZ, Ana``
    shaped = name is None  # found by its title case only
    if name is not None:
        words = [fold(w) for w in _WORD.findall(line, name.end, name.end + 60)[:4]]
        if words and (words[0] in _SPEECH or not _TITLES.isdisjoint(words)):
            return None  # ``SMITH, John, Asylum Officer``; ``SMITH, John said``
    elif (name := _opening_shape(line, names) or _last_first(line, names)) is None:
        return None
    if names.canonical(name.value) is None:
        return None
    end = at + name.end
    later = [c for c in claims if c.start >= end]
    if not later:
        return None
    if shaped and not known(name.value):
        # Title case is the shape of many things: the record must say it is a person's.
        gap = _ANNOTATION.match(text, end, first_end)
        second = text[breaks[0] : breaks[1] - 1 if len(breaks) > 1 else len(text)] if breaks else ""
        if not (
            _BARE_GAP.fullmatch(text, end, later[0].start)
            or (gap is not None and attribute(gap.group(1)))
            or (end == first_end and attribute(second.strip()))
        ):
            return None
    # A name on a line of its own over a job's title (a signature) is an official's.
    below = _WORD.findall(text, first_end, first_end + 60)[:4]
    if not text[end:first_end].strip() and not _TITLES.isdisjoint(map(fold, below)):
        return None
    return Found(name.value, at + name.start, end)


# --- a claim stated about the persons a file lists ---------------------------------------------
#
# "All persons listed above applied for asylum.", "This workbook lists the credible fear
# interviews held in November.", "Legend: 1 = positive credible fear determination": said once,
# anywhere in a file (a closing paragraph, a trailing line, a Readme sheet, a paragraph far
# above the table), such a sentence ties every person the file lists to the claim. A claim in
# a sentence that points at the file or at its persons does; a code defined as a claim (a
# legend) does. Claims said of nobody in particular ("Asylum seekers from Honduras cite
# threats", a heading "Asylum statistics") and the names of offices (the policy's ``offices``,
# which the claim's terms leave out) do not.

# Words that point at what the file lists.
_POINTERS = word_set(
    """
    listed above below foregoing aforementioned attached enclosed herein hereto hereunder
    listadas listados listada listado arriba abajo anteriores adjunta adjunto adjuntas
    adjuntos mencionadas mencionados ci-dessus ci-dessous énumérées
    """
)
# "This workbook", "these individuals", "all persons", "the following applicants".
_DEMONSTRATIVES = word_set(
    "this these all each every following este esta estos estas todas todos cada siguientes "
    "ces suivants suivantes"
)
_LISTS = _CLAIMANT_NOUNS | frozenset(
    map(
        fold,
        word_set(
            """
            person individual list lists table tables sheet sheets workbook spreadsheet file
            files document memo memorandum report roster records entries names cases rows
            manifest lista tabla hoja archivo documento informe registros nombres casos
            """
        ),
    )
)
# A code defined as a claim: ``1 = positive credible fear``, ``R = referred after ...``.
_DEFINED = re.compile(r"(?:^|[\s,;:(*†])[\w*†.+-]{1,6}\s*[=＝]\s*(?:[^\W\d_]+\s+){0,3}$")
_LEGEND = re.compile(r"\s*(?:[*†‡]+|(?i:legend|key|codes?|notes?|footnotes?)\b)")


_POINTERS = frozenset(map(fold, _POINTERS))
# Where a sentence ends, told cheaply: a full stop (or ! ?) and a space.
_STOPS = (". ", "! ", "? ", "; ")


def states_claim(text: str, claims: Sequence[Found]) -> Found | None:
    """The claim of ``claims`` (spans in ``text``) that its sentence states of the persons
    the file lists: a sentence that points at them or at the file, or a code defined as the
    claim; None when there is none. Only the sentences that hold a claim are read (prose is
    long, and statements are few), each cut where a full stop and a space end it."""
    end = -1
    for claim in claims:
        if claim.start < end:
            continue  # in the sentence read last
        # Within a sentence's length of the claim either way: a block may be long.
        lo, hi = max(0, claim.start - _MAX_SENTENCE), claim.end + _MAX_SENTENCE
        before = max(text.rfind(stop, lo, claim.start) for stop in _STOPS)
        start = before + 2 if before >= 0 else lo
        ends = [at for stop in _STOPS if (at := text.find(stop, claim.end, hi)) >= 0]
        end = min(ends) + 1 if ends else min(hi, len(text))
        head = text[start : claim.start]
        if ("=" in head or "＝" in head) and (
            _DEFINED.search(text, start, claim.start) or _LEGEND.match(text, start)
        ):
            return claim
        folded = _WORD.findall(fold(text[start:end]))
        if not _POINTERS.isdisjoint(folded):
            return claim
        if _DEMONSTRATIVES.isdisjoint(folded):
            continue
        words = list(_WORD.finditer(text, start, end))
        folded = [fold(w.group()) for w in words]
        for k, word in enumerate(folded[:-1]):
            if word not in _DEMONSTRATIVES:
                continue
            for j in (k + 1, k + 2):
                if j < len(folded) and folded[j] in _LISTS:
                    # ``all asylum seekers`` is said of everyone: the word between may be
                    # no part of a claim.
                    between = words[k + 1].start()
                    if j == k + 2 and any(c.start <= between < c.end for c in claims):
                        continue
                    return claim
    return None


# --- a name and a claim on one short line ------------------------------------------------------
#
# "Ruby Stephens - asylum pending", "STEPHENS, Ruby (CF POS)", "Ruby Stephens / Asylum", "Ruby
# Stephens | CFI POS", "Asylum: Ruby Stephens", "Asylum seekers: Ruby Stephens, Omar Haddad":
# a line of a list, a cell of a notes column, a line of a log, written as a field is, with no
# verb that a sentence would tie the person with. The name and the claim are joined by a mark
# (a dash, brackets, a slash, a bar, a colon, a line break inside a cell), not by words, so such
# a line says nothing else than that this person made this claim. An official is written the
# same way (``Jane Roe - Asylum Officer``, ``Director, Asylum Division: Jane Roe``): a job's
# title, a label naming a sender or staff, or a speech verb on the line makes it theirs.

MAX_CLAIM_LINE = 160  # characters: a field, not a paragraph
# What joins a name and the claim after it: ``Ruby Stephens - asylum``, ``Ruby Stephens
# (asylum)``, ``Ruby Stephens / Asylum``, ``Ruby Stephens | CFI POS``, ``Ruby Stephens: asylum
# granted``, a line break (a cell of two lines); one mark at least, emphasis around it.
_JOINT = re.compile(r"[*_\s]*(?:[:|/(\[\n–—]|\s-{1,2}\s?|-{1,2}\s)[*_\s:|/(\[–—-]*")
# An attribute in brackets between a name and its joint: ``Ruby Stephens (Mexico) - asylum``.
_BRACKETED = re.compile(r"\s*[(\[]\s*([^()\[\]]{1,40}?)\s*[)\]]")
# What may stand after the claim on such a line: a few words of status, no sentence.
_MAX_AFTER_CLAIM = 5
# A claim as a label over the names after it: ``Asylum:``, ``Asylum seekers:``.
# ``Asylum seekers - Ruby Stephens, Omar Haddad``: a dash between spaces is such a label's colon.
_CLAIM_LABEL = re.compile(
    r"\s*[*_\"“']*\s*([^:\n]{1,80}?)\s*[*_]*\s*(?::|\s[-–—]{1,2}(?=\s))\s*[*_]*\s*"
)
# Capitalised words of a claim's label that say what became of the claim.
_STATUSES = word_set(
    "granted denied pending positive negative approved referred rejected pos neg filed "
    "received closed withdrawn found screened interviewed resettled admitted"
)
# Between the names of an inline list: ``Ruby Stephens, Omar Haddad and Ana Perez``.
_NAME_SEPARATOR = re.compile(r"\s*(?:[,;/]|\s(?:and|y|e|et|&)\s)\s*(?:(?:and|y|e|et|&)\s+)?")
# Words after a name on such a line that make it an official's, a writer's or a speaker's.
_NOT_CLAIMANT_ROLES = _TITLES | frozenset(
    map(
        fold,
        word_set(
            "expert experts scholar scholars researcher researchers journalist journalists "
            "maintainer maintainers contributor contributors developer developers "
            "reporter reporters author authors writer editor professor fellow historian "
            "policy policies law laws program programs unit training trainer statistics data "
            "report reports figures news reform update updates briefing trends backlog "
            "research study studies article articles book books council access services "
            "service center centre institute foundation network coalition alliance project "
            "clinic association society international initiative rights watch fund "
            "organization organisation ngo church ministries"
        ),
    )
)


def claim_line(
    line: str,
    claims: Sequence[Found],
    names: PersonName,
    attribute: Callable[[str], bool],
) -> list[Found]:
    """The persons a short line (or cell) names with a claim of ``claims`` (spans in
    ``line``) joined to them by a mark, not by words: ``Ruby Stephens - asylum pending``,
    ``STEPHENS, Ruby (CF POS)``, ``Ruby Stephens (Mexico) | asylum``, ``Asylum: Ruby
    Stephens``, ``Asylum seekers: Ruby Stephens, Omar Haddad``; [] for anything else (a
    sentence, an official with a job's title, a label that names staff or a sender).
    ``attribute``: whether a value is an attribute of a person of record (a nationality)."""
    if not claims or len(line) > _MAX_SENTENCE:
        return []
    if len(line) <= MAX_CLAIM_LINE:
        found = _name_then_claim(line, claims, names, attribute)
        if found is not None:
            return [found]
    return _claim_then_names(line, claims, names, attribute)


def _name_then_claim(
    line: str, claims: Sequence[Found], names: PersonName, attribute: Callable[[str], bool]
) -> Found | None:
    # The name opens the line (after a list mark), or follows a label (``Re: Ruby Stephens -
    # asylum``); ``Ruby Stephens: asylum granted`` is no label over a name.
    for lead_pattern in (_PLAIN_LEAD, _RECORD_LEAD):
        lead = lead_pattern.match(line)
        if lead is None:
            continue
        label = lead.group(1) if lead.lastindex else None
        if label and not {fold(w) for w in _WORD.findall(label)}.isdisjoint(_NOT_SUBJECT_LABELS):
            return None
        found = _joined_name(line, lead.end(), claims, names, attribute)
        if found is not None:
            return found
    return None


_PLAIN_LEAD = re.compile(r"\s*(?:[-*+•·▪◦‣]|\(?\d{1,3}[.)])?\s*[*_\"“‘'`]*\s*")


def _joined_name(
    line: str,
    at: int,
    claims: Sequence[Found],
    names: PersonName,
    attribute: Callable[[str], bool],
) -> Found | None:
    """The name that starts at ``at`` when a mark joins it to a claim after it."""
    rest = line[at:]
    name = next((f for f in names.find(rest) if f.start == 0), None)  # ``STEPHENS, Ruby``
    if name is None:
        name = _last_first(rest, names)  # ``Stephens, Ruby``
    if name is None and (name := _opening_shape(rest, names)) is None:
        return None
    if names.canonical(name.value) is None:
        return None
    end = at + name.end
    later = [c for c in claims if c.start >= end]
    if not later:
        return None
    claim = later[0]
    gap = end
    bracket = _BRACKETED.match(line, gap, claim.start)
    if bracket is not None and attribute(bracket.group(1)):
        gap = bracket.end()  # ``Ruby Stephens (Mexico) - asylum``
        if gap == claim.start or not line[gap : claim.start].strip():
            gap = claim.start  # ``Ruby Stephens (Mexico) asylum``: the bracket joins them
    if gap != claim.start and not _JOINT.fullmatch(line, gap, claim.start):
        return None
    after = _WORD.findall(line, claim.end)
    words = {fold(w) for w in _WORD.findall(line, end)}
    if (
        len(after) > _MAX_AFTER_CLAIM
        or not all(map(_status_word, after))
        or _about_a_group(line, claim)
        or not words.isdisjoint(_NOT_CLAIMANT_ROLES)
        or not words.isdisjoint(_SPEECH)
        or _VERB_AFTER.search(line, claim.end)
    ):
        return None
    return Found(name.value, at + name.start, end)


# ``Stephens, Ruby``: a surname, a comma, given names, in title case.
_LAST_FIRST = re.compile(
    r"[*_]*([^\W\d_][^\W\d_'’-]*(?:[ '’-][^\W\d_]+)?)[*_]*,\s[*_]*([^\W\d_]+(?:\s[^\W\d_]+)?)[*_]*"
    r"(?=\s*(?:[(\[|/:;,–—\n-]|$))"
)


def _opening_shape(text: str, names: PersonName) -> Found | None:
    """A name known by its shape alone (title case) that opens ``text``, or None."""
    candidate = next(iter(_candidates(text, names.stop)), None)
    if candidate is None or candidate[1] or candidate[0].start != 0:
        return None
    return candidate[0]


def _last_first(text: str, names: PersonName) -> Found | None:
    """A name written ``Surname, Given`` in title case at the start of ``text``, when the
    same words written ``Given Surname`` read as a person's name."""
    match = _LAST_FIRST.match(text)
    if match is None:
        return None
    last, given = match.group(1), match.group(2)
    if fold(last) in COUNTRY_NAMES or fold(given) in COUNTRY_NAMES:
        return None  # ``Paris, France``: a place
    turned = f"{given} {last}"
    candidate = next(iter(_candidates(turned, names.stop)), None)
    if candidate is None or candidate[1] or candidate[0].value != turned:
        return None
    return Found(f"{last}, {given}", 0, match.end())


# Persons in the plural: a claim that names them is said of a group (``Jane Roe: asylum seekers
# wait at the border``), not of the person on the line.
_GROUPS = frozenset(
    map(
        fold,
        word_set(
            "seekers refugees asylees applicants claimants migrants families people persons "
            "solicitantes refugiados migrantes"
        ),
    )
)


def _about_a_group(line: str, claim: Found) -> bool:
    words = _WORD.findall(line, claim.start, claim.end)
    after = _WORD.match(line, claim.end + 1) if claim.end < len(line) else None
    return bool(words) and (
        fold(words[-1]) in _GROUPS or (after is not None and fold(after.group()) in _GROUPS)
    )


def _status_word(word: str) -> bool:
    """Whether a word after a claim on a record's line reads as its status (``pending``,
    ``Positive``, ``POS``, a country, a month), not as the title of a book or an article
    (``Jane Roe - Asylum in America``, ``Jane Roe - Refugee Stories``)."""
    if not word[0].isupper() or word.isupper():
        return True
    folded = fold(word)
    return folded in _STATUSES or folded in COUNTRY_NAMES or folded in MONTHS


# A sentence goes on after the claim where a field does not: ``... asylum was discussed``.
_VERB_AFTER = re.compile(
    r"(?i)\b(?:is|are|was|were|will|would|said|says|discussed|spoke|speaks|wrote|writes)\b"
)


def _claim_then_names(
    line: str, claims: Sequence[Found], names: PersonName, attribute: Callable[[str], bool]
) -> list[Found]:
    """``Asylum: Ruby Stephens``, ``Asylum seekers: Ruby Stephens, Omar Haddad and Ana
    Perez``, ``Asylum seekers - Ruby Stephens``: a label holding a claim, and after it nothing
    but names, each maybe with an attribute in brackets; a surname alone is a name there when
    its bracket holds a person's attribute (``Protection claims: Lopez (Honduras); Ramirez
    (Guatemala)``)."""
    label = _CLAIM_LABEL.match(line)
    if label is None or not any(c.end <= label.end(1) for c in claims):
        return []
    words = {fold(w) for w in _WORD.findall(label.group(1))}
    inside = [w for c in claims for w in _WORD.findall(line, c.start, c.end)]
    proper = {
        fold(w.group())
        for k, w in enumerate(_WORD.finditer(label.group(1)))
        if k and w.group()[0].isupper() and w.group() not in inside
    }
    if not proper <= _STATUSES | _CLAIMANT_NOUNS:
        return []  # ``Asylum Access: Jane Roe``, ``Refugee Council: Jane Roe``: a body's name
    if (
        not words.isdisjoint(_NOT_SUBJECT_LABELS)
        or not words.isdisjoint(_NOT_CLAIMANT_ROLES)
        or not words.isdisjoint(_SPEECH)
        or claimant_list(label.group(1)) is False
    ):
        return []
    found: list[Found] = []
    at = label.end()
    text = line.rstrip(" .;*_\"”'\r\n")
    while at < len(text):
        piece = text[at:]
        name = next((f for f in names.find(piece) if f.start == 0), None)
        if name is None:
            name = _opening_shape(piece, names) or _surname_of_record(piece, names, attribute)
        if name is None or names.canonical(name.value) is None:
            return []
        if any(fold(w) in _NOT_CLAIMANT_ROLES for w in _WORD.findall(name.value)):
            return []  # ``Asylum seekers - Policy Guidance, Training Unit``: a topic, a body
        found.append(Found(name.value, at + name.start, at + name.end))
        at += name.end
        bracket = _BRACKETED.match(text, at)
        if bracket is not None and attribute(bracket.group(1)):
            at = bracket.end()  # ``Maria Lopez (Honduras), ...``
        if at >= len(text):
            break
        joint = _NAME_SEPARATOR.match(text, at)
        if joint is None or joint.end() == at:
            return []
        at = joint.end()
    return found


def _surname_of_record(
    piece: str, names: PersonName, attribute: Callable[[str], bool]
) -> Found | None:
    """``Lopez (Honduras)`` opening ``piece``: one capitalised word, not known vocabulary, a
    place or a title, with a person's attribute in brackets after it."""
    word = _WORD.match(piece)
    if word is None or not _capitalised(word.group()):
        return None
    folded = fold(word.group())
    if folded in names.stop or folded in _TITLES or folded in NOT_NAME_PARTS:
        return None
    if folded in COUNTRY_NAMES or folded in US_STATES or folded in MONTHS:
        return None
    bracket = _BRACKETED.match(piece, word.end())
    if bracket is None or not attribute(bracket.group(1)):
        return None
    return Found(word.group(), 0, word.end())


# --- a letter to the claimant ------------------------------------------------------------------
#
# "Dear Ruby Stephens, / Your Form I-589 has been received.": a letter names its addressee once,
# in the salutation, and tells them about their own claim in the second person. The addressee is
# the claimant when a sentence says the claim is theirs (``your asylum application``, ``you were
# granted asylum``); a letter to an official (``Dear Judge Roe``) or about the topic (``thank you
# for your letter about asylum``) names none.

_SALUTATION = re.compile(
    r"\s*(?i:dear|estimad[oa]|querid[oa]|cher|chère|prezad[oa])\s+([^,:;\n]{3,80}?)\s*[,:]\s*$"
)
# A claim said to the addressee: ``your asylum application``, ``you were granted asylum``,
# ``your Form I-589``, ``su solicitud de asilo``.
_ADDRESSED = re.compile(
    r"(?i)(?<![\w-])(?:you|your|yours|su|sus|usted|votre|vos)\s+((?:[^\W\d_]+[\s-]+){0,3})$"
)
# Words between ``you`` and a claim that make the claim the letter's topic, not the addressee's.
_TOPICAL = word_set(
    """
    about regarding concerning on re of question questions inquiry enquiry views view opinion
    letter email message interest support work article comments comment testimony report
    sobre acerca
    """
)


def salutation(line: str, names: PersonName) -> Found | None:
    """The addressee a letter's salutation names (``Dear Ruby Stephens,``, ``Dear Ms.
    Stephens:``, ``Estimada Sra. Pérez,``); None for an official (``Dear Judge Roe,``), a
    group (``Dear colleagues,``) or any other line."""
    match = _SALUTATION.match(line)
    if match is None:
        return None
    candidate = next(iter(_candidates(match.group(1), names.stop)), None)
    if candidate is None or candidate[1]:
        return None
    name = candidate[0]
    if match.group(1)[name.end :].strip() or names.canonical(name.value) is None:
        return None
    at = match.start(1)
    return Found(name.value, at + name.start, at + name.end)


def addressed_claim(text: str, claims: Sequence[Found]) -> Found | None:
    """The first claim of ``claims`` (spans in ``text``) that ``text`` says is its reader's
    own: ``your asylum application``, ``you were granted asylum``; None for none."""
    for claim in claims:
        head = text[max(0, claim.start - 48) : claim.start]
        match = _ADDRESSED.search(head)
        if match is not None and _TOPICAL.isdisjoint(
            fold(w) for w in _WORD.findall(match.group(1))
        ):
            return claim
    return None
