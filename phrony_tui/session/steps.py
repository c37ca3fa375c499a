"""The steps of a session by id, held as the JSON they arrived in."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping

import msgspec

from ..api.compact import StepRecord
from ..api.models import TimelineItem


class StepStore(Mapping[str, TimelineItem]):
    """The steps by id, each held as a ``StepRecord`` (its JSON, plus the fields that order and
    filter it) and made a model when read. The models read or merged last are kept, a bounded
    number of them and only small ones, so a step's content is held once, as bytes."""

    CACHED = 4096
    KEEP_BELOW = 256 * 1024  # bytes of JSON; a larger step is parsed again when read

    def __init__(self) -> None:
        self._records: dict[str, StepRecord] = {}
        self._read: OrderedDict[str, TimelineItem] = OrderedDict()

    def __getitem__(self, item_id: str) -> TimelineItem:
        model = self._read.get(item_id)
        if model is not None:
            self._read.move_to_end(item_id)
            return model
        record = self._records[item_id]
        model = record.model()
        self._keep(record, model)
        return model

    def __iter__(self) -> Iterator[str]:
        return iter(self._records)

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._records

    def get(self, item_id: str, default: TimelineItem | None = None) -> TimelineItem | None:  # type: ignore[override]
        """Without the ``KeyError`` ``Mapping.get`` raises and catches for each new step."""
        return self[item_id] if item_id in self._records else default

    def put(self, item: TimelineItem, raw: msgspec.Raw | bytes | None = None) -> None:
        """Hold ``item``, replacing any step of its id. ``raw`` is the JSON ``item`` was read
        from, when there is one (a step from an event or a snapshot): it is held as it is, not
        written again from the model."""
        if raw is None:
            record = StepRecord.of(item)
        else:
            tokens = item.tokens_used or 0
            record = StepRecord(item.id, item.run_id, item.ordinal, item.type, raw, tokens)
        self._records[item.id] = record
        self._read.pop(item.id, None)
        self._keep(record, item)

    def put_record(self, record: StepRecord) -> None:
        self._records[record.id] = record
        self._read.pop(record.id, None)

    def _keep(self, record: StepRecord, model: TimelineItem) -> None:
        if len(record.raw) < self.KEEP_BELOW:
            self._read[record.id] = model
            if len(self._read) > self.CACHED:
                self._read.popitem(last=False)

    def json_of(self, item_id: str) -> bytes:
        """The step's JSON as it arrived (or as its model writes it, for a step made here)."""
        return bytes(self._records[item_id].raw)

    def record(self, item_id: str) -> StepRecord | None:
        """The step's record (where it sits, its JSON), without making its model."""
        return self._records.get(item_id)

    def ordinal(self, item_id: str) -> float:
        return self._records[item_id].ordinal

    def run_id(self, item_id: str) -> str:
        return self._records[item_id].run_id

    def type(self, item_id: str) -> str:
        return self._records[item_id].type
