"""generator.export: the data export's JSON is exactly what json.dumps with an indent writes."""

from __future__ import annotations

import json

import pytest

from generator.export import records_json

ODD = "\"quoted\" \\ back\tslash\nnew line \u2028 \u0000 \ud800 \U0001f600 «عربي» </script>"


@pytest.mark.parametrize("records", [
    [],
    [{}],
    [{"id": "a", "seed": None, "title": ODD, "date": "2021-01-22"}],
    [{"id": str(n), "n": n, "ok": n % 2 == 0, "x": 1.5, "title": ODD[n:]} for n in range(20)],
])
def test_the_same_text_as_json_dumps(records):
    assert records_json(records) == json.dumps(records, ensure_ascii=False, indent=1)
    assert json.loads(records_json(records)) == records
