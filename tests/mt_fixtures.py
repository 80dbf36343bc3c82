"""Random translation models built at test time (no download): a SentencePiece vocabulary trained on
a few sentences written here, a small ``MarianConfig``, ``MarianMTModel`` and ``MarianTokenizer`` saved with
``save_pretrained``, the way opus-mt models are laid out (``source.spm``, ``target.spm``, ``vocab.json``).

The vocabulary follows opus-mt: ``</s>`` 0, ``<unk>`` 1, language tokens ``>>ara<<`` and ``>>eng<<``,
the pieces, and ``<pad>`` last (CTranslate2's converter drops a trailing ``<pad>``; Marian starts decoding
from it). The benchmark builds an opus-mt-sized model with the same function. A tiny M2M100 model checks
the language tokens of the multilingual families (``__en__ ... </s>`` in, ``__ar__`` forced first out).
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

ENGLISH = [
    "The foreign ministers met in Geneva on Thursday to discuss a ceasefire.",
    "The talks were frank and useful, a spokesman said.",
    "Heavy rain caused floods in the northern provinces.",
    "The central bank kept its interest rate unchanged at 4.5 percent.",
    "The government approved a budget of 40 billion for transport.",
    "Prisoner exchanges will be discussed at the next round.",
    "The United Nations called on both sides to protect civilians.",
    "Thousands of people left their homes after the storm.",
    "The minister said the new road would open next year.",
    "Prices rose faster than expected in the last quarter.",
    "Rescue teams searched for survivors through the night.",
    "The president will visit three countries next week.",
]
ARABIC = [
    "اجتمع وزيرا الخارجية في جنيف يوم الخميس لبحث وقف إطلاق النار.",
    "قال متحدث إن المحادثات كانت صريحة ومفيدة.",
    "تسببت الأمطار الغزيرة في فيضانات في المحافظات الشمالية.",
    "أبقى البنك المركزي سعر الفائدة دون تغيير عند 4.5 في المئة.",
    "وافقت الحكومة على ميزانية قدرها 40 مليارا للنقل.",
    "ستناقش عمليات تبادل الأسرى في الجولة المقبلة.",
    "دعت الأمم المتحدة الطرفين إلى حماية المدنيين.",
    "غادر آلاف الأشخاص منازلهم بعد العاصفة.",
    "قال الوزير إن الطريق الجديد سيفتح العام المقبل.",
    "ارتفعت الأسعار أسرع من المتوقع في الربع الأخير.",
    "بحثت فرق الإنقاذ عن ناجين طوال الليل.",
    "سيزور الرئيس ثلاث دول الأسبوع المقبل.",
]
LANGUAGE_TOKENS = [">>ara<<", ">>eng<<"]


def train_pieces(pieces: int) -> tuple[bytes, list[str]]:
    """A SentencePiece model trained on the sentences above, and its pieces (no control or unknown pieces)."""
    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter((ENGLISH + ARABIC) * 4),
        model_writer=buffer,
        vocab_size=pieces,
        model_type="unigram",
        character_coverage=1.0,
        hard_vocab_limit=False,
        unk_id=0,
        eos_id=1,
        bos_id=-1,
        pad_id=-1,
        minloglevel=2,
    )
    processor = spm.SentencePieceProcessor(model_proto=buffer.getvalue())
    learned = [
        processor.id_to_piece(i)
        for i in range(processor.get_piece_size())
        if not (processor.is_control(i) or processor.is_unknown(i))
    ]
    return buffer.getvalue(), learned


def build_marian(
    directory: Path,
    *,
    d_model: int = 32,
    layers: int = 1,
    heads: int = 2,
    ffn_dim: int = 64,
    vocab_size: int | None = None,
    pieces: int = 200,
    init_std: float = 0.5,
    forced_eos: bool = True,
    seed: int = 0,
) -> Path:
    """Save a randomly initialised Marian model and its tokenizer in ``directory``; return it.

    ``vocab_size`` pads the vocabulary with filler pieces up to that size (the benchmark's 32k); the
    large ``init_std`` makes the random logits peaked, so greedy decoding is stable across backends.
    ``forced_eos`` (as in opus-mt) makes generation end with ``</s>`` at the length limit.
    """
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    directory.mkdir(parents=True, exist_ok=True)
    model_bytes, learned = train_pieces(pieces)
    (directory / "source.spm").write_bytes(model_bytes)
    (directory / "target.spm").write_bytes(model_bytes)
    vocabulary = ["</s>", "<unk>", *LANGUAGE_TOKENS, *learned]
    if vocab_size is not None:
        vocabulary += [f"▁filler{i}" for i in range(vocab_size - 1 - len(vocabulary))]
    vocabulary.append("<pad>")
    (directory / "vocab.json").write_text(
        json.dumps({token: i for i, token in enumerate(vocabulary)}, ensure_ascii=False), encoding="utf-8"
    )
    size = len(vocabulary)
    config = MarianConfig(
        vocab_size=size,
        d_model=d_model,
        encoder_layers=layers,
        decoder_layers=layers,
        encoder_attention_heads=heads,
        decoder_attention_heads=heads,
        encoder_ffn_dim=ffn_dim,
        decoder_ffn_dim=ffn_dim,
        max_position_embeddings=512,
        init_std=init_std,
        pad_token_id=size - 1,
        eos_token_id=0,
        decoder_start_token_id=size - 1,
        forced_eos_token_id=0 if forced_eos else None,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config).eval()
    model.generation_config = GenerationConfig(
        bad_words_ids=[[size - 1]],  # never generate <pad>, as opus-mt
        decoder_start_token_id=size - 1,
        pad_token_id=size - 1,
        eos_token_id=0,
        forced_eos_token_id=0 if forced_eos else None,
        num_beams=1,
        max_length=64,
    )
    model.save_pretrained(directory)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*sacremoses.*")
        tokenizer = MarianTokenizer(
            source_spm=str(directory / "source.spm"),
            target_spm=str(directory / "target.spm"),
            vocab=str(directory / "vocab.json"),
            source_lang="en",
            target_lang="ar",
        )
    tokenizer.save_pretrained(directory)
    return directory


def build_m2m100(directory: Path, *, d_model: int = 32, pieces: int = 200, seed: int = 0) -> Path:
    """Save a tiny random M2M100 model (fairseq-style vocabulary, ``__en__``/``__ar__`` language tokens)."""
    import torch
    from transformers import GenerationConfig, M2M100Config, M2M100ForConditionalGeneration, M2M100Tokenizer
    from transformers.models.m2m_100.tokenization_m2m_100 import FAIRSEQ_LANGUAGE_CODES

    directory.mkdir(parents=True, exist_ok=True)
    model_bytes, learned = train_pieces(pieces)
    (directory / "sentencepiece.bpe.model").write_bytes(model_bytes)
    vocabulary = ["<s>", "<pad>", "</s>", "<unk>", *learned]
    (directory / "vocab.json").write_text(
        json.dumps({token: i for i, token in enumerate(vocabulary)}, ensure_ascii=False), encoding="utf-8"
    )
    languages = [f"__{code}__" for code in FAIRSEQ_LANGUAGE_CODES["m2m100"]]
    tokenizer = M2M100Tokenizer(
        vocab_file=str(directory / "vocab.json"),
        spm_file=str(directory / "sentencepiece.bpe.model"),
        src_lang="en",
        tgt_lang="ar",
        additional_special_tokens=languages,
    )
    config = M2M100Config(
        vocab_size=len(vocabulary) + len(languages) + tokenizer.num_madeup_words,
        d_model=d_model,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=2 * d_model,
        decoder_ffn_dim=2 * d_model,
        max_position_embeddings=256,
        init_std=0.5,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
    )
    torch.manual_seed(seed)
    model = M2M100ForConditionalGeneration(config).eval()
    model.generation_config = GenerationConfig(
        decoder_start_token_id=2, pad_token_id=1, bos_token_id=0, eos_token_id=2, num_beams=1, max_length=64
    )
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def convert_with_cli(model: Path, output: Path, quantization: str = "int8") -> Path:
    """``ct2-transformers-converter --quantization int8`` on ``model``, tokenizer files copied along."""
    converter = shutil.which("ct2-transformers-converter") or "ct2-transformers-converter"
    command = [converter, "--model", str(model), "--output_dir", str(output), "--quantization", quantization]
    command += ["--copy_files", "source.spm", "target.spm", "--force"]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"ct2-transformers-converter failed: {completed.stderr[-2000:]}")
    return output


_BUILT: dict[str, Path] = {}


def tiny_marian_model(factory: pytest.TempPathFactory) -> Path:
    """A tiny random Marian model (d_model 32, 1+1 layers), built once per test process.

    Test modules wrap it in a session fixture: ``tiny_marian = pytest.fixture(scope="session")(...)``.
    """
    pytest.importorskip("transformers")
    pytest.importorskip("sentencepiece")
    if "model" not in _BUILT:
        _BUILT["model"] = build_marian(factory.mktemp("mt") / "tiny-opus-mt")
    return _BUILT["model"]


def tiny_m2m100_model(factory: pytest.TempPathFactory) -> Path:
    """A tiny random M2M100 model, built once per test process."""
    pytest.importorskip("transformers")
    if "m2m100" not in _BUILT:
        _BUILT["m2m100"] = build_m2m100(factory.mktemp("mt") / "tiny-m2m100")
    return _BUILT["m2m100"]


def tiny_marian_ct2_model(factory: pytest.TempPathFactory) -> Path:
    """The tiny model converted by the ``ct2-transformers-converter`` command (int8), once per test process."""
    pytest.importorskip("ctranslate2")
    if "ct2" not in _BUILT:
        _BUILT["ct2"] = convert_with_cli(tiny_marian_model(factory), factory.mktemp("mt") / "tiny-opus-mt-ct2")
    return _BUILT["ct2"]


if __name__ == "__main__":  # build one by hand: python tests/mt_fixtures.py DIR
    print(build_marian(Path(sys.argv[1])))
