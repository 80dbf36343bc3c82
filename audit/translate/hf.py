"""The transformers backend: ``AutoModelForSeq2SeqLM`` and its tokenizer on torch.

Language codes are handled per model family: multilingual Marian (opus-mt) models get a ``>>ara<<``
token before the text, NLLB-200 gets ``src_lang``/``forced_bos_token_id`` in FLORES-200 codes
(``eng_Latn``, ``arb_Arab``), M2M100 the same with ISO codes (``en``, ``ar``). torch and transformers are
imported here, when a translator is built, never before.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from audit.translate.base import (
    TranslationError,
    TranslatorSpec,
    cpu_threads,
    fingerprint,
    identity,
    is_ctranslate2_dir,
    iso_code,
    length_sorted_batches,
    marian_target_token,
    nllb_code,
    passive_openmp,
    resolve_model,
)


def quiet_transformers() -> None:
    """Silence transformers' progress bars and advice (e.g. "pip install sacremoses") on stderr."""
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    warnings.filterwarnings("ignore", message=".*sacremoses.*")


class TransformersTranslator:
    """A seq2seq model from transformers, translating ``spec.src_lang`` into ``spec.tgt_lang``.

    The model is found and fingerprinted at once (so cached translations need nothing more), and
    loaded, with torch and transformers, only when something has to be translated.
    """

    def __init__(self, spec: TranslatorSpec) -> None:
        self.spec = spec
        self.name = spec.name
        self.directory = resolve_model(spec.model, spec.allow_download)
        if is_ctranslate2_dir(self.directory):
            raise TranslationError(f"{self.directory} is a CTranslate2 model; use --backend ctranslate2")
        if not (self.directory / "config.json").is_file():
            raise TranslationError(f"{self.directory} is not a transformers model (no config.json)")
        # Weights are always run in float32, whatever the device, so the device is not part of the identity.
        self.identity = identity(spec, fingerprint(self.directory), dtype="float32")
        self.loaded = False

    def load(self) -> None:
        """Import torch and transformers and load the tokenizer and model."""
        passive_openmp()
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        quiet_transformers()
        spec = self.spec
        if spec.threads > 0:
            torch.set_num_threads(cpu_threads(spec.threads))
        device = spec.device
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise TranslationError("device cuda was asked for, but torch sees no CUDA device; use --device cpu")
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(self.directory, local_files_only=True)
            self.model = AutoModelForSeq2SeqLM.from_pretrained(
                self.directory, local_files_only=True, dtype=torch.float32
            )
        except (OSError, ValueError, KeyError) as exc:
            raise TranslationError(f"cannot load a translation model from {self.directory}: {exc}") from None
        self.model.eval().to(device)
        self.device = device
        self.prefix, self.generate_options = self._language_setup()
        # Generated tokens that are not text: the forced target-language token first (NLLB, M2M100) and the
        # EOS forced at the length limit (Marian, NLLB). Counting them apart gives max_output_tokens tokens
        # of text, as CTranslate2 does.
        self.bos_steps = 1 if "forced_bos_token_id" in self.generate_options else 0
        forced_eos = getattr(self.model.generation_config, "forced_eos_token_id", None)
        self.eos_steps = 0 if forced_eos is None else 1
        self.loaded = True

    def _language_setup(self) -> tuple[str, dict[str, Any]]:
        """The text prefix and the extra ``generate`` options this model family needs for the languages."""
        kind = type(self.tokenizer).__name__
        src, tgt = self.spec.src_lang, self.spec.tgt_lang
        if kind.startswith("Nllb"):
            self.tokenizer.src_lang = nllb_code(src)
            token_id = self.tokenizer.convert_tokens_to_ids(nllb_code(tgt))
            if token_id is None or token_id == self.tokenizer.unk_token_id:
                raise TranslationError(f"this NLLB model has no language token {nllb_code(tgt)!r}")
            return "", {"forced_bos_token_id": token_id}
        if kind.startswith("M2M100"):
            try:
                self.tokenizer.src_lang = iso_code(src)
                return "", {"forced_bos_token_id": self.tokenizer.get_lang_id(iso_code(tgt))}
            except KeyError:
                raise TranslationError(f"this M2M100 model does not know the language {src!r} or {tgt!r}") from None
        if kind.startswith("Marian"):
            token = marian_target_token(tgt, self.tokenizer.get_vocab())
            return (f"{token} " if token else ""), {}
        return "", {}

    def translate(self, texts: Sequence[str]) -> list[str]:
        params = self.spec.params
        results = [""] * len(texts)
        todo = [i for i, text in enumerate(texts) if text.strip()]
        if not todo:
            return results
        if not self.loaded:
            self.load()
        import torch

        lengths = [len(texts[i]) for i in todo]
        for batch in length_sorted_batches(lengths, params.batch_size):
            indices = [todo[b] for b in batch]
            inputs = self.tokenizer(
                [self.prefix + texts[i] for i in indices],
                return_tensors="pt",
                padding=True,
                truncation=True,
                max_length=params.max_input_tokens,
            ).to(self.device)
            with torch.inference_mode():
                output = self.model.generate(
                    **inputs,
                    num_beams=params.beam_size,
                    max_new_tokens=params.max_output_tokens + self.bos_steps + self.eos_steps,
                    min_new_tokens=params.min_output_tokens + self.bos_steps,
                    length_penalty=params.length_penalty,
                    do_sample=False,
                    **self.generate_options,
                )
            decoded = self.tokenizer.batch_decode(output, skip_special_tokens=True)
            for index, text in zip(indices, decoded, strict=True):
                results[index] = text.strip()
        return results
