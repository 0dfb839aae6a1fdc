"""An e-mail address that points to one person.

Under a header or a label (``Email``, ``Correo``) any address counts but those that point to
no applicant: a role account (``asylum@``, ``foia@``, ``info@``, ``noreply@``) and an
institution's domain (``.gov``, ``.mil``, ``.edu``, ``.org``, ``.int``, and the same under a
country's code: ``gob.mx``, ``gov.uk``, ``ac.uk``): the office's contact address at the foot of
a statistics table, a legal-aid provider's mailbox, an official's desk.

Without a label an address counts only when its local part is a person's name (``first.last``,
``first_last``, ``flast`` with a known surname, with digits after it or not), on a domain that
is no institution's; in prose, only on a mail service that persons use themselves (``gmail``,
``yahoo``, ``outlook``...): a memo's "write to j.doe@lawfirm.com" is a professional's. An
address spelled out against harvesters (``ruby.stephens [at] gmail [dot] com``) is the
address it spells. Never on a line that credits a work's authors or gives its contacts
(``Maintained by``, ``Authors:``, ``Contact:``, ``Copyright``): a README's maintainers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from approval.detect.contacts import credits
from approval.detect.detectors.base import Element, Found
from approval.detect.detectors.phone import own
from approval.detect.gazetteer import GIVEN, SURNAMES
from approval.detect.textnorm import is_null, word_set

_LOCAL = r"[A-Za-z0-9](?:[A-Za-z0-9._%+'-]{0,62}[A-Za-z0-9_])?"
_DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"
ADDRESS = re.compile(rf"({_LOCAL})@({_DOMAIN})")
# In prose: not inside a longer token (``x.ruby.stephens@`` is still found from its start).
_IN_TEXT = re.compile(rf"(?<![\w.%+'-])({_LOCAL})@({_DOMAIN})(?![\w-])")
# What a cell may wrap an address in: ``mailto:``, angle brackets, a display name's quotes.
# Addresses spelled out against harvesters (``ruby.stephens [at] gmail [dot] com``,
# ``ruby(at)gmail.com``, ``arroba``) or with the full-width and small commercial at signs:
# read as the address they spell.
# The blanks before the bracket are taken only from where their run starts, and none given
# back: a leading ``\s*`` was tried from every position of a run of blanks, each to its end
# (a bracket then 50,000 spaces took 18 s).
_BLANKS = r"(?:(?<!\s)\s++)?"
_SPELLED_AT = re.compile(
    rf"(?i){_BLANKS}[\[\(\{{<]\s*+(?:at|arroba)\s*+[\]\)\}}>]\s*|[\uff20\ufe6b]"
)
_SPELLED_DOT = re.compile(rf"(?i){_BLANKS}[\[\(\{{<]\s*+(?:dot|punto)\s*+[\]\)\}}>]\s*|\uff0e")
_BRACKETS = "[({<"
_WRAPPED = re.compile(r"(?i:mailto:)?<?\s*(?P<address>[^<>\s]+@[^<>\s]+?)\s*>?\.?")

# Mailboxes of a role or a service, not of a person (RFC 2142 and what agencies and NGOs
# publish), compared without digits, dots, dashes and underscores.
ROLE_ACCOUNTS = word_set(
    """
    abuse admin administrator admissions asylum asylo ayuda billing board care careers
    casework cases clinic comments communications compliance contact contactus contacto
    correo counsel customerservice data desk editor enquiries events feedback finance foia
    frontdesk general help helpdesk helpline hello hotline hr immigration info information
    inquiries inquiry intake jobs legal legalaid mail mailer media membership news
    newsletter noreply donotreply nospam office operations outreach postmaster press
    privacy programs publicaffairs questions records reception referrals refugee refugees
    registrar reply sales secretary security service services staff stats statistics
    support team volunteer volunteers webmaster website desk division unit dept
    department ops main central no not do the
    """
)
# Top-level and second-level labels of institutions (a government, an army, a school, a
# non-profit, a treaty body), as the domain's last label or the one before a country code.
_INSTITUTION_TLDS = frozenset({"gov", "mil", "edu", "org", "int"})
_INSTITUTION_SLDS = frozenset(
    {"gov", "gob", "gouv", "govt", "go", "mil", "edu", "ac", "org", "or", "ong", "int", "nic"}
)
# Mail services persons sign up to themselves, by the domain's first label.
PERSONAL_SERVICES = word_set(
    """
    gmail googlemail yahoo ymail rocketmail hotmail outlook live msn icloud me mac aol
    protonmail proton pm gmx web mail email inbox zoho yandex rambler ukr qq 163 126 sina
    naver hanmail daum rediffmail libero virgilio orange wanadoo free laposte sfr terra
    uol bol ig hushmail tutanota fastmail comcast verizon att sbcglobal bellsouth cox
    charter earthlink optonline
    """
)
_NAME_PART = re.compile(r"[A-Za-z]{2,}")
_LOCAL_WORDS = re.compile(r"[._-]")
_TRAILING_DIGITS = re.compile(r"\d{1,4}$")
_ROLE_SPLIT = re.compile(r"[\d._+-]+")


def split(value: str) -> tuple[str, str] | None:
    """The local part and the domain (lower case) of a value that is one address, or None."""
    value = value.strip()
    if "@" not in value:
        value = spelled_out(value)
    if "@" not in value or len(value) > 254:
        return None
    wrapped = _WRAPPED.fullmatch(value)
    if wrapped is None:
        return None
    m = ADDRESS.fullmatch(wrapped.group("address"))
    if m is None:
        return None
    return m.group(1), m.group(2).lower()


def spelled_out(text: str) -> str:
    """``text`` with the spelled-out at and dot signs of addresses as ``@`` and ``.``."""
    if not _SPELLED_AT.search(text):
        return text
    return _SPELLED_DOT.sub(".", _SPELLED_AT.sub("@", text))


def institutional(domain: str) -> bool:
    labels = domain.split(".")
    if labels[-1] in _INSTITUTION_TLDS:
        return True
    return len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _INSTITUTION_SLDS


def role_account(local: str) -> bool:
    """Whether a local part names a role or a service: one of ``ROLE_ACCOUNTS``, whole or
    word by word (``asylum.questions``, ``help-desk``, ``no-reply``)."""
    local = local.lower()
    words = [w for w in _ROLE_SPLIT.split(local) if w]
    return (
        not words
        or "".join(words) in ROLE_ACCOUNTS
        or all(w in ROLE_ACCOUNTS for w in words)
        or local.startswith(("no-reply", "noreply", "do-not", "donotreply"))
    )


def personal(local: str, domain: str) -> bool:
    """Whether an address may be a person's: no role account, no institution's domain."""
    return not role_account(local) and not institutional(domain)


def named(local: str) -> bool:
    """Whether a local part is a person's name: two or three words of letters
    (``ruby.stephens``, ``maria_del.garcia``), or an initial and a known surname
    (``rstephens``, ``mgarcia``), with up to four digits after it."""
    local = _TRAILING_DIGITS.sub("", local.split("+", 1)[0]).lower()
    words = [w for w in _LOCAL_WORDS.split(local) if w]
    if 2 <= len(words) <= 3:
        return all(_NAME_PART.fullmatch(w) for w in words) and not role_account(local)
    if len(words) == 1 and words[0].isalpha() and 4 <= len(words[0]) <= 20:
        word = words[0]
        return (word[1:] in SURNAMES) or any(
            word.startswith(g) and word[len(g) :] in SURNAMES for g in GIVEN if len(g) >= 3
        )
    return False


class Email(Element):
    id = "email"
    gate = "@"
    prefilter = re.compile(r"@[A-Za-z0-9-]+\.")

    def canonical(self, value: str) -> str | None:
        if is_null(value):
            return None
        parts = split(value)
        if parts is None or not personal(*parts):
            return None
        return f"{parts[0].lower()}@{parts[1]}"

    def column(self, values: Sequence[str], joined: str) -> list[bool] | None:
        return own(values, self.canonical)  # an address several rows share is an office's

    def looks_like(self, value: str) -> bool:
        parts = split(value)
        return parts is not None and personal(*parts) and named(parts[0])

    def may_find(self, text: str) -> bool:
        if "@" in text:
            return self.prefilter.search(text) is not None
        if text.isascii() and not any(b in text for b in _BRACKETS):
            return False  # nothing spelled out: a memchr pass a bracket (a set test is 10x dearer)
        return _SPELLED_AT.search(text) is not None

    def find(self, text: str) -> list[Found]:
        found = []
        if "@" not in text:
            text = spelled_out(text)  # positions then are the spelled-out text's
        for m in _IN_TEXT.finditer(text):
            local, domain = m.group(1), m.group(2).lower()
            if credits(text[text.rfind("\n", 0, m.start()) + 1 : m.start()]):
                continue  # a work's authors, maintainers or contacts: nobody's claim
            if (
                domain.split(".", 1)[0] in PERSONAL_SERVICES
                and not institutional(domain)
                and named(local)
            ):
                found.append(Found(f"{local.lower()}@{domain}", m.start(), m.end()))
        return found

    def redact(self, canonical: str) -> str:
        local, _, domain = canonical.partition("@")
        return f"{local[:1]}{'*' * max(len(local) - 1, 2)}@{domain[:1]}{'*' * 3}"
