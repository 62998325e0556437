"""Sentence embeddings from WordLlama, loaded offline from the installed wheel.

The wordllama wheel ships its weights and tokenizer config, so loading needs no
network; `disable_download=True` makes a missing file an error instead of a
silent download at start-up.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from bot.errors import ConfigError

CONFIG = "l2_supercat"
DIM = 256


class Embedder:
    """Turns texts into L2-normalised vectors (so a dot product is a cosine)."""

    def __init__(self, model) -> None:
        self._model = model

    @classmethod
    def load(cls) -> "Embedder":
        """The embedder with the 256-dimension l2_supercat model from the
        installed wordllama package. Raises ConfigError if the files are missing."""
        import wordllama
        from wordllama import WordLlama

        package_dir = Path(wordllama.__file__).parent
        try:
            model = WordLlama.load(config=CONFIG, dim=DIM, cache_dir=package_dir, disable_download=True)
        except Exception as exc:  # wordllama raises plain errors for missing files
            raise ConfigError("wordllama model", f"{CONFIG} dim {DIM} under {package_dir} ({exc})") from exc
        return cls(model)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """An array of shape (len(texts), 256), float32, each row of length 1
        (an all-zero row for a text with no known tokens)."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        vectors = np.asarray(self._model.embed(list(texts), norm=False), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        # Normalise here rather than trusting the library, and avoid 0/0 for empty text.
        return vectors / np.where(norms == 0, 1.0, norms)
