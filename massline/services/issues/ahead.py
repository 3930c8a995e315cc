"""The part of the issue step's work on a message that needs no index state, done ahead of the write.

The pipeline's ``prepare`` hooks run in its second process while the previous batch is stored
(``services.pipeline.overlap``). :func:`prepare_features` does there what the issue index would
otherwise do per message in the write transaction and what does not depend on its state: the
normalised title and body start, the places named with a suffix in them (the index's ``features``
takes both as given) and the message's term weights with its own places cut out (``load_df`` reads
the document frequencies of these terms for the whole batch in a few statements). The features are
still computed against the index, as before, but their terms are counted again (segmentation, the
costly part) only when the index's vocabulary of learnt places cuts out another set of names than
the message's own places (``extract_features``: the weights depend on nothing else).
"""

from __future__ import annotations

from typing import NamedTuple

from massline.analysis.issues import IssueDoc, PlaceVocabulary
from massline.analysis.issues.features import TermWeights, cut_words, extract_features, normalized_texts
from massline.analysis.places import Language, PlaceMention, extract_places
from massline.services.issues.index import PARAMS, segmenter


class Prepared(NamedTuple):
    """The pure part of a message's features, computed ahead of the write (:func:`prepare_features`)."""

    normalized: tuple[str, str]  #: the normalised title and body start
    found: tuple[list[PlaceMention], list[PlaceMention]]  #: the places named with a suffix in them
    #: its term weights with its own places cut out: its features' unless the index's vocabulary of
    #: learnt places makes another place its place (then computed again, ``extract_features``)
    weighed: TermWeights
    #: the key of its place with only its own places known ("" for none): its features' place unless the
    #: index's vocabulary makes another one its place (its compatible keys are read for the whole batch)
    place: str = ""

    @property
    def terms(self) -> frozenset[str]:
        """Its terms as far as they do not depend on the index (their frequencies read ahead: ``load_df``)."""
        return frozenset(self.weighed.weights)


def prepare_features(title: str, body: str, language: Language) -> Prepared:
    """The part of a message's features that needs no index state (``StoredIssueIndex.prepared``).

    ``weighed`` are the term weights of the features with only the message's own places known: the
    index's vocabulary can make another place the message's place (then other names are cut out), so
    they serve as the features' only when the names cut out are the same (``extract_features``).
    """
    normalized = normalized_texts(IssueDoc(0, title, body), PARAMS.body_chars)
    title, body = normalized
    found = extract_places(title, sections=True, language=language), extract_places(body, language=language)
    alone = extract_features(title, body, segmenter(), PlaceVocabulary(), title_weight=PARAMS.title_weight,
                             found=found, language=language)  # fmt: skip
    place = alone.place.key if alone.place else ""
    return Prepared(normalized, found, TermWeights(cut_words(alone.places, alone.place), alone.counts), place)
