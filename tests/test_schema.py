"""The Table Schemas and the descriptor's resources are generated from the models: no drift."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from unionstate_data._version import get_version
from unionstate_data.generated import check_generated, table_schema, write_generated
from unionstate_data.model.fields import DATASET_TABLES, NON_STRING_FIELDS
from unionstate_data.model.tables import MODELS, Party, Treaty

ROOT = Path(__file__).resolve().parents[1]


def test_the_checkout_has_no_drift_from_the_models() -> None:
    assert check_generated(ROOT, get_version()) == []


@pytest.fixture
def checkout_copy(tmp_path: Path) -> Path:
    for folder in ("schemas", "datapackage", "releases"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / "unionstate_data").mkdir()
    for generated in ("CITATION.cff", "unionstate_data/registry.json"):
        shutil.copyfile(ROOT / generated, tmp_path / generated)
    return tmp_path


def test_a_hand_edited_schema_is_reported_as_drift(checkout_copy: Path) -> None:
    path = checkout_copy / "schemas" / "parties.json"
    schema = json.loads(path.read_text())
    schema["fields"][0]["description"] = "edited by hand"
    path.write_text(json.dumps(schema))
    assert check_generated(checkout_copy, get_version()) == ["schemas/parties.json"]
    assert write_generated(checkout_copy, get_version()) == ["schemas/parties.json"]
    assert check_generated(checkout_copy, get_version()) == []


def test_a_descriptor_with_another_version_is_reported_as_drift(checkout_copy: Path) -> None:
    assert check_generated(checkout_copy, "9.9.9") == [
        "datapackage/datapackage.json",
        "CITATION.cff",
    ]


def test_a_new_release_record_is_reported_until_the_registry_is_regenerated(
    checkout_copy: Path,
) -> None:
    shutil.copytree(checkout_copy / "releases" / "v0.1.0", checkout_copy / "releases" / "v0.1.1")
    manifest = checkout_copy / "releases" / "v0.1.1" / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"version": "0.1.0"', '"version": "0.1.1"'))
    assert check_generated(checkout_copy, get_version()) == ["unionstate_data/registry.json"]


def test_every_model_has_a_resource_whose_inline_schema_is_its_schema_file() -> None:
    descriptor = json.loads((ROOT / "datapackage" / "datapackage.json").read_text())
    assert [r["name"] for r in descriptor["resources"]] == [m.resource for m in MODELS]
    for resource, model in zip(descriptor["resources"], MODELS, strict=True):
        schema_file = json.loads((ROOT / "schemas" / f"{model.resource}.json").read_text())
        assert resource["schema"] == schema_file == table_schema(model)


def test_the_descriptor_names_no_path_outside_its_folder() -> None:
    # Frictionless refuses such paths unless run with --trusted.
    descriptor = json.loads((ROOT / "datapackage" / "datapackage.json").read_text())
    for resource in descriptor["resources"]:
        assert not resource["path"].startswith(("/", "..")), resource["name"]
        assert isinstance(resource["schema"], dict), resource["name"]


def test_an_inline_schema_edited_by_hand_is_reported_as_drift(checkout_copy: Path) -> None:
    descriptor = checkout_copy / "datapackage" / "datapackage.json"
    meta = json.loads(descriptor.read_text())
    meta["resources"][1]["schema"]["fields"][0]["description"] = "edited by hand"
    descriptor.write_text(json.dumps(meta))
    assert check_generated(checkout_copy, get_version()) == ["datapackage/datapackage.json"]


def test_model_constraints_become_table_schema_constraints() -> None:
    fields = {f["name"]: f for f in table_schema(Party)["fields"]}
    assert fields["party_id"]["constraints"] == {
        "required": True,
        "pattern": "[a-z0-9]+(-[a-z0-9]+)*",
    }
    assert fields["iso3"]["constraints"] == {"pattern": "[A-Z]{3}", "unique": True}
    assert fields["cow_code"]["type"] == "integer"
    assert fields["start"]["x-partial-date"] is True
    assert "required" not in fields["start"].get("constraints", {})
    assert list(fields)[-3:] == ["source_id", "quote", "locator"]
    assert table_schema(Treaty)["foreignKeys"] == [
        {"fields": ["source_id"], "reference": {"resource": "sources", "fields": ["source_id"]}}
    ]


def test_the_descriptor_version_is_the_package_version() -> None:
    descriptor = json.loads((ROOT / "datapackage" / "datapackage.json").read_text())
    assert descriptor["version"] == get_version()


def test_the_validator_knows_the_dataset_tables_and_their_field_types_as_the_models_say() -> None:
    """``model.fields`` keeps, for the validator (which does not import the models), the tables
    and their non-string fields; they must be the models'."""
    assert tuple(model.resource for model in MODELS) == DATASET_TABLES
    types = {
        (model.resource, spec["name"]): spec["type"]
        for model in MODELS
        for spec in table_schema(model)["fields"]
    }
    assert {key: kind for key, kind in types.items() if kind != "string"} == NON_STRING_FIELDS
