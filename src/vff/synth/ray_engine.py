"""The synth pipeline on Ray: one backend per actor, verification as parallel tasks.

``RayPool`` has the interface of the local pool (``fingerprint``, ``generate``,
``verify``, ``close``); the driver keeps storing generations and committing prompts in
order, so a Ray run writes the same files as a local run. With ``RAY_ADDRESS`` set, it
joins that cluster (vff must be installed on its nodes); otherwise it starts Ray on this
machine.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from vff.backends import BackendError, Generation
from vff.synth import records as rec
from vff.synth.engine import Request, SynthConfig, SynthError, verify_responses


class GenerationWorker:
    """A Ray actor holding one backend."""

    def __init__(self, kind: str, options: dict[str, Any]) -> None:
        from vff.backends import make_backend

        self.backend = make_backend(kind, **options)

    def fingerprint(self) -> dict[str, Any]:
        return self.backend.fingerprint()

    def generate(self, request: Request) -> Generation | str:
        try:
            return self.backend.generate(request.messages, request.params)
        except BackendError as exc:
            return str(exc)

    def close(self) -> None:
        self.backend.close()


def _verify(
    prompt: dict[str, Any], responses: Sequence[tuple[int, int, Generation]]
) -> list[rec.Candidate]:
    return verify_responses(prompt, responses)


class RayPool:
    """``config.workers`` generation actors and a verification task per prompt."""

    def __init__(self, config: SynthConfig) -> None:
        try:
            import ray
            from ray.util import ActorPool
        except ImportError:
            raise SynthError(
                "--engine ray needs Ray: pip install 'vff[ray]' (or pip install ray)"
            ) from None
        self._ray = ray
        self._started = False
        if not ray.is_initialized():
            address = os.environ.get("RAY_ADDRESS")
            if address:
                ray.init(address=address, log_to_driver=False)
            else:
                ray.init(
                    num_cpus=max(os.cpu_count() or 1, config.workers),
                    include_dashboard=False,
                    log_to_driver=False,
                    object_store_memory=256 * 1024 * 1024,
                )
            self._started = True
        actor = ray.remote(num_cpus=1)(GenerationWorker)
        self._actors = [
            actor.remote(config.backend, dict(config.backend_options))
            for _ in range(max(1, config.workers))
        ]
        try:
            self._fingerprint = ray.get(self._actors[0].fingerprint.remote())
        except Exception as exc:  # noqa: BLE001 - Ray wraps the actor's error
            self.close()
            raise SynthError(f"a generation worker could not start: {exc}") from None
        self._pool = ActorPool(self._actors)
        self._verify = ray.remote(num_cpus=1)(_verify)

    def fingerprint(self) -> dict[str, Any]:
        return self._fingerprint

    def generate(self, requests: Sequence[Request]) -> list[Generation | str]:
        """One result per request, in order; requests are spread over the actors."""
        return list(self._pool.map(lambda a, r: a.generate.remote(r), list(requests)))

    def verify(
        self, jobs: Sequence[tuple[dict[str, Any], Sequence[tuple[int, int, Generation]]]]
    ) -> list[list[rec.Candidate]]:
        refs = [self._verify.remote(prompt, list(responses)) for prompt, responses in jobs]
        return list(self._ray.get(refs))

    def close(self) -> None:
        for handle in getattr(self, "_actors", []):
            try:
                self._ray.get(handle.close.remote())
                self._ray.kill(handle)
            except Exception:  # noqa: BLE001, S110 - best effort at shutdown
                pass
        if self._started:
            self._ray.shutdown()
