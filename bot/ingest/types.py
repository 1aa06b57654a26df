"""Plain value objects for source documents and the quotable passages cut from them."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Source:
    """One source document as described in `corpus/sources.yaml`."""

    id: str
    title: str
    kind: str  # video transcript | article | interview notes | podcast transcript | summary | document
    file: str  # path relative to the corpus folder, e.g. sources/000_x.txt
    format: str  # parser name: whisper | article | wiki | podcast | listicle | plain
    url: str | None = None
    speakers: tuple[str, ...] = ()
    speaker_labels: dict[str, str] = field(default_factory=dict)  # "Tom" -> "Thomas Krendl Gilbert"
    default_speaker: str | None = None
    reworded: bool = False  # words machine-swapped for synonyms; restore for display
    exclude_from: str | None = None  # marker phrase: the document from here on is not debate material
    speaker_map: dict[str, str] = field(default_factory=dict)  # "¶4" -> speaker of the words quoted there


@dataclass(frozen=True, slots=True)
class Passage:
    """A sentence-sized quotable unit. `text` is what is shown (restored when reworded);
    `original_text` is the verbatim source text when `text` was restored, else None."""

    source_id: str
    index: int  # position within the source, 0-based
    text: str
    speaker: str | None = None
    locator: str | None = None  # "1:30", "¶3", "[00:41:05]", "~00:12:00", "item 4: Advantages..."
    url: str | None = None
    original_text: str | None = None
    line: int | None = None  # 1-based line in the file where the passage starts

    @property
    def verbatim(self) -> str:
        """The text exactly as it stands in the source (markup removed)."""
        return self.original_text if self.original_text is not None else self.text

    @property
    def restored(self) -> bool:
        return self.original_text is not None
