"""Names of files and folders as people read them: ``Stephens_Ruby_A218343183/I-589.pdf`` is
the words ``Stephens Ruby A218343183 I-589.pdf``. A listing (``unzip -l``, ``tar tf``, a file
manager, ``gzip -l``) shows the names, and a folder of files named after the persons in them is
a list of those persons; the detectors read words, so ``_`` and ``/`` are cut into spaces the
same way wherever a name is read (ZIP and tar members, link targets, a gzip file name)."""

from __future__ import annotations


def name_words(name: str) -> str:
    """A file or folder name (or a path) as one line of words."""
    return " ".join(name.replace("_", " ").replace("/", " ").split())
